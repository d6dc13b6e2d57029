//! Integration tests of bp-engine's public API (one test binary, per STYLE.md).

mod accuracy;
mod golden;
mod properties;
mod selection;

use bp_engine::Engine;
use std::sync::OnceLock;

/// One trained engine shared by every test in the binary.
pub fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::new().expect("embedded policy parses"))
}
