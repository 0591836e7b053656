//! Whole studies: ensembles, KPIs, scenario and results documents,
//! exports, charts and the `wom` command line. One test binary, so CI
//! links it once.

#[path = "../common/mod.rs"]
mod common;

#[cfg(feature = "charts")]
mod chart;
#[cfg(feature = "cli")]
mod cli;
mod ensemble;
mod export;
#[cfg(feature = "cli")]
mod fit_cli;
mod kpi;
mod lift;
mod memory;
mod observed;
mod paths;
mod quantities;
mod registry;
mod scenario;
mod shard;
mod sweep;
