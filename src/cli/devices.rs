//! `clearbox devices`: what compute devices exist, and which one would be used.

use clearbox::compute::{DevicePreference, list_adapters, select_device};

pub fn run(preference: DevicePreference, json: bool) -> clearbox::Result<()> {
    let adapters = list_adapters();
    let chosen = select_device(preference)?;
    if json {
        let out = serde_json::json!({
            "adapters": adapters,
            "chosen": chosen.choice,
            "label": chosen.label(),
            "announcement": chosen.announcement,
        });
        println!("{out}");
        return Ok(());
    }
    if adapters.is_empty() {
        println!(
            "No graphics adapters found (is a Vulkan, Metal or DirectX 12 driver installed?)."
        );
    }
    for a in &adapters {
        println!("- {} ({}, {})", a.name, a.backend, a.kind.words());
    }
    println!("Using: {}", chosen.label());
    println!("{}", chosen.announcement);
    Ok(())
}
