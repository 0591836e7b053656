//! The propagation models against exact answers, closed forms and known
//! limits; the engine's checks; models written outside the crate; and the
//! values pinned for fixed seeds. One test binary, so CI links it once.

#[path = "../common/mod.rs"]
mod common;

mod bass;
mod channels;
mod competition;
mod compose;
mod composite;
mod engine;
mod epidemic;
mod exact;
mod extension;
mod fit;
mod messages;
mod rumor;
mod seeding;
mod seeding_celf;
mod seeding_heuristics;
mod stability;
mod valence;
