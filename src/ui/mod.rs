//! The desktop front: an eframe app that renders [`state::AppState`] and turns
//! clicks into [`commands::AppCommand`]s. It computes nothing itself: each
//! page's runner ([`runner::Runner`]) starts library jobs and puts their
//! results into the state; files are written by one background writer.

mod app;
mod charts;
mod column_list;
mod column_panel;
pub mod commands;
mod data_flow;
mod data_page;
mod drift_challenger;
mod drift_charts;
mod drift_flow;
mod drift_page;
mod explain_flow;
mod explain_page;
pub mod files;
mod gloss;
mod home;
mod input_choices;
mod lesson_flow;
mod lesson_panel;
mod policy_flow;
mod policy_page;
mod policy_results;
mod predict_page;
mod predict_results;
mod prediction_flow;
mod project_flow;
pub mod runner;
mod runs_page;
mod segment_flow;
mod segment_page;
mod segment_results;
pub mod state;
mod status_bar;
mod table_view;
mod theme;
mod writer;

use std::path::PathBuf;
use std::process::ExitCode;

pub use app::{AppConfig, ClearboxApp};
use clearbox::compute::DevicePreference;
pub use explain_flow::ExplainBudget;

/// What the command line asked the window to do at start.
pub struct Launch {
    /// Device preference from `--device`.
    pub device: DevicePreference,
    /// A file to open at once.
    pub open: Option<PathBuf>,
    /// A sample to open at once.
    pub sample: Option<String>,
}

/// Opens the window and runs until it is closed.
pub fn run(launch: Launch) -> ExitCode {
    let open = match (&launch.sample, launch.open) {
        (Some(id), _) => match clearbox::samples::find(id) {
            Some(sample) => Some(clearbox::data::DataSource::Sample(sample)),
            None => {
                eprintln!(
                    "There is no sample called '{id}'. The samples are: {}.",
                    clearbox::samples::ids()
                );
                return ExitCode::from(2);
            }
        },
        (None, Some(path)) => Some(clearbox::data::DataSource::File(path)),
        (None, None) => None,
    };
    let config = AppConfig {
        device: launch.device,
        settings_path: clearbox::project::settings::default_path(),
        open,
        explain: ExplainBudget::default(),
        hint_after: lesson_flow::HINT_AFTER,
        on_news: None,
    };
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Clearbox")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([800.0, 500.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    match eframe::run_native(
        "Clearbox",
        options,
        Box::new(|cc| Ok(Box::new(ClearboxApp::new(cc, config)))),
    ) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!(
                "The Clearbox window could not open ({err}). The command line still works: run \
                 'clearbox --help'."
            );
            ExitCode::FAILURE
        }
    }
}
