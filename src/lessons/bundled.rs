//! The lessons that ship with Clearbox — one per template, data health,
//! drift, purchase logs, and four "break the model" challenges — compiled in so a workshop
//! never needs a download.

use super::Lesson;
use crate::error::Result;

/// A bundled lesson's file name and text.
pub static BUNDLED: &[(&str, &str)] = &[
    (
        "data_health.ron",
        include_str!("../../assets/lessons/data_health.ron"),
    ),
    (
        "spot_the_leak.ron",
        include_str!("../../assets/lessons/spot_the_leak.ron"),
    ),
    (
        "who_will_leave.ron",
        include_str!("../../assets/lessons/who_will_leave.ron"),
    ),
    (
        "penguin_groups.ron",
        include_str!("../../assets/lessons/penguin_groups.ron"),
    ),
    (
        "customers_from_a_log.ron",
        include_str!("../../assets/lessons/customers_from_a_log.ron"),
    ),
    (
        "next_best_offer.ron",
        include_str!("../../assets/lessons/next_best_offer.ron"),
    ),
    (
        "has_the_world_moved.ron",
        include_str!("../../assets/lessons/has_the_world_moved.ron"),
    ),
    (
        "break_a_hidden_leak.ron",
        include_str!("../../assets/lessons/break_a_hidden_leak.ron"),
    ),
    (
        "break_wrong_answers.ron",
        include_str!("../../assets/lessons/break_wrong_answers.ron"),
    ),
    (
        "break_a_later_batch.ron",
        include_str!("../../assets/lessons/break_a_later_batch.ron"),
    ),
    (
        "break_blanked_values.ron",
        include_str!("../../assets/lessons/break_blanked_values.ron"),
    ),
];

/// Every bundled lesson, read and checked (a broken one is an error naming it).
pub fn lessons() -> Result<Vec<Lesson>> {
    BUNDLED
        .iter()
        .map(|(name, text)| super::file::parse(text, name, None))
        .collect()
}

/// The bundled lesson whose file name is `name` (with or without `.ron`),
/// or `None` when no bundled lesson has that name.
pub fn named(name: &std::path::Path) -> Result<Option<Lesson>> {
    let wanted = name.to_string_lossy();
    let wanted = wanted.trim_end_matches(".ron");
    match BUNDLED
        .iter()
        .find(|(file, _)| file.trim_end_matches(".ron") == wanted)
    {
        Some((file, text)) => super::file::parse(text, file, None).map(Some),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_bundled_lesson_reads_and_each_has_a_hint() {
        let lessons = super::lessons().expect("the bundled lessons read");
        assert_eq!(lessons.len(), 11);
        for lesson in &lessons {
            assert!(
                !lesson.about.is_empty(),
                "'{}' says what it teaches",
                lesson.title
            );
            assert!(
                lesson.steps.iter().all(|s| s.hint.is_some()),
                "every step of '{}' has a hint for the stuck",
                lesson.title
            );
        }
    }
}
