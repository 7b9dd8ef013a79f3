//! The glossary: every technical term the app shows, kept in one place
//! (`assets/glossary.ron`, compiled in), each with what it means, an
//! everyday comparison and why it matters here. The GUI puts the entries of
//! the terms a piece of text uses on that text's hover; the reports and the
//! lessons read them too.

use std::sync::OnceLock;

use serde::Deserialize;

/// One term and its explanation.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Term {
    /// The term as a heading ("Shapley value").
    pub term: String,
    /// The spellings that stand for it on screen, matched as whole words in
    /// any case ("leak", "leaks", "leakage").
    pub forms: Vec<String>,
    /// What it is, in one plain sentence.
    pub meaning: String,
    /// An everyday comparison.
    pub like: String,
    /// Why it matters in Clearbox, and where it shows.
    pub why: String,
}

impl Term {
    /// The hover text: the term, its meaning, the comparison and why it matters.
    pub fn hover(&self) -> String {
        format!(
            "{}: {} {} Why it matters here: {}",
            self.term, self.meaning, self.like, self.why
        )
    }
}

/// The terms, with a look-up by spelling.
#[derive(Debug, Clone, PartialEq)]
pub struct Glossary {
    terms: Vec<Term>,
    /// Every form in lower case with the index of its term, longest first so
    /// that "Shapley value" is found before a shorter form inside it.
    forms: Vec<(String, usize)>,
}

/// Why a glossary file is not usable.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GlossaryError {
    /// The text is not the glossary's RON shape.
    #[error("the glossary could not be read: {0}")]
    Unreadable(String),
    /// An entry is missing a part.
    #[error("the glossary's entry '{term}' has no {part}")]
    Incomplete {
        /// The entry.
        term: String,
        /// The empty field.
        part: &'static str,
    },
    /// Two entries claim one spelling, so a hover could not choose.
    #[error("the glossary gives '{form}' to both '{first}' and '{second}'")]
    SharedForm {
        /// The spelling.
        form: String,
        /// One entry.
        first: String,
        /// The other.
        second: String,
    },
}

impl Glossary {
    /// Reads and checks a glossary: every part filled in, no spelling shared.
    pub fn parse(text: &str) -> Result<Self, GlossaryError> {
        let terms: Vec<Term> =
            ron::from_str(text).map_err(|e| GlossaryError::Unreadable(e.to_string()))?;
        let mut forms: Vec<(String, usize)> = Vec::new();
        for (index, term) in terms.iter().enumerate() {
            for (part, value) in [
                ("term", &term.term),
                ("meaning", &term.meaning),
                ("comparison", &term.like),
                ("reason it matters", &term.why),
            ] {
                if value.trim().is_empty() {
                    return Err(GlossaryError::Incomplete {
                        term: term.term.clone(),
                        part,
                    });
                }
            }
            let own = std::iter::once(&term.term).chain(&term.forms);
            for form in own {
                let form = form.trim().to_lowercase();
                if form.is_empty() {
                    continue;
                }
                match forms.iter().find(|(f, _)| *f == form) {
                    Some((_, other)) if *other != index => {
                        return Err(GlossaryError::SharedForm {
                            form,
                            first: terms[*other].term.clone(),
                            second: term.term.clone(),
                        });
                    }
                    Some(_) => {}
                    None => forms.push((form, index)),
                }
            }
        }
        forms.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        Ok(Self { terms, forms })
    }

    /// The glossary that ships with the app. It is compiled in and checked
    /// by a test, so failing to read it is a bug in the build, not bad input.
    pub fn bundled() -> &'static Glossary {
        static BUNDLED: OnceLock<Glossary> = OnceLock::new();
        BUNDLED.get_or_init(|| {
            Glossary::parse(include_str!("../assets/glossary.ron"))
                .unwrap_or_else(|e| panic!("the bundled glossary is broken: {e}"))
        })
    }

    /// Every entry, in the file's order.
    pub fn terms(&self) -> &[Term] {
        &self.terms
    }

    /// The entry whose heading or spelling is `name` (any case).
    pub fn get(&self, name: &str) -> Option<&Term> {
        let name = name.trim().to_lowercase();
        self.forms
            .iter()
            .find(|(form, _)| *form == name)
            .map(|(_, index)| &self.terms[*index])
    }

    /// The entries whose spellings `text` uses as whole words, in the order
    /// they first appear, each once.
    pub fn find_in(&self, text: &str) -> Vec<&Term> {
        let lower = text.to_lowercase();
        let mut found: Vec<(usize, usize)> = Vec::new();
        // Parts of the text a longer form already took, so "Shapley value"
        // does not also count as a shorter form inside it.
        let mut taken: Vec<(usize, usize)> = Vec::new();
        for (form, index) in &self.forms {
            for (start, _) in lower.match_indices(form.as_str()) {
                let end = start + form.len();
                if !whole_word(&lower, start, end)
                    || taken.iter().any(|&(s, e)| start < e && s < end)
                {
                    continue;
                }
                taken.push((start, end));
                match found.iter_mut().find(|(_, i)| i == index) {
                    Some(seen) => seen.0 = seen.0.min(start),
                    None => found.push((start, *index)),
                }
            }
        }
        found.sort_unstable();
        found.into_iter().map(|(_, i)| &self.terms[i]).collect()
    }

    /// The hover for `text`: the entries of every term it uses, one paragraph
    /// each, or `None` when it uses none.
    pub fn explain(&self, text: &str) -> Option<String> {
        let found = self.find_in(text);
        (!found.is_empty()).then(|| {
            found
                .iter()
                .map(|t| t.hover())
                .collect::<Vec<_>>()
                .join("\n\n")
        })
    }
}

/// Whether `text[start..end]` stands alone: no letter or digit touches it.
fn whole_word(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"[
        (term: "AUC", forms: [], meaning: "A ranking score.", like: "Like a coin.", why: "It grades models."),
        (term: "Shapley value", forms: ["Shapley values"], meaning: "A share.", like: "Like a bill.", why: "It explains."),
        (term: "Value drift", forms: ["drift", "drifted"], meaning: "Change.", like: "Like tides.", why: "Retrain."),
    ]"#;

    #[test]
    fn finds_whole_words_in_any_case_longest_first() {
        let glossary = Glossary::parse(SMALL).expect("parses");
        let names = |text: &str| {
            glossary
                .find_in(text)
                .iter()
                .map(|t| t.term.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(names("Test auc 0.84"), ["AUC"]);
        assert_eq!(
            names("The data drifted; Shapley values say why"),
            ["Value drift", "Shapley value"]
        );
        // Inside another word is no use of the term.
        assert!(names("AUCTION of drifters").is_empty());
        // "Shapley value" is one term, not also "Value drift" via "value".
        assert_eq!(names("its Shapley value"), ["Shapley value"]);
        assert_eq!(
            glossary.get("drifted").map(|t| t.term.as_str()),
            Some("Value drift")
        );
        let hover = glossary.explain("AUC").expect("a hover");
        assert!(hover.contains("A ranking score.") && hover.contains("It grades models."));
        assert_eq!(glossary.explain("nothing technical"), None);
    }

    #[test]
    fn refuses_shared_spellings_and_empty_parts() {
        let shared = r#"[
            (term: "A", forms: ["x"], meaning: "m", like: "l", why: "w"),
            (term: "B", forms: ["X"], meaning: "m", like: "l", why: "w"),
        ]"#;
        assert!(matches!(
            Glossary::parse(shared),
            Err(GlossaryError::SharedForm { .. })
        ));
        let empty = r#"[(term: "A", forms: [], meaning: " ", like: "l", why: "w")]"#;
        assert!(matches!(
            Glossary::parse(empty),
            Err(GlossaryError::Incomplete {
                part: "meaning",
                ..
            })
        ));
    }

    #[test]
    fn the_bundled_glossary_reads_and_holds_the_terms_the_app_shows() {
        let glossary = Glossary::bundled();
        for term in [
            "AUC",
            "PSI",
            "silhouette",
            "Shapley value",
            "propensity",
            "confidence interval",
            "drift",
            "leakage",
        ] {
            assert!(
                glossary.get(term).is_some(),
                "the glossary explains '{term}'"
            );
        }
    }
}
