//! `clearbox lesson`: check lesson files a trainer wrote, and list the bundled ones.

use std::path::PathBuf;

use clap::Subcommand;
use clearbox::error::Result;
use clearbox::lessons::{bundled, file};

/// What to do with lessons.
#[derive(Debug, Subcommand)]
pub enum LessonVerb {
    /// Check a lesson file, or every .ron file in a folder: exit 2 and a sentence naming the line on the first problem.
    Check {
        /// The lesson file or folder.
        path: PathBuf,
    },
    /// List the lessons that ship with Clearbox.
    List,
}

/// Runs a lesson verb.
pub fn run(verb: &LessonVerb) -> Result<()> {
    match verb {
        LessonVerb::Check { path } => {
            for lesson_file in file::files_at(path)? {
                let lesson = file::load(&lesson_file)?;
                println!(
                    "{}: '{}' is a good lesson with {}.",
                    clearbox::error::display_name(&lesson_file),
                    lesson.title,
                    if lesson.steps.len() == 1 {
                        "1 step".to_owned()
                    } else {
                        format!("{} steps", lesson.steps.len())
                    }
                );
            }
            Ok(())
        }
        LessonVerb::List => {
            for lesson in bundled::lessons()? {
                println!("{}: {}", lesson.title, lesson.about);
            }
            Ok(())
        }
    }
}
