//! `wom`: run campaign scenarios, summarise graphs and chart results from
//! the command line, without writing Rust.
//!
//! Installed with `cargo install --path . --features cli`. The commands
//! (`run`, `stats`, `plot`) are [`wom::cli::run`] with the built-in models
//! and roles; a crate with models of its own ships the same binary with
//! its registry (see `wom::cli`).

use std::process::ExitCode;

use wom::scenario::Registry;

fn main() -> ExitCode {
    wom::cli::run(&Registry::builtin(), std::env::args_os())
}
