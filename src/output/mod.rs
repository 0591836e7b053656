//! Results leave the crate: curves to CSV and one run's cascade to DOT and
//! GraphML ([`export`]), and SVG charts ([`chart`], feature `charts`).

#[cfg(feature = "charts")]
pub mod chart;
pub mod export;
