//! The templates: guided analyses built from the library's pieces, all of
//! one shape.
//!
//! A template ([`Template`]) is a request (what the user asked for, kept in
//! the artefact's provenance), a training run that reports progress and can
//! be cancelled, an outcome in memory (what the results page shows), and a
//! saved artefact: one folder layout with one provenance record and a
//! validated load ([`artefact`]). A loaded artefact is an [`Artefact`]: it
//! scores new rows into one [`Output`] shape, and offers what the later
//! steps need — a network to explain ([`Explainable`]), groups whose
//! membership can be explained ([`Grouping`]), a known outcome and test
//! score to monitor ([`KnownOutcome`]). Explanations, drift and the command
//! line take any artefact through [`open`], which is the one place that
//! turns a folder's kind into a template.

pub mod artefact;
pub mod explainable;
pub mod inputs;
pub mod known;
pub mod output;
pub mod prediction;
pub mod reinforcement;
pub mod segmentation;

use std::path::Path;
use std::sync::Arc;

use burn::tensor::Device;
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use artefact::{Folder, FolderWriter, Provenance, Record, TemplateKind};
pub use explainable::{Explainable, Explained, OutputLink};
pub use inputs::{
    Decisions, InputChoice, InputUse, LeftOut, LogRole, Purpose, choose_inputs, used_columns,
};
pub use known::{KnownOutcome, Measured};
pub use output::{Output, Series};

use crate::compute::ComputeDevice;
use crate::data::Table;
use crate::error::{ClearboxError, Result};
use crate::jobs::Progress;
use segmentation::membership::Membership;

/// A guided analysis: what the user asks for, how it is trained, and what
/// it saves.
pub trait Template {
    /// Which template this is; recorded in every artefact it saves.
    const KIND: TemplateKind;
    /// What the user asks for. Saved in the provenance, so a run can be repeated.
    type Request: Serialize + DeserializeOwned + Clone + std::fmt::Debug + Send + Sync + 'static;
    /// News while training, for live charts.
    type Event: Send + 'static;
    /// A finished run in memory: what the results page shows and what is saved.
    type Outcome: Send + Sync + 'static;
    /// The artefact loaded back from its folder.
    type Saved: Artefact + 'static;

    /// Trains on `table`. Runs for seconds to minutes: call it from a job.
    fn train(
        table: &Table,
        request: &Self::Request,
        device: &ComputeDevice,
        progress: &Progress,
        on_event: &dyn Fn(Self::Event),
    ) -> Result<Self::Outcome>;

    /// Saves `outcome` as an artefact folder `dir`.
    fn save(outcome: &Self::Outcome, dir: &Path) -> Result<Record>;

    /// The seed `request` runs with.
    fn seed(request: &Self::Request) -> u64;

    /// Loads an opened folder of this template's kind onto `device`,
    /// checking that its card agrees with itself and its weights.
    fn load(folder: &Folder, device: &Device) -> Result<Self::Saved>;
}

/// Groups whose membership can be explained row by row.
pub trait Grouping: Send + Sync {
    /// The groups' names, in group order.
    fn names(&self) -> &[String];
    /// Why each of `rows` of `table` is in its group rather than the next-nearest one.
    fn memberships(
        &self,
        table: &Table,
        rows: &[usize],
        device: &Device,
    ) -> Result<Vec<Membership>>;
}

/// A saved artefact, loaded and checked.
pub trait Artefact: Send + Sync + std::fmt::Debug {
    /// Where it came from.
    fn provenance(&self) -> &Provenance;
    /// The columns it reads, in order.
    fn inputs(&self) -> &[String];
    /// Checks that `table` has every input in a readable form, naming the
    /// first that is missing or changed.
    fn check(&self, table: &Table) -> Result<()>;
    /// What it cannot read as it was trained to in `rows` of `table`
    /// (after [`Artefact::check`] passed): scoring goes on, and says so.
    fn unread(&self, table: &Table, rows: &[usize]) -> Vec<crate::ml::unread::Unread>;
    /// Its answer for `rows` of `table`.
    fn score(&self, table: &Table, rows: &[usize], device: &Device) -> Result<Output>;
    /// The column it predicts and its test score, when it predicts one.
    fn outcome(&self) -> Option<KnownOutcome<'_>> {
        None
    }
    /// The network behind its answers, for Shapley explanations.
    fn explainable(&self) -> Option<&dyn Explainable> {
        None
    }
    /// Its groups, for explaining membership.
    fn grouping(&self) -> Option<&dyn Grouping> {
        None
    }
    /// `table` in the shape it learned from: a log summarised per key
    /// where it learned from such a summary ([`crate::data::summary`]) and
    /// `table` is not one already. `None` where `table` needs no change.
    fn shaped(&self, table: &Table) -> Result<Option<Table>> {
        let Some(per) = &self.provenance().data.summarised else {
            return Ok(None);
        };
        if self.inputs().iter().all(|c| table.column(c).is_some()) {
            return Ok(None);
        }
        if table.column(&per.key).is_none() {
            return Err(ClearboxError::BadRequest(format!(
                "What you saved learned from one row per {noun}, summing up the rows of each \
                 '{key}', but '{}' has no column '{key}'. Use a table with that column, so its \
                 rows are summed up per {noun} the same way.",
                table.name,
                key = per.key,
                noun = per.noun(),
            )));
        }
        per.summarise_for(table, self.inputs()).map(Some)
    }
}

/// Opens the artefact folder `dir` onto `device`, whichever template made
/// it. Every damaged or foreign folder is one sentence naming it.
pub fn open(dir: &Path, device: &Device) -> Result<Arc<dyn Artefact>> {
    let folder = Folder::open(dir)?;
    Ok(match folder.kind() {
        TemplateKind::Prediction => Arc::new(prediction::Prediction::load(&folder, device)?),
        TemplateKind::Segmentation => Arc::new(segmentation::Segmentation::load(&folder, device)?),
        TemplateKind::Reinforcement => {
            Arc::new(reinforcement::Reinforcement::load(&folder, device)?)
        }
    })
}

/// Opens `dir` expecting an artefact of template `T`.
pub fn open_as<T: Template>(dir: &Path, device: &Device) -> Result<T::Saved> {
    let folder = Folder::open(dir)?;
    if folder.kind() != T::KIND {
        return Err(folder.damaged(format!(
            "it holds {}, not {}. Choose a folder made by the {} template",
            folder.kind().artefact(),
            T::KIND.artefact(),
            T::KIND.name()
        )));
    }
    T::load(&folder, device)
}
