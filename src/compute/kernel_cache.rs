//! Compiled graphics-card kernels kept on disk between runs: variant B of
//! `benches/gpu/run.sh`, built with the `gpu-cache` feature. Without it,
//! every process compiles the kernels it needs anew on first use. That
//! build is for the measurement only: on Mesa 22's lavapipe it dies with a
//! segmentation fault inside the driver (`vkCreateComputePipelines` on
//! CubeCL's SPIR-V), which no guard in the process can catch.

/// Asks CubeCL to keep the kernels it compiles in the user's cache folder
/// (`~/.cache/cubecl` on Linux). Runs before the first graphics device is
/// set up; a configuration CubeCL already holds is kept.
#[cfg(feature = "gpu-cache")]
pub fn keep_on_disk() {
    use burn::cubecl::config::cache::CacheConfig;
    use burn::cubecl::config::{CubeClRuntimeConfig, RuntimeConfig};
    let mut config = CubeClRuntimeConfig::default();
    config.compilation.cache = true;
    config.environment.path = CacheConfig::Global;
    // `false` means a configuration was set or read first: keep it.
    let _ = CubeClRuntimeConfig::try_set(config);
}

/// Without the `gpu-cache` feature CubeCL keeps nothing on disk.
#[cfg(not(feature = "gpu-cache"))]
pub fn keep_on_disk() {}

/// The build's graphics-card variant, for benchmark reports.
pub fn build_variant() -> &'static str {
    match (cfg!(feature = "gpu-cache"), cfg!(feature = "fusion")) {
        (false, true) => "A: wgpu, fusion",
        (true, true) => "B: wgpu and Vulkan SPIR-V, fusion, kernels kept on disk",
        (true, false) => "C: wgpu and Vulkan SPIR-V, kernels kept on disk, no fusion",
        (false, false) => "wgpu, no fusion",
    }
}
