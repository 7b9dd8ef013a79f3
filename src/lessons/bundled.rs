//! The lessons that ship with Clearbox, one per template plus data health
//! and drift, compiled in so a workshop never needs a download.

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
        "next_best_offer.ron",
        include_str!("../../assets/lessons/next_best_offer.ron"),
    ),
    (
        "has_the_world_moved.ron",
        include_str!("../../assets/lessons/has_the_world_moved.ron"),
    ),
];

/// Every bundled lesson, read and checked (a broken one is an error naming it).
pub fn lessons() -> Result<Vec<Lesson>> {
    BUNDLED
        .iter()
        .map(|(name, text)| super::file::parse(text, name, None))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_bundled_lesson_reads_and_each_has_a_hint() {
        let lessons = super::lessons().expect("the bundled lessons read");
        assert_eq!(lessons.len(), 6);
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
