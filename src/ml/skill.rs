//! Whether a model does better than guessing on rows it never saw, by more
//! than luck alone could give: a model that does not must say so, because
//! its figures and the comparisons between models would otherwise read as
//! if it had learned something (a target the columns cannot predict still
//! gets an AUC, and one model still "beats" another).
//!
//! Guessing is what needs no model: for yes/no, ranking rows at random (AUC
//! 0.5); for several classes, always naming the most common one; for
//! amounts, always giving the average. Luck is two standard errors above
//! guessing on the rows measured: for the AUC, the Mann–Whitney statistic's
//! spread when scores are unrelated to the outcome; for accuracy, a
//! binomial's around the most common class's share. Amount scores keep no
//! row count, so an amount model is flagged when it explains less than
//! [`AMOUNT_FLOOR`] of the differences, whatever the rows.

use super::metrics::{BinaryScores, ClassScores, Scores};

/// Share of the differences an amount model must explain to count as
/// better than always giving the average.
pub const AMOUNT_FLOOR: f64 = 0.02;

/// Standard errors above guessing that count as more than luck (one-sided,
/// about 2 in 100 useless models pass).
const LUCK_ERRORS: f64 = 2.0;

/// A model's figure against guessing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Skill {
    /// Better than guessing by more than luck.
    BeatsGuessing,
    /// Within luck of guessing, or worse.
    NoBetterThanGuessing(Guessing),
}

/// What guessing reaches, and how far luck goes, on the rows measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Guessing {
    /// Yes/no: the model's AUC, and the AUC luck can reach with `positives`
    /// of `rows` rows having the outcome (guessing is 0.5).
    Ranking {
        /// The model's AUC.
        auc: f64,
        /// The highest AUC that could still be luck.
        luck: f64,
        /// Rows with the outcome among those measured.
        positives: usize,
        /// Rows measured.
        rows: usize,
    },
    /// Several classes: the model's accuracy, the most common class's share
    /// and what luck can add to it over `rows` rows.
    MostCommon {
        /// The model's share of rows named right.
        accuracy: f64,
        /// The most common class's share of the rows measured.
        share: f64,
        /// The highest accuracy that could still be luck.
        luck: f64,
        /// Rows measured.
        rows: usize,
    },
    /// Amounts: the share of the differences the model explains (below
    /// [`AMOUNT_FLOOR`]; 0 is always giving the average).
    Average {
        /// The model's R².
        r2: f64,
    },
}

impl Skill {
    /// The verdict on `scores`. Scores that cannot be judged (every measured
    /// row with the same outcome) count as better: there is nothing to warn
    /// about that the figures do not already show.
    pub fn of(scores: &Scores) -> Self {
        let guessing = match scores {
            Scores::Binary(s) => ranking(s),
            Scores::Multiclass(s) => most_common(s),
            Scores::Regression(s) => {
                (s.r2 < AMOUNT_FLOOR).then_some(Guessing::Average { r2: s.r2 })
            }
        };
        guessing.map_or(Self::BeatsGuessing, Self::NoBetterThanGuessing)
    }
}

fn ranking(s: &BinaryScores) -> Option<Guessing> {
    let [[tn, fp], [fn_, tp]] = s.confusion;
    let (positives, negatives) = (tp + fn_, tn + fp);
    if positives == 0 || negatives == 0 {
        return None;
    }
    let (p, n) = (positives as f64, negatives as f64);
    // The Mann–Whitney statistic's variance when scores ignore the outcome.
    let spread = ((p + n + 1.0) / (12.0 * p * n)).sqrt();
    let luck = 0.5 + LUCK_ERRORS * spread;
    (s.auc < luck).then_some(Guessing::Ranking {
        auc: s.auc,
        luck,
        positives,
        rows: positives + negatives,
    })
}

fn most_common(s: &ClassScores) -> Option<Guessing> {
    let sizes: Vec<usize> = s.confusion.iter().map(|row| row.iter().sum()).collect();
    let rows: usize = sizes.iter().sum();
    let largest = sizes.iter().copied().max().unwrap_or(0);
    if rows == 0 || largest == rows {
        return None;
    }
    let share = largest as f64 / rows as f64;
    let luck = share + LUCK_ERRORS * (share * (1.0 - share) / rows as f64).sqrt();
    (s.accuracy < luck).then_some(Guessing::MostCommon {
        accuracy: s.accuracy,
        share,
        luck,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ml::metrics::AmountScores;

    fn binary(auc: f64, positives: usize, negatives: usize) -> Scores {
        Scores::Binary(BinaryScores {
            auc,
            accuracy: 0.5,
            precision: 0.5,
            recall: 0.5,
            threshold: 0.5,
            base_rate: positives as f64 / (positives + negatives) as f64,
            // Half of each caught: only the row totals matter here.
            confusion: [
                [negatives / 2, negatives - negatives / 2],
                [positives / 2, positives - positives / 2],
            ],
        })
    }

    #[test]
    fn an_auc_within_luck_of_a_half_is_no_better_than_guessing() {
        // 57 of 1 905 rows: luck reaches 0.5 + 2 × 0.0389 = 0.578.
        match Skill::of(&binary(0.56, 57, 1848)) {
            Skill::NoBetterThanGuessing(Guessing::Ranking {
                luck,
                positives,
                rows,
                ..
            }) => {
                assert!((luck - 0.5778).abs() < 1e-3, "luck {luck}");
                assert_eq!((positives, rows), (57, 1905));
            }
            other => panic!("expected no better than guessing, got {other:?}"),
        }
        assert_eq!(Skill::of(&binary(0.60, 57, 1848)), Skill::BeatsGuessing);
        // Below a half is worse than guessing, and no better.
        assert!(matches!(
            Skill::of(&binary(0.40, 500, 500)),
            Skill::NoBetterThanGuessing(_)
        ));
        // The same 0.56 on many rows is more than luck.
        assert_eq!(Skill::of(&binary(0.56, 2000, 5000)), Skill::BeatsGuessing);
        // With one outcome only there is nothing to judge.
        assert_eq!(Skill::of(&binary(0.5, 0, 100)), Skill::BeatsGuessing);
    }

    #[test]
    fn an_accuracy_within_luck_of_the_most_common_class_is_no_better() {
        // 60 / 30 / 10 rows: naming the first class is right for 60%.
        let classes = |right: [usize; 3]| {
            let sizes = [60, 30, 10];
            let confusion: Vec<Vec<usize>> = (0..3)
                .map(|c| {
                    let mut row = vec![0; 3];
                    row[c] = right[c];
                    row[(c + 1) % 3] = sizes[c] - right[c];
                    row
                })
                .collect();
            let accuracy = right.iter().sum::<usize>() as f64 / 100.0;
            Scores::Multiclass(ClassScores {
                accuracy,
                recall: Vec::new(),
                confusion,
            })
        };
        // 64% right: within 2 × 4.9 points of 60%.
        match Skill::of(&classes([60, 4, 0])) {
            Skill::NoBetterThanGuessing(Guessing::MostCommon {
                share, luck, rows, ..
            }) => {
                assert!((share - 0.6).abs() < 1e-12);
                assert!((luck - 0.698).abs() < 1e-3, "luck {luck}");
                assert_eq!(rows, 100);
            }
            other => panic!("expected no better than guessing, got {other:?}"),
        }
        assert_eq!(Skill::of(&classes([60, 20, 5])), Skill::BeatsGuessing);
    }

    #[test]
    fn an_amount_model_must_explain_some_of_the_differences() {
        let amounts = |r2| {
            Scores::Regression(AmountScores {
                rmse: 1.0,
                mae: 1.0,
                r2,
            })
        };
        assert_eq!(
            Skill::of(&amounts(-0.1)),
            Skill::NoBetterThanGuessing(Guessing::Average { r2: -0.1 })
        );
        assert!(matches!(
            Skill::of(&amounts(0.01)),
            Skill::NoBetterThanGuessing(_)
        ));
        assert_eq!(Skill::of(&amounts(0.3)), Skill::BeatsGuessing);
    }
}
