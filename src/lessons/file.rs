//! Reading and checking lesson files. Every problem names the line a
//! trainer must fix: RON's own errors carry it, and problems found after
//! reading (an unknown sample, a column the table lacks) are traced back to
//! the line that says them.

use std::path::{Path, PathBuf};

use super::{Lesson, LessonData};
use crate::error::{ClearboxError, Result, display_name};

/// The most decisions a lesson may ask the simulator for (as the home screen allows).
const SIMULATOR_ROWS: std::ops::RangeInclusive<usize> = 1_000..=200_000;

/// Reads a lesson from `text`; `file` names it in errors and `folder` is
/// where a relative data file is looked for.
pub fn parse(text: &str, file: &str, folder: Option<&Path>) -> Result<Lesson> {
    let options =
        ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
    let mut lesson: Lesson = options
        .from_str(text)
        .map_err(|e| ClearboxError::BadLesson {
            file: file.to_owned(),
            line: e.span.start.line.max(1),
            problem: format!(
                "this is not how a lesson is written ({}). Compare it with a bundled lesson.",
                e.code
            ),
        })?;
    let bad = |line: usize, problem: String| ClearboxError::BadLesson {
        file: file.to_owned(),
        line,
        problem,
    };
    if lesson.title.trim().is_empty() {
        return Err(bad(
            line_of(text, "title", 0),
            "the lesson has no title. Give it one, e.g. title: \"Spot the leak\".".into(),
        ));
    }
    if lesson.steps.is_empty() {
        return Err(bad(
            line_of(text, "steps", 0),
            "the lesson has no steps. Add at least one (instruction: \"…\", check: …).".into(),
        ));
    }
    for (index, step) in lesson.steps.iter().enumerate() {
        if step.instruction.trim().is_empty() {
            return Err(bad(
                line_of(text, "instruction", index),
                format!("step {} has no instruction. Say what to do.", index + 1),
            ));
        }
        if let super::Check::ModelTrained {
            at_least: Some(low),
            at_most: Some(high),
            ..
        } = step.check
            && low > high
        {
            return Err(bad(
                line_of(text, "at_least", 0),
                format!(
                    "step {} asks for a score of at least {low} and at most {high}, which no model \
                     can have. Swap them.",
                    index + 1
                ),
            ));
        }
    }
    let (sample_id, keyword, added) = match &lesson.data {
        LessonData::Sample(id) => (Some(id.clone()), "Sample", Vec::new()),
        LessonData::Broken(id, broken) => {
            if let Some(problem) = broken.out_of_range() {
                return Err(bad(
                    line_of(text, "Broken", 0),
                    format!("the challenge is not possible: {problem}"),
                ));
            }
            (Some(id.clone()), "Broken", broken.columns_added())
        }
        LessonData::File(_) | LessonData::Simulator(_) => (None, "", Vec::new()),
    };
    if let Some(id) = sample_id {
        let Some(sample) = crate::samples::find(&id) else {
            return Err(bad(
                line_of(text, keyword, 0),
                format!(
                    "there is no sample called '{id}'. The samples are: {}.",
                    crate::samples::ids()
                ),
            ));
        };
        let mut header = header_of(sample.bytes);
        if let LessonData::Broken(_, broken) = &lesson.data {
            for column in broken.columns_needed() {
                if !header.iter().any(|h| h == column) {
                    return Err(bad(
                        line_of(text, &format!("\"{column}\""), 0),
                        format!(
                            "the challenge breaks the column '{column}', which the sample '{}' does \
                             not have. Its columns are: {}.",
                            sample.id,
                            header.join(", ")
                        ),
                    ));
                }
            }
        }
        header.extend(added);
        for (index, column) in lesson.columns_named() {
            if !header.iter().any(|h| h == column) {
                return Err(bad(
                    line_of(text, &format!("\"{column}\""), 0),
                    format!(
                        "step {} names the column '{column}', which the sample '{}' does not \
                         have. Its columns are: {}.",
                        index + 1,
                        sample.id,
                        header.join(", ")
                    ),
                ));
            }
        }
    }
    match &mut lesson.data {
        LessonData::Sample(_) | LessonData::Broken(..) => {}
        LessonData::File(path) => {
            if path.is_relative()
                && let Some(folder) = folder
            {
                *path = folder.join(&*path);
            }
            if !path.is_file() {
                return Err(bad(
                    line_of(text, "File", 0),
                    format!(
                        "the lesson's data '{}' could not be found. Put the file beside the lesson \
                         or give its full path.",
                        path.display()
                    ),
                ));
            }
        }
        LessonData::Simulator(rows) => {
            if !SIMULATOR_ROWS.contains(rows) {
                return Err(bad(
                    line_of(text, "Simulator", 0),
                    format!(
                        "the simulator makes between {} and {} decisions; the lesson asks for {}.",
                        crate::words::count(*SIMULATOR_ROWS.start()),
                        crate::words::count(*SIMULATOR_ROWS.end()),
                        crate::words::count(*rows)
                    ),
                ));
            }
        }
    }
    Ok(lesson)
}

/// Reads the lesson file at `path`.
pub fn load(path: &Path) -> Result<Lesson> {
    let text = std::fs::read_to_string(path).map_err(|e| ClearboxError::from_io(path, &e))?;
    parse(&text, &display_name(path), path.parent())
}

/// The lesson files at `path`: the file itself, or a folder's `.ron` files
/// in name order.
pub fn files_at(path: &Path) -> Result<Vec<PathBuf>> {
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let entries = std::fs::read_dir(path).map_err(|e| ClearboxError::from_io(path, &e))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e.eq_ignore_ascii_case("ron")))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(ClearboxError::NotFound {
            file: format!("a lesson (.ron file) in {}", display_name(path)),
        });
    }
    Ok(files)
}

/// The 1-based line of the `nth` (0-based) occurrence of `needle`, or of
/// the last one when there are fewer; line 1 when there is none.
fn line_of(text: &str, needle: &str, nth: usize) -> usize {
    let found: Vec<usize> = text.match_indices(needle).map(|(at, _)| at).collect();
    found
        .get(nth)
        .or(found.last())
        .map(|&at| 1 + text[..at].matches('\n').count())
        .unwrap_or(1)
}

/// A bundled sample's column names, from its header line.
fn header_of(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let first = text.lines().next().unwrap_or_default();
    first
        .trim_start_matches('\u{feff}')
        .split(',')
        .map(|name| name.trim().trim_matches('"').to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"(
    title: "Spot the leak",
    data: Sample("titanic"),
    steps: [
        (
            instruction: "Choose Survived.",
            hint: "Top of the page.",
            check: TargetIs("Survived"),
        ),
        (
            instruction: "Train.",
            check: ModelTrained(at_least: 0.9, without: ["boat"]),
        ),
    ],
)"#;

    fn line_of_error(text: &str) -> (usize, String) {
        match parse(text, "mine.ron", None) {
            Err(ClearboxError::BadLesson { line, problem, .. }) => (line, problem),
            other => panic!("expected a bad lesson, got {other:?}"),
        }
    }

    #[test]
    fn a_good_lesson_reads_with_plain_numbers_for_optional_bounds() {
        let lesson = parse(GOOD, "good.ron", None).expect("a good lesson");
        assert_eq!(lesson.steps.len(), 2);
        assert_eq!(lesson.steps[0].hint.as_deref(), Some("Top of the page."));
        assert!(matches!(
            lesson.steps[1].check,
            super::super::Check::ModelTrained {
                at_least: Some(0.9),
                at_most: None,
                ..
            }
        ));
    }

    #[test]
    fn every_problem_names_its_line() {
        // A typo in the shape: RON says where.
        let (line, problem) = line_of_error(&GOOD.replace("TargetIs", "TargetIss"));
        assert_eq!(line, 8, "{problem}");
        // A column the sample lacks: the line that names it.
        let (line, problem) = line_of_error(&GOOD.replace("\"boat\"", "\"boats\""));
        assert_eq!(line, 12);
        assert!(
            problem.contains("'boats'") && problem.contains("Survived"),
            "{problem}"
        );
        // An unknown sample.
        let (line, problem) = line_of_error(&GOOD.replace("titanic", "titanik"));
        assert_eq!(line, 3);
        assert!(problem.contains("penguins"), "{problem}");
        // No steps.
        let empty = "(title: \"x\", data: Sample(\"penguins\"),\n steps: [])";
        assert_eq!(line_of_error(empty).0, 2);
        // Bounds no model can meet.
        let (line, _) =
            line_of_error(&GOOD.replace("at_least: 0.9", "at_least: 0.9, at_most: 0.5"));
        assert_eq!(line, 12);
        // The sentence says what to do next.
        let err = parse(&GOOD.replace("titanic", "titanik"), "mine.ron", None).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("Line 3 of the lesson 'mine.ron'")
        );
        assert!(err.to_string().contains("clearbox lesson check"));
    }

    #[test]
    fn a_challenge_names_the_sample_column_it_breaks() {
        let good = r#"(
    title: "Find the leak",
    data: Broken("german_credit", Leak(target: "credit_risk", column: "collections_flag")),
    steps: [
        (instruction: "Leave it out.", check: LeftOut("collections_flag")),
    ],
)"#;
        let lesson = parse(good, "mine.ron", None).expect("a good challenge");
        assert!(matches!(lesson.data, LessonData::Broken(..)));
        let (line, problem) = line_of_error(&good.replace("\"credit_risk\"", "\"risk\""));
        assert_eq!(line, 3);
        assert!(
            problem.contains("'risk'") && problem.contains("credit_risk"),
            "{problem}"
        );
        let noisy = good.replace(
            "Leak(target: \"credit_risk\", column: \"collections_flag\")",
            "LabelNoise(target: \"credit_risk\", share: 2.0)",
        );
        let (line, problem) =
            line_of_error(&noisy.replace("LeftOut(\"collections_flag\")", "LeftOut(\"age\")"));
        assert_eq!(line, 3);
        assert!(problem.contains("between 0 and 1"), "{problem}");
    }
}
