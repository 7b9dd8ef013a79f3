//! Every file the window writes (settings, recipes, models, groups,
//! exports, letters, promotions) is written here: one at a time on a worker
//! thread, so the window never waits for a disk and two writes never race
//! for the same file.

use std::collections::VecDeque;

use clearbox::jobs::{JobSlot, Wake};

use super::runner::{Write, Written};

/// The queue of writes and the one running.
#[derive(Default)]
pub struct Writer {
    waiting: VecDeque<Write>,
    running: JobSlot<Written>,
    /// What the running write is doing, for the status line (none for housekeeping).
    activity: Option<&'static str>,
}

impl Writer {
    /// Queues `write`. A waiting write with the same key is replaced: only
    /// the newest settings need writing.
    pub fn push(&mut self, write: Write) {
        if let Some(key) = write.key {
            self.waiting.retain(|w| w.key != Some(key));
        }
        self.waiting.push_back(write);
    }

    /// Takes in the running write's result and starts the next one.
    pub fn poll(&mut self, wake: &Wake) -> Option<clearbox::Result<Written>> {
        let done = self.running.poll();
        if !self.running.is_running() {
            self.activity = None;
            if let Some(next) = self.waiting.pop_front() {
                // Keyed writes are housekeeping (settings): not worth a word.
                self.activity = next.key.is_none().then_some(next.activity);
                self.running.start(next.activity, wake, next.work);
            }
        }
        done
    }

    /// What is being written now, as a gerund phrase ("saving the model").
    pub fn activity(&self) -> Option<&'static str> {
        self.activity
    }

    /// Writes everything still waiting, now, on this thread: for closing the
    /// window without losing work.
    pub fn finish(&mut self) -> Vec<clearbox::ClearboxError> {
        let mut errors = Vec::new();
        let silent = clearbox::jobs::Progress::silent();
        while self.running.is_running() {
            if let Some(Err(err)) = self.running.poll() {
                errors.push(err);
            }
            std::thread::yield_now();
        }
        for write in self.waiting.drain(..) {
            if let Err(err) = clearbox::jobs::catch(write.activity, || (write.work)(&silent)) {
                errors.push(err);
            }
        }
        errors
    }
}
