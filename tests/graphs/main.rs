//! Building networks: edge-list and CSV input, generators, the frozen
//! network, role assignment, and the real networks named by
//! `WOM_DATA_DIR`. One test binary, so CI links it once.

#[path = "../common/mod.rs"]
mod common;

mod cascades;
mod data;
mod freeze;
#[cfg(feature = "cli")]
mod fuzz;
mod generators;
mod io;
mod layouts;
mod network;
mod roles;
mod snap_figures;
