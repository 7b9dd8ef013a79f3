//! Choosing where models run: a graphics card through wgpu when one is
//! usable, otherwise the processor through burn's `flex` backend. The choice
//! is proved with a tiny computation before anyone is told it works.

mod device;

pub use device::{
    AdapterInfo, AdapterKind, ComputeDevice, DeviceChoice, DevicePreference, list_adapters,
    select_device,
};
