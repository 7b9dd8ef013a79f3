//! How the step size moves while a network trains, and when training stops.
//!
//! Two rules. [`Schedule::Halving`] holds a small step and halves it after
//! every four passes without a better validation loss, stopping after
//! `patience` such passes: careful, and long (adult.csv took 25–28 passes,
//! ten of them spent waiting). [`Schedule::Glide`] holds a larger step
//! while the validation loss improves, and once it has stopped improving
//! for a few passes lets the step glide to zero along a half cosine and
//! stops: a warm-up, a hold and a decay, the decay being where most of the
//! last gain comes from. On adult.csv it stopped after 15–23 passes at a
//! better test AUC on four seeds; the decay's length is half the passes run
//! before it, so a table that keeps learning longer (California housing)
//! also glides longer.
//!
//! Where a long pass is checked part-way
//! ([`super::train::TrainOptions::check_every`]), "pass" below means a check.

use serde::{Deserialize, Serialize};

/// The shortest glide, in passes.
const SHORTEST_GLIDE: usize = 4;

/// How the step size moves, and when training stops (saved with the model).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Schedule {
    /// The step size halves after every four passes without a better
    /// validation loss; training stops after `patience` of them.
    #[default]
    Halving,
    /// The step size rises to its full size during the first pass, holds
    /// while the validation loss improves, and after `plateau` passes
    /// without a better one glides to zero over half as many passes as have
    /// run (at least four); training stops at the glide's end.
    Glide {
        /// Passes without a better validation loss before the glide starts.
        plateau: usize,
    },
}

/// Where a training run is on its schedule.
#[derive(Debug, Clone)]
pub struct Pace {
    schedule: Schedule,
    /// The full step size.
    full: f64,
    /// The step size of [`Schedule::Halving`], halved as it goes.
    halved: f64,
    /// Passes in a row without a better validation loss.
    stale: usize,
    /// Passes without a better validation loss before stopping (halving).
    patience: usize,
    /// The glide, once it has started: its first pass and its length.
    glide: Option<(usize, usize)>,
}

/// Whether training goes on after a pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Another pass.
    Continue,
    /// Stop: patience ran out, or the glide reached its end.
    Stop,
}

impl Pace {
    /// The start of `schedule` at step size `full`, stopping after
    /// `patience` passes without progress where the schedule says so.
    pub fn new(schedule: Schedule, full: f64, patience: usize) -> Self {
        Self {
            schedule,
            full,
            halved: full,
            stale: 0,
            patience,
            glide: None,
        }
    }

    /// The step size of step `step` (of `steps`) in pass `pass`.
    pub fn rate(&self, pass: usize, step: usize, steps: usize) -> f64 {
        match self.schedule {
            Schedule::Halving => self.halved,
            Schedule::Glide { .. } => {
                let steps = steps.max(1);
                match self.glide {
                    Some((from, length)) if pass >= from => {
                        let done = ((pass - from) * steps + step) as f64 / (length * steps) as f64;
                        self.full * 0.5 * (1.0 + (std::f64::consts::PI * done.min(1.0)).cos())
                    }
                    // The first pass warms up from a tenth: Adam's early
                    // steps, before its averages settle, are the wildest.
                    _ if pass == 0 => self.full * (0.1 + 0.9 * step as f64 / steps as f64),
                    _ => self.full,
                }
            }
        }
    }

    /// Takes pass `pass`'s outcome (whether its validation loss was the best
    /// so far) and says whether to go on.
    pub fn after_pass(&mut self, pass: usize, improved: bool) -> Next {
        self.stale = if improved { 0 } else { self.stale + 1 };
        match self.schedule {
            Schedule::Halving => {
                if self.stale > 0 && self.stale.is_multiple_of(4) {
                    self.halved *= 0.5;
                }
                if self.stale >= self.patience {
                    return Next::Stop;
                }
            }
            Schedule::Glide { plateau } => match self.glide {
                Some((from, length)) if pass + 1 >= from + length => return Next::Stop,
                Some(_) => {}
                None if self.stale >= plateau => {
                    let run = pass + 1;
                    self.glide = Some((run, run.div_ceil(2).max(SHORTEST_GLIDE)));
                }
                None => {}
            },
        }
        Next::Continue
    }

    /// The pass after which training is expected to stop, were the
    /// validation loss to stop improving now (`best` is the best pass so
    /// far): what the progress bar measures against.
    pub fn expected_end(&self, pass: usize, best: usize) -> usize {
        let end = match (self.schedule, self.glide) {
            (Schedule::Halving, _) => best + self.patience + 1,
            (Schedule::Glide { .. }, Some((from, length))) => from + length,
            (Schedule::Glide { plateau }, None) => {
                let run = (best + plateau + 1).max(pass + 1);
                run + run.div_ceil(2).max(SHORTEST_GLIDE)
            }
        };
        end.max(pass + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `pace` over validation outcomes (true: a better loss) and
    /// returns the passes run.
    fn passes(pace: &mut Pace, improved: impl IntoIterator<Item = bool>) -> usize {
        for (pass, better) in improved.into_iter().enumerate() {
            if pace.after_pass(pass, better) == Next::Stop {
                return pass + 1;
            }
        }
        usize::MAX
    }

    #[test]
    fn the_glide_starts_after_the_plateau_and_lasts_half_the_passes_run() {
        let mut pace = Pace::new(Schedule::Glide { plateau: 3 }, 1.0, 10);
        // Better for 8 passes, then flat: the glide starts once 11 passes
        // have run and lasts 6.
        let outcomes = (0..100).map(|pass| pass < 8);
        assert_eq!(passes(&mut pace, outcomes), 11 + 6);
        assert_eq!(pace.glide, Some((11, 6)));
        // Improving again during the glide does not stop it.
        let mut pace = Pace::new(Schedule::Glide { plateau: 3 }, 1.0, 10);
        let outcomes = (0..100).map(|pass| !(4..7).contains(&pass));
        assert_eq!(passes(&mut pace, outcomes), 7 + 4);
    }

    #[test]
    fn the_step_warms_up_holds_then_glides_to_zero() {
        let mut pace = Pace::new(Schedule::Glide { plateau: 2 }, 2e-3, 10);
        let steps = 10;
        assert!(
            (pace.rate(0, 0, steps) - 2e-4).abs() < 1e-12,
            "starts at a tenth"
        );
        assert!(pace.rate(0, 5, steps) < pace.rate(0, 9, steps));
        assert_eq!(pace.rate(1, 0, steps), 2e-3);
        for pass in 0..6 {
            assert_eq!(pace.after_pass(pass, pass < 4), Next::Continue);
        }
        // Glides over passes 6 to 9 (4 passes, the shortest glide).
        assert_eq!(pace.rate(6, 0, steps), 2e-3);
        let rates: Vec<f64> = (6..10)
            .flat_map(|pass| (0..steps).map(move |step| (pass, step)))
            .map(|(pass, step)| pace.rate(pass, step, steps))
            .collect();
        assert!(rates.windows(2).all(|w| w[1] < w[0]), "falls at every step");
        assert!(rates[rates.len() - 1] < 2e-3 * 0.01, "ends near zero");
        assert_eq!(pace.expected_end(6, 3), 10);
        for pass in 6..9 {
            assert_eq!(pace.after_pass(pass, false), Next::Continue);
        }
        assert_eq!(pace.after_pass(9, false), Next::Stop);
    }

    #[test]
    fn halving_halves_every_four_stale_passes_and_stops_at_patience() {
        let mut pace = Pace::new(Schedule::Halving, 1.0, 10);
        assert_eq!(pace.after_pass(0, true), Next::Continue);
        for pass in 1..=3 {
            pace.after_pass(pass, false);
        }
        assert_eq!(pace.rate(4, 0, 1), 1.0);
        pace.after_pass(4, false);
        assert_eq!(pace.rate(5, 0, 1), 0.5);
        let mut pace = Pace::new(Schedule::Halving, 1.0, 10);
        assert_eq!(passes(&mut pace, (0..100).map(|pass| pass < 5)), 15);
    }
}
