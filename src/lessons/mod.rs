//! Lessons for workshops: a RON file with a title, the data to open and
//! steps; each step has an instruction, an optional hint and a [`Check`]
//! that Clearbox evaluates on what the learner has done ([`Facts`], which
//! the GUI fills in from its state each frame). Trainers write their own and
//! check them with `clearbox lesson check FILE`; the app ships eleven
//! ([`bundled`]).
//!
//! ```ron
//! (
//!     title: "Spot the leak",
//!     about: "A model that looks too good usually cheats.",
//!     data: Sample("titanic"),
//!     steps: [
//!         (
//!             instruction: "Open Predict a column and choose Survived.",
//!             hint: "The button is at the top of the data page.",
//!             check: TargetIs("Survived"),
//!         ),
//!     ],
//! )
//! ```

pub mod breaks;
pub mod bundled;
pub mod facts;
pub mod file;

use std::path::PathBuf;

use serde::Deserialize;

use crate::drift::DriftVerdict;
pub use facts::{Facts, ModelFacts, Screen};

/// A lesson: what to open and the steps through it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    /// Its title ("Spot the leak").
    pub title: String,
    /// One or two sentences on what the room will learn.
    #[serde(default)]
    pub about: String,
    /// The table the lesson works on.
    pub data: LessonData,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

/// The table a lesson opens.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub enum LessonData {
    /// A bundled sample, by id (`clearbox samples` lists them).
    Sample(String),
    /// A CSV or Parquet file; a relative path is read from the lesson's folder.
    File(PathBuf),
    /// A log from the workshop simulator's shop, with this many decisions.
    Simulator(usize),
    /// A bundled sample with one thing broken for the room to find (a
    /// "break the model" challenge): `Broken("german_credit", Leak(…))`.
    Broken(String, breaks::Break),
}

/// One step: what to do, a hint for the stuck, and how Clearbox tells it is done.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// What to do, in a sentence or two.
    pub instruction: String,
    /// Offered after a while on this step.
    #[serde(default)]
    pub hint: Option<String>,
    /// When the step counts as done.
    pub check: Check,
}

/// Something about the app's state a step waits for.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub enum Check {
    /// This screen is showing.
    Showing(Screen),
    /// This column is the one to predict.
    TargetIs(String),
    /// The prediction wizard leaves this column out.
    LeftOut(String),
    /// The prediction wizard uses this column.
    Used(String),
    /// A prediction model was trained whose test figure (AUC, accuracy or
    /// RMSE) lies within the bounds given, using and not using the columns named.
    ModelTrained {
        /// The figure is at least this.
        #[serde(default)]
        at_least: Option<f64>,
        /// The figure is at most this.
        #[serde(default)]
        at_most: Option<f64>,
        /// Columns the model must use.
        #[serde(default)]
        using: Vec<String>,
        /// Columns the model must not use.
        #[serde(default)]
        without: Vec<String>,
    },
    /// Groups were found: any number, or exactly this many.
    GroupsFound(Option<usize>),
    /// A policy was learned from the log of decisions.
    PolicyLearned,
    /// The explanation's drivers are on screen.
    DriversShown,
    /// A drift check finished: any verdict, or this one.
    DriftChecked(Option<DriftVerdict>),
    /// A fix from the health report was applied to this column (or to any).
    FixApplied(Option<String>),
    /// This column's details are open, on the data page or the drift page.
    Inspected(String),
}

impl Lesson {
    /// Every column the checks name, to check against the table.
    pub fn columns_named(&self) -> Vec<(usize, &str)> {
        let mut named = Vec::new();
        for (index, step) in self.steps.iter().enumerate() {
            match &step.check {
                Check::TargetIs(c) | Check::LeftOut(c) | Check::Used(c) | Check::Inspected(c) => {
                    named.push((index, c.as_str()))
                }
                Check::FixApplied(Some(c)) => named.push((index, c.as_str())),
                Check::ModelTrained { using, without, .. } => {
                    named.extend(using.iter().chain(without).map(|c| (index, c.as_str())))
                }
                _ => {}
            }
        }
        named
    }
}
