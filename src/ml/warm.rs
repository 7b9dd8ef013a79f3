//! Warming a graphics card up before the user presses Train.
//!
//! A graphics card compiles each kernel the first time a process uses it:
//! on an H200 the first pass of `bench train` took 5.3 s with every cache
//! cold against 1.7 s with the driver's cache warm (still compiling in the
//! process), and on lavapipe (software Vulkan) the first step alone took
//! 11 s against 0.7 s for the second. The app therefore trains a throwaway
//! network on a few synthetic rows as soon as a graphics card is found,
//! while the user is still loading a table and choosing a target, through
//! the same training loop, evaluation and scoring as a real run.
//!
//! Kernels are compiled per vectorisation, which follows the input width's
//! divisibility by 4, so the warm-up trains at widths that are odd, even
//! and a multiple of 4, yes/no and amounts. Measured with `bench train
//! --warm-up` on lavapipe (2 busy cores): a width-199 network's first pass
//! took 5.0 s after the warm-up against 10.8 s cold (its first step 1.4 s
//! against 7.0 s), a width-200 one 4.3 s against 10.9 s; later passes took
//! 3.3–3.7 s either way.
//!
//! Real training waits for a warm-up in flight: both seed the device's
//! random numbers, which are one per process, so interleaving them would
//! make a run's starting weights depend on timing.

use std::sync::{Mutex, PoisonError, TryLockError};
use std::time::Instant;

use burn::tensor::Device;

use super::model::NetworkShape;
use super::train::{Examples, Labels, TrainOptions, predict, run};
use crate::error::Result;
use crate::jobs::Progress;

/// Held for the whole of a warm-up; a training run waits on it.
static WARMING: Mutex<()> = Mutex::new(());

/// Input widths the warm-up trains at: odd, even and a multiple of 4.
const WIDTHS: [usize; 3] = [61, 62, 64];
/// Synthetic training rows per warm-up network: two full batches.
const ROWS: usize = 2048;

/// What a warm-up did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WarmUp {
    /// Networks trained.
    pub networks: usize,
    /// Seconds it took, compilation included.
    pub seconds: f64,
}

/// Trains and scores throwaway networks on `device` so that a real run
/// finds its kernels compiled. Cancellable between steps.
pub fn warm_up(device: &Device, progress: &Progress) -> Result<WarmUp> {
    let _held = WARMING.lock().unwrap_or_else(PoisonError::into_inner);
    let started = Instant::now();
    let tasks: Vec<(usize, Outcome)> = WIDTHS
        .iter()
        .map(|&w| (w, Outcome::YesNo))
        .chain(std::iter::once((WIDTHS[0], Outcome::Amount)))
        .collect();
    for (i, &(width, outcome)) in tasks.iter().enumerate() {
        let part = progress.scaled(i as f32 / tasks.len() as f32, 1.0 / tasks.len() as f32);
        train_one(device, width, outcome, &part)?;
    }
    Ok(WarmUp {
        networks: tasks.len(),
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Waits for a warm-up in flight to end, saying so on `progress`; returns
/// at once when none is.
pub(super) fn wait_for_warm_up(progress: &Progress) {
    if let Err(TryLockError::WouldBlock) = WARMING.try_lock() {
        progress.report(0.0, "Waiting for the graphics card to finish warming up");
        drop(WARMING.lock().unwrap_or_else(PoisonError::into_inner));
    }
}

/// What a warm-up network learns: each has loss kernels of its own.
#[derive(Debug, Clone, Copy)]
enum Outcome {
    YesNo,
    Amount,
}

fn train_one(device: &Device, width: usize, outcome: Outcome, progress: &Progress) -> Result<()> {
    // Fixed numbers in [-1, 1): what they are does not matter, only the shapes.
    let x: Vec<f32> = (0..ROWS * width)
        .map(|i| (i * 7919 % 1000) as f32 / 500.0 - 1.0)
        .collect();
    let classes: Vec<u32> = (0..ROWS as u32).map(|r| r % 2).collect();
    let amounts: Vec<f32> = classes.iter().map(|&c| c as f32 - 0.5).collect();
    let (labels, outputs) = match outcome {
        Outcome::YesNo => (Labels::Classes(&classes, 2), 2),
        Outcome::Amount => (Labels::Amounts(&amounts), 1),
    };
    let examples = Examples {
        x: &x,
        width,
        labels,
    };
    let options = TrainOptions {
        max_epochs: 1,
        // The largest batch the app trains with (TrainOptions::prediction);
        // batches are powers of two, so every size vectorises alike.
        batch: 1024,
        ..TrainOptions::deep(ROWS, 0)
    };
    let shape = NetworkShape::deep(width, outputs);
    let trained = run(
        &shape,
        &examples,
        Some(&examples),
        &options,
        device,
        progress,
        &|_| {},
    )?;
    predict(&trained.network, &x, width, device)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compute::{DevicePreference, select_device};
    use crate::ml::train::fit;

    fn first_weights(device: &Device) -> Vec<f32> {
        let x: Vec<f32> = (0..400 * 3).map(|i| (i % 17) as f32 / 17.0).collect();
        let classes: Vec<u32> = (0..400).map(|r| (r % 3 == 0) as u32).collect();
        let examples = Examples {
            x: &x,
            width: 3,
            labels: Labels::Classes(&classes, 2),
        };
        let options = TrainOptions {
            max_epochs: 2,
            ..TrainOptions::deep(400, 7)
        };
        let trained = fit(
            &NetworkShape::deep(3, 2),
            &examples,
            &examples,
            &options,
            device,
            &Progress::silent(),
            &|_| {},
        )
        .expect("trains");
        trained.network.weights().expect("weights").hidden[0]
            .weight
            .clone()
    }

    #[test]
    fn a_run_started_during_a_warm_up_gets_the_weights_it_gets_alone() {
        let device = select_device(DevicePreference::Cpu).expect("cpu").device;
        let alone = first_weights(&device);
        let (started, warming) = std::sync::mpsc::channel();
        // The first wake comes from a progress report inside the warm-up's
        // first network, while it holds the device's random numbers.
        let started = Mutex::new(Some(started));
        let wake: crate::jobs::Wake = std::sync::Arc::new(move || {
            if let Some(tx) = started
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take()
            {
                let _ = tx.send(());
            }
        });
        let warm = {
            let device = device.clone();
            crate::jobs::Job::spawn("warming up", Some(wake), move |p| warm_up(&device, p))
        };
        warming.recv().expect("the warm-up reports progress");
        let during = first_weights(&device);
        let warmed = warm.wait().expect("warms up");
        assert_eq!(warmed.networks, WIDTHS.len() + 1);
        assert_eq!(
            during, alone,
            "the run's weights depend on the warm-up's timing"
        );
    }

    #[test]
    fn a_cancelled_warm_up_stops_with_cancelled() {
        let device = select_device(DevicePreference::Cpu).expect("cpu").device;
        let progress = Progress::silent();
        progress.cancel_token().cancel();
        let err = warm_up(&device, &progress).expect_err("cancelled");
        assert!(
            matches!(err, crate::error::ClearboxError::Cancelled),
            "{err:?}"
        );
    }
}
