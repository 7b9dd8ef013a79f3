//! Device discovery, selection and the proof-of-life computation.

use std::time::Duration;

use burn::tensor::wgpu::wgpu;
use burn::tensor::{Device, DeviceKind, Tensor};
use serde::Serialize;

use crate::error::{ClearboxError, Result};

/// What the user asked for with `--device`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DevicePreference {
    /// A graphics card when one is usable, else the processor.
    #[default]
    Auto,
    /// A graphics card (or a software Vulkan device such as lavapipe) or nothing.
    Gpu,
    /// The processor.
    Cpu,
}

impl std::str::FromStr for DevicePreference {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(Self::Auto),
            "gpu" => Ok(Self::Gpu),
            "cpu" => Ok(Self::Cpu),
            other => Err(format!("'{other}' is not a device; use auto, gpu or cpu.")),
        }
    }
}

/// The kind of a wgpu adapter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AdapterKind {
    /// A separate graphics card.
    DiscreteGpu,
    /// Graphics built into the processor.
    IntegratedGpu,
    /// A virtual machine's graphics.
    VirtualGpu,
    /// A software renderer running on the processor (lavapipe, llvmpipe).
    Software,
    /// Unknown.
    Other,
}

impl AdapterKind {
    /// Whether this is real graphics hardware.
    pub fn is_hardware(self) -> bool {
        matches!(
            self,
            Self::DiscreteGpu | Self::IntegratedGpu | Self::VirtualGpu
        )
    }

    fn from_wgpu(kind: wgpu::DeviceType) -> Self {
        match kind {
            wgpu::DeviceType::DiscreteGpu => Self::DiscreteGpu,
            wgpu::DeviceType::IntegratedGpu => Self::IntegratedGpu,
            wgpu::DeviceType::VirtualGpu => Self::VirtualGpu,
            wgpu::DeviceType::Cpu => Self::Software,
            wgpu::DeviceType::Other => Self::Other,
        }
    }

    /// Words for the screen.
    pub fn words(self) -> &'static str {
        match self {
            Self::DiscreteGpu => "graphics card",
            Self::IntegratedGpu => "built-in graphics",
            Self::VirtualGpu => "virtual graphics",
            Self::Software => "software graphics on the processor",
            Self::Other => "graphics device",
        }
    }
}

/// One graphics adapter wgpu can see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdapterInfo {
    /// The adapter's name ("NVIDIA H100", "llvmpipe (LLVM 15.0.6, 256 bits)").
    pub name: String,
    /// The graphics API ("Vulkan", "Metal", "Dx12", "Gl").
    pub backend: String,
    /// What kind of device it is.
    pub kind: AdapterKind,
}

impl AdapterInfo {
    fn from_wgpu(info: &wgpu::AdapterInfo) -> Self {
        Self {
            name: info.name.clone(),
            backend: format!("{:?}", info.backend),
            kind: AdapterKind::from_wgpu(info.device_type),
        }
    }
}

/// Where computation runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum DeviceChoice {
    /// A wgpu adapter.
    Gpu(AdapterInfo),
    /// The processor, through burn's `flex` backend.
    Cpu,
}

/// A proven compute device and the sentence that announces it.
#[derive(Debug, Clone)]
pub struct ComputeDevice {
    /// The burn device to create tensors on.
    pub device: Device,
    /// What it is.
    pub choice: DeviceChoice,
    /// One plain sentence for the status line.
    pub announcement: String,
}

impl ComputeDevice {
    /// A short label: "GPU: NVIDIA H100 (Vulkan)" or "CPU".
    pub fn label(&self) -> String {
        match &self.choice {
            DeviceChoice::Gpu(a) => format!("GPU: {} ({})", a.name, a.backend),
            DeviceChoice::Cpu => "CPU".into(),
        }
    }
}

/// How long a graphics driver may take to answer before we give up on it.
const PROBE_TIMEOUT: Duration = Duration::from_secs(30);

/// Lists the adapters wgpu can see (none, without a Vulkan/Metal/DX12 driver).
pub fn list_adapters() -> Vec<AdapterInfo> {
    guarded(|| {
        // Compute runs on Vulkan, Metal or DirectX 12; OpenGL is not asked,
        // which also keeps EGL's display probing out of a headless process.
        let mut descriptor = wgpu::InstanceDescriptor::new_without_display_handle_from_env();
        descriptor.backends = wgpu::Backends::PRIMARY;
        let instance = wgpu::Instance::new(descriptor);
        let adapters = pollster::block_on(instance.enumerate_adapters(wgpu::Backends::PRIMARY));
        adapters
            .iter()
            .map(|a| AdapterInfo::from_wgpu(&a.get_info()))
            .collect()
    })
    .unwrap_or_default()
}

/// Picks and proves a device. `Auto` never fails: without a usable graphics
/// card it falls back to the processor and says so. `Gpu` fails with a plain
/// sentence when no adapter works; software Vulkan (lavapipe) counts then, so
/// that the GPU code path can be tested on machines without a card.
pub fn select_device(preference: DevicePreference) -> Result<ComputeDevice> {
    match preference {
        DevicePreference::Cpu => cpu("Running on the processor, as asked."),
        DevicePreference::Gpu => gpu().map_err(|detail| ClearboxError::NoGpu { detail }),
        DevicePreference::Auto => {
            let hardware = list_adapters().into_iter().any(|a| a.kind.is_hardware());
            if !hardware {
                return cpu(NO_GPU);
            }
            match gpu() {
                Ok(device) if matches!(&device.choice, DeviceChoice::Gpu(a) if a.kind.is_hardware()) => {
                    Ok(device)
                }
                Ok(_) => cpu(NO_GPU),
                Err(detail) => cpu(&format!(
                    "The graphics card could not be used ({detail}): training will run on the processor, \
                     which is typically 10 times or more slower on large tables."
                )),
            }
        }
    }
}

const NO_GPU: &str = "No graphics card found: training will run on the processor, which is typically \
                      10 times or more slower on large tables. Small tables train fine.";

fn cpu(announcement: &str) -> Result<ComputeDevice> {
    let device = Device::flex();
    prove(&device).map_err(|detail| ClearboxError::Internal {
        activity: "testing the processor backend".into(),
        detail,
    })?;
    Ok(ComputeDevice {
        device,
        choice: DeviceChoice::Cpu,
        announcement: announcement.to_owned(),
    })
}

/// The wgpu runtime can be set up once per process, so the outcome is kept.
static GPU: std::sync::OnceLock<std::result::Result<ComputeDevice, String>> =
    std::sync::OnceLock::new();

fn gpu() -> std::result::Result<ComputeDevice, String> {
    GPU.get_or_init(probe_gpu).clone()
}

fn probe_gpu() -> std::result::Result<ComputeDevice, String> {
    guarded(|| {
        super::kernel_cache::keep_on_disk();
        let (device, setup) = Device::wgpu_options()
            .device_kind(DeviceKind::DefaultDevice)
            .init_with_setup()
            .map_err(|e| e.to_string())?;
        let adapter = AdapterInfo::from_wgpu(&setup.adapter.get_info());
        prove(&device)?;
        let announcement = match adapter.kind {
            AdapterKind::Software => format!(
                "Running on {} ({}), a software stand-in for a graphics card: correct but slow.",
                adapter.name, adapter.backend
            ),
            kind => format!(
                "Running on the {} {} ({}).",
                kind.words(),
                adapter.name,
                adapter.backend
            ),
        };
        Ok(ComputeDevice {
            device,
            choice: DeviceChoice::Gpu(adapter),
            announcement,
        })
    })
    .unwrap_or_else(|| Err("the graphics driver did not answer in time or failed".into()))
}

/// Multiplies a 2×2 matrix by itself and checks the sum of the result.
fn prove(device: &Device) -> std::result::Result<(), String> {
    let m = Tensor::<2>::from_floats([[1.0, 2.0], [3.0, 4.0]], device);
    let total = m.clone().matmul(m).sum().into_scalar::<f32>();
    // [[7, 10], [15, 22]] sums to 54.
    if (total - 54.0).abs() < 1e-3 {
        Ok(())
    } else {
        Err(format!("a test computation gave {total} instead of 54"))
    }
}

/// Runs driver code on its own thread with a time limit, turning a panic or a
/// hang into `None`, because a broken driver must never take the app down.
fn guarded<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("clearbox: device probe".into())
        .spawn(move || {
            if let Ok(value) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)) {
                let _ = tx.send(value);
            }
        })
        .ok()?;
    rx.recv_timeout(PROBE_TIMEOUT).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_processor_always_works() {
        let device = select_device(DevicePreference::Cpu).expect("flex works everywhere");
        assert_eq!(device.choice, DeviceChoice::Cpu);
        assert_eq!(device.label(), "CPU");
    }

    #[test]
    fn preferences_parse() {
        assert_eq!("GPU".parse::<DevicePreference>(), Ok(DevicePreference::Gpu));
        assert!("tpu".parse::<DevicePreference>().is_err());
    }
}
