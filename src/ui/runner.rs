//! The shape every page's runner has: it handles its own commands, takes in
//! its jobs' news once per frame, and hears what happens to the open data
//! (it forgets its results when the table they were built on changes). What a runner cannot do itself (write a file, check
//! the data's health again) it asks the app for through [`Effect`]s.

use clearbox::compute::ComputeDevice;
use clearbox::jobs::{Progress, Wake};

use super::commands::AppCommand;
pub use super::data_flow::DataEvent;
use super::state::AppState;

/// A file write, run one at a time in the background by the app.
pub struct Write {
    /// What is being written, as a gerund phrase for errors ("saving the model").
    pub activity: &'static str,
    /// Writes of the same key replace each other while still waiting (settings).
    pub key: Option<&'static str>,
    /// The work; it returns what to tell the user, and what to do next.
    pub work: WriteWork,
}

/// A write's work: it returns what to tell the user, and what to do next.
pub type WriteWork = Box<dyn FnOnce(&Progress) -> clearbox::Result<Written> + Send>;

/// A finished write.
pub struct Written {
    /// The sentence for the banner; none for quiet writes such as settings.
    pub sentence: Option<String>,
    /// A command to run now that the file is there.
    pub then: Option<AppCommand>,
}

impl Written {
    /// A write that tells the user `sentence`.
    pub fn saying(sentence: String) -> Self {
        Self {
            sentence: Some(sentence),
            then: None,
        }
    }

    /// A save that tells the user `sentence` and is recorded in the open
    /// project, if any: `what` was written to `path`.
    pub fn saved(sentence: String, what: &'static str, path: &std::path::Path) -> Self {
        Self {
            sentence: Some(sentence),
            then: Some(
                super::commands::ProjectCommand::Exported {
                    what,
                    path: path.to_path_buf(),
                }
                .into(),
            ),
        }
    }
}

/// Something a runner asks the app to do.
pub enum Effect {
    /// Tell every page what happened to the open data.
    Data(DataEvent),
    /// Write a file in the background.
    Write(Write),
    /// Open a table made in the app (a simulated log) with the truth behind it.
    Open(Box<Generated>),
    /// Another page's command, handled as if the UI had sent it.
    Command(AppCommand),
    /// A project reopened: show this prediction run's results again.
    RestorePrediction(std::sync::Arc<clearbox::templates::prediction::PredictionOutcome>),
    /// A project reopened: show these groups again.
    RestoreGroups(std::sync::Arc<clearbox::templates::segmentation::SegmentationOutcome>),
    /// A project reopened: show this policy again.
    RestorePolicy(std::sync::Arc<clearbox::templates::reinforcement::ReinforcementOutcome>),
}

/// A table made in the app, to open as if it had been read.
pub struct Generated {
    /// The table.
    pub table: clearbox::data::Table,
    /// The truth behind it.
    pub truth: std::sync::Arc<clearbox::templates::reinforcement::simulator::Truth>,
}

/// What a runner may use while handling a command or polling.
pub struct Env<'a> {
    /// The proven compute device, once known.
    pub device: Option<&'a ComputeDevice>,
    /// Wakes the window when a job has news.
    pub wake: &'a Wake,
    /// The open project runs are recorded in (none without one, or when it
    /// is read-only).
    pub project: Option<std::sync::Arc<std::sync::Mutex<clearbox::project::Project>>>,
    /// What the app should do after this.
    pub effects: Vec<Effect>,
}

impl Env<'_> {
    /// The device, or a banner saying it is still being checked.
    pub fn device_or_banner(&self, state: &mut AppState) -> Option<ComputeDevice> {
        if self.device.is_none() {
            state.banner = Some(super::state::Banner::Error(
                "The compute device is still being checked; try again in a moment.".into(),
            ));
        }
        self.device.cloned()
    }

    /// Asks for a file write in the background.
    pub fn write(
        &mut self,
        activity: &'static str,
        work: impl FnOnce(&Progress) -> clearbox::Result<Written> + Send + 'static,
    ) {
        self.effects.push(Effect::Write(Write {
            activity,
            key: None,
            work: Box::new(work),
        }));
    }
}

/// A page's background work and command handling.
pub trait Runner {
    /// The page's commands.
    type Command;

    /// Handles one of the page's commands.
    fn handle(&mut self, command: Self::Command, state: &mut AppState, env: &mut Env<'_>);

    /// Takes in the page's jobs' news; called every frame.
    fn poll(&mut self, state: &mut AppState, env: &mut Env<'_>);

    /// Hears what happened to the open data. On [`DataEvent::TableChanged`]
    /// the page forgets its results and its running jobs are cancelled.
    fn data_event(&mut self, event: DataEvent, state: &mut AppState, env: &mut Env<'_>);
}
