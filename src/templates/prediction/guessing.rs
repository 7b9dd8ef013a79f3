//! The kept model against guessing ([`crate::ml::skill`]), in words: every
//! front shows the warning where it shows the model's figures, so a target
//! the columns cannot predict is never reported as if it had been learned.

use super::saved::ModelCard;
use crate::ml::skill::{AMOUNT_FLOOR, Guessing, Skill};
use crate::words::{count, number, percent};

impl ModelCard {
    /// Whether the kept model beats guessing on the rows it was measured on.
    pub fn skill(&self) -> Skill {
        Skill::of(self.chosen_test())
    }

    /// A plain warning when the kept model does no better than guessing:
    /// the figures, what guessing and luck reach, and what to do.
    pub fn guessing_warning(&self) -> Option<String> {
        let Skill::NoBetterThanGuessing(guessing) = self.skill() else {
            return None;
        };
        let target = &self.target.name;
        let figures = match guessing {
            Guessing::Ranking {
                auc,
                luck,
                positives,
                rows,
            } => {
                let outcome = self
                    .target
                    .positive_words()
                    .unwrap_or_else(|| target.clone());
                format!(
                    "Its AUC is {auc:.3}; ranking rows at random gives 0.5, and with {} where {outcome} among the {} measured, luck alone can reach {luck:.3}.",
                    crate::words::rows(positives),
                    count(rows)
                )
            }
            Guessing::MostCommon {
                accuracy,
                share,
                luck,
                rows,
            } => format!(
                "It names the right label for {} of rows; always naming the most common label is right for {}, and over {} luck alone can reach {}.",
                percent(accuracy),
                percent(share),
                crate::words::rows(rows),
                percent(luck)
            ),
            Guessing::Average { r2 } if r2 > 0.0 => format!(
                "It explains {} of the differences in '{target}'; always giving the average explains none, and a useful model explains at least {}.",
                percent(r2),
                percent(AMOUNT_FLOOR)
            ),
            Guessing::Average { .. } => format!(
                "It explains none of the differences in '{target}': always giving the average ({}) does as well or better.",
                self.amount_scale
                    .map_or_else(|| "–".to_owned(), |(mean, _)| number(mean))
            ),
        };
        Some(format!(
            "Careful: the model used does no better than guessing on rows it never saw. {figures} \
             The columns it reads may not hold what decides '{target}': do not base decisions on these predictions."
        ))
    }
}
