//! What Clearbox remembers between sessions: recent files and, for each file,
//! the user's recipe (role changes and fixes). Written atomically.

pub mod settings;

pub use settings::{RecentFile, Settings};
