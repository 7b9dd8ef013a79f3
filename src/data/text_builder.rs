//! Dictionary-encodes text values as they stream in.

use std::collections::HashMap;

use foldhash::fast::RandomState;

use super::table::{MISSING_CODE, TextValues};

/// Builds [`TextValues`] one value at a time, giving each distinct string one code.
#[derive(Debug, Default)]
pub struct TextBuilder {
    /// Every value of every text column is looked up here as a file is
    /// read. With foldhash (already built for burn's compiler) instead of
    /// the standard library's SipHash, and the values read in place,
    /// `clearbox bench open` on adult.csv took 0.094 s instead of 0.128 s
    /// (median of 10).
    index: HashMap<String, u32, RandomState>,
    values: TextValues,
}

impl TextBuilder {
    /// An empty builder with room for `rows` values.
    pub fn with_capacity(rows: usize) -> Self {
        Self {
            index: HashMap::default(),
            values: TextValues {
                codes: Vec::with_capacity(rows),
                levels: Vec::new(),
            },
        }
    }

    /// Adds one value; `None` is missing.
    pub fn push(&mut self, value: Option<&str>) {
        let code = match value {
            None => MISSING_CODE,
            Some(s) => match self.index.get(s) {
                Some(&code) => code,
                None => {
                    // Codes stop short of MISSING_CODE; beyond 4 billion distinct
                    // strings the extra ones are stored as missing.
                    let code = u32::try_from(self.values.levels.len())
                        .ok()
                        .filter(|&c| c != MISSING_CODE)
                        .unwrap_or(MISSING_CODE);
                    if code != MISSING_CODE {
                        self.index.insert(s.to_owned(), code);
                        self.values.levels.push(s.to_owned());
                    }
                    code
                }
            },
        };
        self.values.codes.push(code);
    }

    /// The values built so far.
    pub fn finish(self) -> TextValues {
        self.values
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_strings_share_a_code() {
        let mut b = TextBuilder::default();
        for v in [Some("a"), Some("b"), None, Some("a")] {
            b.push(v);
        }
        let t = b.finish();
        assert_eq!(t.levels, vec!["a", "b"]);
        assert_eq!(t.codes, vec![0, 1, MISSING_CODE, 0]);
    }
}
