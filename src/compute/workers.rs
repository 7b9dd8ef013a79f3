//! Where the processor's model work runs: on Clearbox's own pool of rayon
//! workers rather than on the thread that asked for it.
//!
//! burn's `flex` backend splits matrix products (through `gemm`) and large
//! element-wise passes across rayon's current pool. Called from a thread
//! outside any pool, every such split hands the work over and puts the
//! caller to sleep until a worker wakes it: several hand-offs per training
//! step, each two trips through the scheduler (`perf` put a tenth of a step
//! in the kernel's task switching). Run from a worker, a split keeps one
//! half on the same thread and the next worker steals the other.
//!
//! The pool is Clearbox's own, not rayon's global one, because the tree
//! model fits on the global pool while the deep model trains: sharing it,
//! a worker waiting for its half of a matrix product would pick up a tree
//! job and make the training step wait for it.
//!
//! Measured on 2 cores (release): `clearbox bench train` went from 91–94k
//! to 108–111k rows/s (batch 4 096, width 64); `clearbox train` on adult,
//! three interleaved rounds, 10.8–11.2 s on the calling thread, 9.7–10.0 s
//! on the global pool, 8.7–9.2 s on this one, with identical models.

use std::sync::OnceLock;

use burn::tensor::Device;

use crate::error::Result;
use crate::jobs::Progress;

/// Runs `work` on the model workers when `device` is the processor, and
/// waits for it; inline when the caller already is a model worker.
///
/// A graphics card's work also runs inline: it is queued to the card, not
/// computed on the calling thread, and burn's fusion keeps one stream of
/// work per thread, so moving it between threads could only add
/// synchronisation. Inline too if the pool could not be started (the
/// operating system refused a thread): slower, never wrong.
pub fn on_workers<R: Send>(device: &Device, work: impl FnOnce() -> R + Send) -> R {
    match pool() {
        Some(pool) if is_processor(device) => pool.install(work),
        _ => work(),
    }
}

/// Runs `first` and `rest(1)` to `rest(count - 1)`, and returns their
/// results in that order.
///
/// On the processor they run side by side, `first` on this thread (so it
/// may report to callbacks that stay on it) and the rest on threads of
/// their own: one small network's training steps keep little more than one
/// core busy, so independent networks (an ensemble's members, cross-fitted
/// halves) finish sooner together. Then `first` reports on `progress` for
/// the whole span and the others only heed its cancellation. On a graphics
/// card they run one after another, each reporting on its share of
/// `progress`, since the card's work is queued from one thread. Each
/// network must draw its own random numbers
/// ([`crate::ml::model::NetworkShape::init_seeded`]) for the results not to
/// depend on which ran first.
pub fn side_by_side<T: Send>(
    device: &Device,
    count: usize,
    progress: &Progress,
    first: impl FnOnce(&Progress) -> Result<T>,
    rest: impl Fn(usize, &Progress) -> Result<T> + Sync,
) -> Result<Vec<T>> {
    let share = 1.0 / count.max(1) as f32;
    if !is_processor(device) || count < 2 {
        let mut done = vec![first(&progress.scaled(0.0, share))?];
        for i in 1..count {
            done.push(rest(i, &progress.scaled(i as f32 * share, share))?);
        }
        return Ok(done);
    }
    let quiet = Progress::with_cancel(progress.cancel_token().clone());
    std::thread::scope(|scope| {
        let others: Vec<_> = (1..count)
            .map(|i| {
                let (rest, quiet) = (&rest, &quiet);
                scope.spawn(move || rest(i, quiet))
            })
            .collect();
        let first = first(progress);
        std::iter::once(first)
            .chain(others.into_iter().map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            }))
            .collect()
    })
}

/// Whether `device` is the processor (with or without autodiff).
fn is_processor(device: &Device) -> bool {
    device.clone().without_autodiff() == Device::flex()
}

/// One worker per core (or `RAYON_NUM_THREADS`), started on first use.
fn pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .thread_name(|i| format!("clearbox-model-{i}"))
            .build()
            .ok()
    })
    .as_ref()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn processor_work_runs_on_a_model_worker_and_card_work_stays_put() {
        let name = || std::thread::current().name().map(str::to_owned);
        let here = name();
        let on_cpu = on_workers(&Device::flex().autodiff(), name);
        assert!(
            on_cpu
                .as_deref()
                .is_some_and(|n| n.starts_with("clearbox-model-")),
            "processor work ran on {on_cpu:?}"
        );
        // Nested calls stay on the worker they were made from.
        let nested = on_workers(&Device::flex(), || {
            let outer = name();
            (outer.clone(), on_workers(&Device::flex(), name))
        });
        assert_eq!(nested.0, nested.1);
        let wgpu = Device::wgpu(Default::default());
        assert_eq!(on_workers(&wgpu, name), here, "card work ran elsewhere");
    }
}
