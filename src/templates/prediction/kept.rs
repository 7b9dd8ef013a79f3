//! What a prediction folder keeps besides the model, so that a project can
//! reopen its results page exactly: the test rows' outcomes and both
//! models' predictions (`test.bin`, numbers in full precision) and which
//! columns were used and why the others were not (`inputs.ron`).
//!
//! `test.bin` is five blocks, each a little-endian `u64` count followed by
//! its values: the outcomes (one byte each, 0 or 1), the deep model's
//! probabilities, the simple model's (`f64` each), the (true, predicted)
//! amounts (two `f64` each), and the tree model's probabilities. Folders
//! saved before trees could be kept end after the fourth block.

use super::saved::ModelCard;
use super::{ChosenModel, PredictionOutcome, TestPredictions};
use crate::error::Result;
use crate::ml::task::TaskKind;
use crate::templates::artefact::{CARD, Folder, FolderWriter};
use crate::templates::{InputChoice, InputUse};

/// The test predictions' file.
pub const TEST: &str = "test.bin";
/// The input choices' file.
pub const INPUTS: &str = "inputs.ron";

/// Writes the test predictions and the input choices into the folder.
pub fn write(outcome: &PredictionOutcome, writer: &mut FolderWriter) -> Result<()> {
    let test = &outcome.test_predictions;
    let mut bytes = Vec::new();
    let count = |bytes: &mut Vec<u8>, n: usize| bytes.extend((n as u64).to_le_bytes());
    count(&mut bytes, test.truth.len());
    bytes.extend(test.truth.iter().map(|&t| u8::from(t)));
    for values in [&test.deep, &test.simple] {
        count(&mut bytes, values.len());
        bytes.extend(values.iter().flat_map(|x| x.to_le_bytes()));
    }
    count(&mut bytes, test.amounts.len());
    bytes.extend(
        test.amounts
            .iter()
            .flat_map(|(t, p)| t.to_le_bytes().into_iter().chain(p.to_le_bytes())),
    );
    count(&mut bytes, test.trees.len());
    bytes.extend(test.trees.iter().flat_map(|x| x.to_le_bytes()));
    writer.file(TEST, &bytes)?;
    let inputs: Vec<(String, InputUse)> = outcome
        .inputs
        .iter()
        .map(|c| (c.column.clone(), c.choice.clone()))
        .collect();
    writer.ron(INPUTS, &inputs)
}

/// Reads them back; a folder saved without them, or with blocks that do
/// not add up to the card's test rows, is refused in one sentence.
pub fn read(folder: &Folder, card: &ModelCard) -> Result<(TestPredictions, Vec<InputChoice>)> {
    let test_rows = card.split_sizes[2];
    let raw = folder.bytes(TEST)?;
    let damaged = || {
        folder.damaged(format!(
            "its '{TEST}' does not hold the {test_rows} test rows its {CARD} names. Train it again"
        ))
    };
    let mut reader = Reader { raw, at: 0 };
    let truth_len = reader.count().ok_or_else(damaged)?;
    let truth: Vec<bool> = reader
        .take(truth_len)
        .ok_or_else(damaged)?
        .iter()
        .map(|&b| b != 0)
        .collect();
    let deep = reader.block(1).ok_or_else(damaged)?;
    let simple = reader.block(1).ok_or_else(damaged)?;
    let flat = reader.block(2).ok_or_else(damaged)?;
    let amounts: Vec<(f64, f64)> = flat.chunks_exact(2).map(|p| (p[0], p[1])).collect();
    let trees = if reader.at == raw.len() {
        Vec::new()
    } else {
        reader.block(1).ok_or_else(damaged)?
    };
    let consistent = reader.at == raw.len()
        && match card.target.task {
            TaskKind::Binary => {
                truth.len() == test_rows
                    && deep.len() == test_rows
                    && simple.len() == test_rows
                    && (trees.is_empty() || trees.len() == test_rows)
                    && (card.chosen != ChosenModel::Trees || !trees.is_empty())
            }
            TaskKind::Regression => {
                amounts.len() == test_rows && truth.is_empty() && trees.is_empty()
            }
            // Several classes keep no per-row predictions yet.
            TaskKind::Multiclass => {
                truth.is_empty() && deep.is_empty() && amounts.is_empty() && trees.is_empty()
            }
        };
    if !consistent {
        return Err(damaged());
    }
    let inputs: Vec<(String, InputUse)> = folder.ron(INPUTS)?;
    Ok((
        TestPredictions {
            truth,
            deep,
            simple,
            trees,
            amounts,
        },
        inputs
            .into_iter()
            .map(|(column, choice)| InputChoice { column, choice })
            .collect(),
    ))
}

/// Reads blocks off the front of the file; `None` when it runs out.
struct Reader<'a> {
    raw: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, len: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(len).filter(|&e| e <= self.raw.len())?;
        let part = &self.raw[self.at..end];
        self.at = end;
        Some(part)
    }

    fn count(&mut self) -> Option<usize> {
        let word: [u8; 8] = self.take(8)?.try_into().ok()?;
        usize::try_from(u64::from_le_bytes(word)).ok()
    }

    /// A count, then that many groups of `per` floats.
    fn block(&mut self, per: usize) -> Option<Vec<f64>> {
        let n = self.count()?;
        self.floats(n.checked_mul(per)?)
    }

    fn floats(&mut self, n: usize) -> Option<Vec<f64>> {
        let bytes = self.take(n.checked_mul(8)?)?;
        Some(
            bytes
                .chunks_exact(8)
                .filter_map(|c| c.try_into().ok().map(f64::from_le_bytes))
                .collect(),
        )
    }
}
