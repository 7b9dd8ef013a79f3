//! Background work: a worker thread per long task, progress through a channel,
//! and cancellation through a shared flag.
//!
//! Fronts (GUI, CLI) never block on a [`Job`]: the GUI polls it once per frame
//! and the worker wakes the GUI through the `wake` callback, so the library
//! needs to know nothing about egui.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};
use std::time::{Duration, Instant};

use crate::error::{ClearboxError, Result};

/// A shared "please stop" flag.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    /// Asks the work to stop at its next check.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether someone asked to stop.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// One progress report from a worker.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgressUpdate {
    /// Share of the work done, 0.0 to 1.0.
    pub fraction: f32,
    /// What is happening now, in a few words ("Reading rows").
    pub message: String,
}

/// Something the front can call to be woken when a job has news (the GUI
/// passes `ctx.request_repaint`).
pub type Wake = Arc<dyn Fn() + Send + Sync>;

/// Handed to long-running library functions so they can report progress and
/// notice cancellation. [`Progress::silent`] is for callers that need neither.
pub struct Progress {
    sender: Option<Sender<ProgressUpdate>>,
    wake: Option<Wake>,
    cancel: CancelToken,
    last_sent: std::cell::Cell<Option<Instant>>,
    /// This progress covers `[start, start + span]` of the whole bar.
    start: f32,
    span: f32,
}

/// Reports closer together than this are dropped: a frame is ~16 ms anyway.
const MIN_REPORT_GAP: Duration = Duration::from_millis(30);

impl Progress {
    /// Progress that goes nowhere and is never cancelled.
    pub fn silent() -> Self {
        Self::with_cancel(CancelToken::default())
    }

    /// Progress that goes nowhere but can be cancelled through `cancel`.
    pub fn with_cancel(cancel: CancelToken) -> Self {
        Self {
            sender: None,
            wake: None,
            cancel,
            last_sent: std::cell::Cell::new(None),
            start: 0.0,
            span: 1.0,
        }
    }

    /// A progress for one step of the work, covering `span` of this one's bar
    /// from `start`: the step reports 0..1 and the bar moves within its part.
    pub fn scaled(&self, start: f32, span: f32) -> Progress {
        Progress {
            sender: self.sender.clone(),
            wake: self.wake.clone(),
            cancel: self.cancel.clone(),
            last_sent: std::cell::Cell::new(None),
            start: self.start + self.span * start,
            span: self.span * span,
        }
    }

    /// Reports how far the work is. Cheap to call often: reports are thinned.
    pub fn report(&self, fraction: f32, message: &str) {
        let Some(sender) = &self.sender else { return };
        let now = Instant::now();
        let due = self
            .last_sent
            .get()
            .is_none_or(|t| now.duration_since(t) >= MIN_REPORT_GAP);
        if due {
            self.last_sent.set(Some(now));
            let _ = sender.send(ProgressUpdate {
                fraction: self.start + self.span * fraction.clamp(0.0, 1.0),
                message: message.to_owned(),
            });
            if let Some(wake) = &self.wake {
                wake();
            }
        }
    }

    /// Returns `Err(Cancelled)` once the user has asked to stop.
    pub fn check_cancelled(&self) -> Result<()> {
        if self.cancel.is_cancelled() {
            Err(ClearboxError::Cancelled)
        } else {
            Ok(())
        }
    }

    /// The token behind this progress, to share with helpers.
    pub fn cancel_token(&self) -> &CancelToken {
        &self.cancel
    }
}

/// A piece of work running on its own thread.
pub struct Job<T> {
    progress_rx: Receiver<ProgressUpdate>,
    result_rx: Receiver<Result<T>>,
    cancel: CancelToken,
    latest: Option<ProgressUpdate>,
}

impl<T: Send + 'static> Job<T> {
    /// Starts `work` on a new thread. `activity` names it in error messages
    /// ("loading the file"). A panic inside `work` becomes an
    /// [`ClearboxError::Internal`] instead of taking the app down.
    pub fn spawn(
        activity: &str,
        wake: Option<Wake>,
        work: impl FnOnce(&Progress) -> Result<T> + Send + 'static,
    ) -> Self {
        let (progress_tx, progress_rx) = channel();
        let (result_tx, result_rx) = channel();
        let cancel = CancelToken::default();
        let progress = Progress {
            sender: Some(progress_tx),
            wake: wake.clone(),
            cancel: cancel.clone(),
            last_sent: std::cell::Cell::new(None),
            start: 0.0,
            span: 1.0,
        };
        let activity = activity.to_owned();
        let spawned = std::thread::Builder::new()
            .name(format!("clearbox: {activity}"))
            .spawn(move || {
                let outcome =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&progress)));
                let result = outcome.unwrap_or_else(|panic| {
                    Err(ClearboxError::Internal {
                        activity,
                        detail: panic_message(&panic),
                    })
                });
                let _ = result_tx.send(result);
                if let Some(wake) = wake {
                    wake();
                }
            });
        if let Err(err) = spawned {
            // No thread: report the failure through the same channel shape.
            let (tx, rx) = channel();
            let _ = tx.send(Err(ClearboxError::Internal {
                activity: "starting background work".into(),
                detail: err.to_string(),
            }));
            return Self {
                progress_rx,
                result_rx: rx,
                cancel,
                latest: None,
            };
        }
        Self {
            progress_rx,
            result_rx,
            cancel,
            latest: None,
        }
    }

    /// Asks the work to stop. The front should forget the job right away; the
    /// thread notices at its next check and its result is dropped.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    /// Takes in news without blocking. Returns the result once the work is done.
    pub fn poll(&mut self) -> Option<Result<T>> {
        while let Ok(update) = self.progress_rx.try_recv() {
            self.latest = Some(update);
        }
        match self.result_rx.try_recv() {
            Ok(result) => Some(result),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err(ClearboxError::Internal {
                activity: "background work".into(),
                detail: "worker ended without a result".into(),
            })),
        }
    }

    /// Blocks until the work is done (for the command line and tests).
    pub fn wait(self) -> Result<T> {
        self.result_rx.recv().unwrap_or_else(|_| {
            Err(ClearboxError::Internal {
                activity: "background work".into(),
                detail: "worker ended without a result".into(),
            })
        })
    }

    /// The most recent progress report, if any.
    pub fn latest_progress(&self) -> Option<&ProgressUpdate> {
        self.latest.as_ref()
    }
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_reports_progress_and_its_result() {
        let mut job = Job::spawn("counting", None, |p| {
            p.scaled(0.5, 0.5).report(0.5, "half of the second half");
            Ok(42)
        });
        let result = loop {
            if let Some(r) = job.poll() {
                break r;
            }
            std::thread::sleep(Duration::from_millis(1));
        };
        assert_eq!(result.ok(), Some(42));
        assert_eq!(job.latest_progress().map(|u| u.fraction), Some(0.75));
    }

    #[test]
    fn cancel_stops_work_at_its_next_check() {
        let job: Job<()> = Job::spawn("waiting", None, |p| {
            loop {
                p.check_cancelled()?;
                std::thread::sleep(Duration::from_millis(1));
            }
        });
        job.cancel();
        assert!(matches!(job.wait(), Err(ClearboxError::Cancelled)));
    }

    #[test]
    fn a_panic_becomes_an_error_not_a_crash() {
        let job: Job<()> = Job::spawn("exploding", None, |_| panic!("boom"));
        match job.wait() {
            Err(ClearboxError::Internal { detail, .. }) => assert_eq!(detail, "boom"),
            other => panic!("expected an internal error, got {other:?}"),
        }
    }
}
