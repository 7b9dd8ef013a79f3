//! What Clearbox remembers between sessions: recent files and, for each file,
//! the user's recipe (role changes and fixes). Written atomically.

pub mod atomic;
pub mod settings;

pub use atomic::write_atomically;
pub use settings::{RecentFile, Settings};
