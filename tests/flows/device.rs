//! The compute device, including the wgpu path on a software Vulkan driver
//! (lavapipe), which `.ci/run` installs so the GPU code path runs everywhere.

use clearbox::compute::{
    AdapterKind, DeviceChoice, DevicePreference, list_adapters, select_device,
};

#[test]
fn a_burn_computation_runs_through_wgpu() {
    assert!(
        !list_adapters().is_empty(),
        "no Vulkan adapter: install mesa-vulkan-drivers and libvulkan1 (see .ci/run)"
    );
    let device =
        select_device(DevicePreference::Gpu).expect("wgpu runs on lavapipe or a real card");
    match &device.choice {
        DeviceChoice::Gpu(adapter) => assert!(!adapter.name.is_empty()),
        DeviceChoice::Cpu => panic!("asked for the GPU path, got the processor"),
    }
    assert!(device.label().starts_with("GPU: "));
}

#[test]
fn auto_never_picks_a_software_renderer() {
    let device = select_device(DevicePreference::Auto).expect("auto always works");
    match &device.choice {
        DeviceChoice::Gpu(adapter) => assert_ne!(adapter.kind, AdapterKind::Software),
        DeviceChoice::Cpu => assert!(device.announcement.contains("processor")),
    }
}
