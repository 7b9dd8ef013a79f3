//! The `clearbox` program: the GUI when no verb is given, otherwise a
//! headless command. Both fronts are thin: the work is in the library.

mod cli;
mod ui;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Panic details belong in the log, not on the terminal or under the window.
    clearbox::log::install_panic_hook();
    clearbox::compute::keep_freed_memory();
    let args = cli::Args::parse();
    match args.command {
        Some(command) => cli::run(command, args.device),
        None => ui::run(ui::Launch {
            device: args.device,
            open: args.open,
            sample: args.sample,
        }),
    }
}
