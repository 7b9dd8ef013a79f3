//! Choosing where models run: a graphics card through wgpu when one is
//! usable, otherwise the processor through burn's `flex` backend. The choice
//! is proved with a tiny computation before anyone is told it works.

mod device;
mod kernel_cache;
mod workers;

pub use device::{
    AdapterInfo, AdapterKind, ComputeDevice, DeviceChoice, DevicePreference, list_adapters,
    select_device,
};
pub use kernel_cache::build_variant;
pub use workers::{on_workers, side_by_side};

/// Asks the C allocator to keep freed buffers for reuse, once, at start.
/// Training and explaining on the processor free and allocate buffers of a
/// few megabytes on every step; with glibc's defaults those go back to the
/// system and come back as fresh pages, and page faults took a quarter of
/// a CPU training step (`clearbox bench train`: 39–42 k rows/s before,
/// 53–55 k after). Buffers up to 32 MB (glibc's ceiling for this setting)
/// now come from the heap, and the heap is not trimmed.
pub fn keep_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator settings; it is called before
    // any other thread starts, and a refused value leaves the default.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, i32::MAX);
    }
}
