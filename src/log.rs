//! The log: technical details a person may want to send with a report,
//! kept out of the window and the terminal. Clearbox writes one line per
//! event (an unexpected failure with its place and backtrace) to
//! `clearbox.log` beside the settings, or where `CLEARBOX_LOG` says.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

use crate::words::Moment;

/// Serialises writers so lines from several threads never interleave.
static WRITING: Mutex<()> = Mutex::new(());

/// Where the log is written: `$CLEARBOX_LOG` when set, else `clearbox.log`
/// in [`crate::files::config_folder`]. `None` when neither is known.
pub fn path() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CLEARBOX_LOG").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    crate::files::config_folder().map(|dir| dir.join("clearbox.log"))
}

/// Appends `text` to the log with the moment it happened. Failing to log
/// never stops the work: the details are then simply lost.
pub fn write(text: &str) {
    let Some(path) = path() else { return };
    let _guard = WRITING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if let Ok(mut file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
    {
        let _ = writeln!(file, "{} {text}", Moment::now().recorded());
    }
}

/// Sends every panic's message, place and backtrace to the log instead of
/// the terminal. The fronts install it at start; the panic itself is caught
/// where the work runs ([`crate::jobs::catch`]) and shown as a sentence.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let thread = std::thread::current();
        let backtrace = std::backtrace::Backtrace::force_capture();
        write(&format!(
            "panic in thread '{}' at {place}: {}\n{backtrace}",
            thread.name().unwrap_or("unnamed"),
            crate::jobs::panic_message(info.payload())
        ));
    }));
}
