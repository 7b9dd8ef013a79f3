//! `clearbox lesson`: check lesson files a trainer wrote, and list the bundled ones.

use std::path::PathBuf;

use clap::Subcommand;
use clearbox::data::{DataSource, Table, load};
use clearbox::error::{ClearboxError, Result};
use clearbox::jobs::Progress;
use clearbox::lessons::{Lesson, LessonData, breaks, bundled, file};
use clearbox::templates::reinforcement::simulator::{OldPolicy, simulate};

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
    /// Write the table a lesson opens to a CSV or Parquet file (for a
    /// "break the model" challenge: the sample with its break, as every
    /// laptop in the room gets it).
    Data {
        /// A lesson file, or a bundled lesson's file name (`clearbox lesson list` shows them).
        lesson: PathBuf,
        /// Where to write the table (.csv, or .parquet).
        #[arg(long)]
        out: PathBuf,
    },
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
            for ((name, _), lesson) in bundled::BUNDLED.iter().zip(bundled::lessons()?) {
                println!("{name} — {}: {}", lesson.title, lesson.about);
            }
            Ok(())
        }
        LessonVerb::Data { lesson, out } => {
            // A file of that name wins over a bundled lesson's.
            let lesson = match bundled::named(lesson)? {
                Some(bundled) if !lesson.is_file() => bundled,
                _ => file::load(lesson)?,
            };
            let table = table_of(&lesson)?;
            clearbox::data::export::write_table(&table, Vec::new(), out)?;
            println!(
                "Wrote the {} rows of '{}' for '{}' to {}.",
                clearbox::words::count(table.rows),
                table.name,
                lesson.title,
                out.display()
            );
            Ok(())
        }
    }
}

/// The table `lesson` opens, read (and broken, for a challenge) as the app does.
fn table_of(lesson: &Lesson) -> Result<Table> {
    let progress = Progress::silent();
    let sample = |id: &str| {
        clearbox::samples::find(id).ok_or_else(|| ClearboxError::NotFound {
            file: format!("the sample '{id}'"),
        })
    };
    match &lesson.data {
        LessonData::Sample(id) => load(&DataSource::Sample(sample(id)?), &progress),
        LessonData::File(path) => load(&DataSource::File(path.clone()), &progress),
        LessonData::Broken(id, broken) => breaks::open(id, broken, &progress),
        // As the app makes it for a lesson: the usual old system, the first log of the session.
        LessonData::Simulator(rows) => Ok(simulate(*rows, OldPolicy::Targeted, 1).0),
    }
}
