//! The templates: guided analyses built from the library's pieces. Each
//! template is a sequence of steps (the GUI's wizard, the CLI's verbs), a
//! trained artefact saved as a folder, and the results to show.

pub mod prediction;
pub mod segmentation;
