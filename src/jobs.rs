//! Background work: a worker thread per long task, progress through a channel,
//! cancellation through a shared flag, and panics turned into errors.
//!
//! Fronts (GUI, CLI) never block on a [`Job`]: the GUI polls it once per frame
//! and the worker wakes the GUI through the `wake` callback, so the library
//! needs to know nothing about egui. A [`JobSlot`] holds at most one job of a
//! kind: starting another cancels the one before, and a replaced job's
//! result can never land. Dropping a job cancels it.

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
    last_sent: std::sync::Mutex<Option<Instant>>,
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
            last_sent: std::sync::Mutex::new(None),
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
            last_sent: std::sync::Mutex::new(None),
            start: self.start + self.span * start,
            span: self.span * span,
        }
    }

    /// Reports how far the work is. Cheap to call often: reports are thinned.
    pub fn report(&self, fraction: f32, message: &str) {
        let Some(sender) = &self.sender else { return };
        let now = Instant::now();
        let due = {
            // A poisoned lock only means a report panicked; the time in it is still usable.
            let mut last = self.last_sent.lock().unwrap_or_else(|e| e.into_inner());
            let due = last.is_none_or(|t| now.duration_since(t) >= MIN_REPORT_GAP);
            if due {
                *last = Some(now);
            }
            due
        };
        if due {
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

/// Runs `work`, turning a panic inside it into [`ClearboxError::Internal`]
/// (`activity` names what was being done, the panic message goes in the
/// details). Jobs and the command line's verbs both run under it, so a bug
/// becomes a sentence, never a crash.
pub fn catch<T>(activity: &str, work: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).unwrap_or_else(|panic| {
        Err(ClearboxError::Internal {
            activity: activity.to_owned(),
            detail: panic_message(panic.as_ref()),
        })
    })
}

/// A panic's message, when it has one.
pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".into()
    }
}

/// A piece of work running on its own thread. Dropping it cancels the work
/// and forgets its result.
pub struct Job<T> {
    progress_rx: Receiver<ProgressUpdate>,
    result_rx: Receiver<Result<T>>,
    cancel: CancelToken,
    latest: Option<ProgressUpdate>,
    started: Instant,
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
            last_sent: std::sync::Mutex::new(None),
            start: 0.0,
            span: 1.0,
        };
        let activity = activity.to_owned();
        let spawned = std::thread::Builder::new()
            .name(format!("clearbox: {activity}"))
            .spawn(move || {
                let result = catch(&activity, || work(&progress));
                let _ = result_tx.send(result);
                if let Some(wake) = wake {
                    wake();
                }
            });
        let result_rx = match spawned {
            Ok(_) => result_rx,
            Err(err) => {
                // No thread: report the failure through the same channel shape.
                let (tx, rx) = channel();
                let _ = tx.send(Err(ClearboxError::Internal {
                    activity: "starting background work".into(),
                    detail: err.to_string(),
                }));
                rx
            }
        };
        Self {
            progress_rx,
            result_rx,
            cancel,
            latest: None,
            started: Instant::now(),
        }
    }

    /// Takes in news without blocking. Returns the result once the work is done.
    pub fn poll(&mut self) -> Option<Result<T>> {
        // The result is looked at first: every report the worker sent before
        // its result is then already in the channel and is taken in below,
        // so the last progress seen is never older than the result.
        let result = match self.result_rx.try_recv() {
            Ok(result) => Some(result),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err(ClearboxError::Internal {
                activity: "background work".into(),
                detail: "worker ended without a result".into(),
            })),
        };
        while let Ok(update) = self.progress_rx.try_recv() {
            self.latest = Some(update);
        }
        result
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

    /// What the job looks like on screen now.
    pub fn view(&self) -> JobView {
        let (fraction, message) = self
            .latest
            .as_ref()
            .map_or((0.0, "Starting".to_owned()), |u| {
                (u.fraction, u.message.clone())
            });
        JobView {
            fraction,
            message,
            elapsed: self.started.elapsed().as_secs_f64(),
        }
    }
}

impl<T> Job<T> {
    /// Asks the work to stop. The thread notices at its next check; its
    /// result is dropped with the job.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }
}

impl<T> Drop for Job<T> {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

/// A running job as the screen shows it: plain data.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct JobView {
    /// Share done, 0..1.
    pub fraction: f32,
    /// What is happening now.
    pub message: String,
    /// Seconds since it started.
    pub elapsed: f64,
}

/// At most one job of a kind. Starting a job cancels the one before it,
/// whose result is then discarded; dropping the slot cancels its job.
pub struct JobSlot<T> {
    job: Option<Job<T>>,
}

impl<T> Default for JobSlot<T> {
    fn default() -> Self {
        Self { job: None }
    }
}

impl<T: Send + 'static> JobSlot<T> {
    /// Starts `work` in this slot, cancelling whatever ran here before.
    pub fn start(
        &mut self,
        activity: &str,
        wake: &Wake,
        work: impl FnOnce(&Progress) -> Result<T> + Send + 'static,
    ) {
        self.job = Some(Job::spawn(activity, Some(wake.clone()), work));
    }

    /// Starts `work`, which also tells of events as it goes (a pass of
    /// training, say); they arrive on the returned receiver, in order.
    pub fn start_with_events<E: Send + 'static>(
        &mut self,
        activity: &str,
        wake: &Wake,
        work: impl FnOnce(&Progress, &dyn Fn(E)) -> Result<T> + Send + 'static,
    ) -> Receiver<E> {
        let (tx, rx) = channel();
        self.start(activity, wake, move |progress| {
            work(progress, &|event| {
                // The window may have stopped listening (a new run began).
                let _ = tx.send(event);
            })
        });
        rx
    }

    /// Cancels the job in the slot, if any; its result will not land.
    pub fn cancel(&mut self) {
        self.job = None;
    }

    /// Whether a job is running here.
    pub fn is_running(&self) -> bool {
        self.job.is_some()
    }

    /// The running job as the screen shows it.
    pub fn view(&self) -> Option<JobView> {
        self.job.as_ref().map(Job::view)
    }

    /// Takes in news; returns the result once the job is done, emptying the slot.
    pub fn poll(&mut self) -> Option<Result<T>> {
        let result = self.job.as_mut()?.poll();
        if result.is_some() {
            self.job = None;
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs a job whose worker tells `done` when its result is sent.
    fn with_done<T: Send + 'static>(
        work: impl FnOnce(&Progress) -> Result<T> + Send + 'static,
    ) -> (Job<T>, Receiver<()>) {
        let (done_tx, done_rx) = channel();
        let job = Job::spawn("testing", None, move |p| {
            let out = work(p);
            // Sent before the result: the test waits for this, then for the result.
            let _ = done_tx.send(());
            out
        });
        (job, done_rx)
    }

    #[test]
    fn the_last_report_before_the_result_is_seen_with_it() {
        let (mut job, done) = with_done(|p| {
            p.scaled(0.5, 0.5).report(0.5, "half of the second half");
            Ok(42)
        });
        done.recv().expect("the worker finishes");
        // The result follows the signal at once; wait for it, not for time.
        let result = loop {
            if let Some(r) = job.poll() {
                break r;
            }
            std::thread::yield_now();
        };
        assert_eq!(result.ok(), Some(42));
        assert_eq!(job.latest_progress().map(|u| u.fraction), Some(0.75));
        assert_eq!(job.view().message, "half of the second half");
    }

    #[test]
    fn cancel_stops_work_at_its_next_check() {
        let (started_tx, started) = channel();
        let job: Job<()> = Job::spawn("waiting", None, move |p| {
            let _ = started_tx.send(());
            loop {
                p.check_cancelled()?;
                std::thread::yield_now();
            }
        });
        started.recv().expect("the worker starts");
        job.cancel();
        assert!(matches!(job.wait(), Err(ClearboxError::Cancelled)));
    }

    #[test]
    fn a_panic_becomes_an_error_not_a_crash() {
        let job: Job<()> = Job::spawn("exploding", None, |_| panic!("boom"));
        match job.wait() {
            Err(ClearboxError::Internal { activity, detail }) => {
                assert_eq!((activity.as_str(), detail.as_str()), ("exploding", "boom"));
            }
            other => panic!("expected an internal error, got {other:?}"),
        }
        let caught: Result<()> = catch("running a verb", || panic!("{} went wrong", "it"));
        assert!(
            matches!(caught, Err(ClearboxError::Internal { detail, .. }) if detail == "it went wrong")
        );
    }

    #[test]
    fn events_arrive_in_order_before_the_result() {
        let mut slot: JobSlot<u32> = JobSlot::default();
        let wake: Wake = Arc::new(|| {});
        let events = slot.start_with_events("counting", &wake, |_, on_event| {
            (1..=3).for_each(on_event);
            Ok(7)
        });
        let heard: Vec<u32> = events.iter().collect();
        assert_eq!(
            heard,
            vec![1, 2, 3],
            "every event, in order, then the channel closes"
        );
        let result = loop {
            if let Some(result) = slot.poll() {
                break result;
            }
            std::thread::yield_now();
        };
        assert_eq!(result.expect("counted"), 7);
    }

    #[test]
    fn a_replaced_or_dropped_job_is_cancelled_and_its_result_never_lands() {
        let (first_tx, first_seen) = channel();
        let (release_tx, release) = channel::<()>();
        let release = std::sync::Mutex::new(release);
        let mut slot: JobSlot<&'static str> = JobSlot::default();
        let wake: Wake = Arc::new(|| {});
        let token = std::sync::Arc::new(std::sync::Mutex::new(None));
        let seen = token.clone();
        slot.start("first", &wake, move |p| {
            *seen.lock().expect("lock") = Some(p.cancel_token().clone());
            let _ = first_tx.send(());
            // Held until the test lets go, so it is still running when replaced.
            let _ = release.lock().expect("lock").recv();
            Ok("first")
        });
        first_seen.recv().expect("the first job starts");
        slot.start("second", &wake, |_| Ok("second"));
        let first = token.lock().expect("lock").clone().expect("a token");
        assert!(first.is_cancelled(), "replacing a job cancels it");
        drop(release_tx);
        let result = loop {
            if let Some(r) = slot.poll() {
                break r;
            }
            std::thread::yield_now();
        };
        assert_eq!(
            result.ok(),
            Some("second"),
            "only the second job's result lands"
        );
        assert!(!slot.is_running());

        let (tx, rx) = channel();
        let job: Job<()> = Job::spawn("dropped", None, move |p| {
            let _ = tx.send(p.cancel_token().clone());
            loop {
                p.check_cancelled()?;
                std::thread::yield_now();
            }
        });
        let token = rx.recv().expect("the job starts");
        drop(job);
        assert!(token.is_cancelled(), "dropping a job cancels it");
    }
}
