//! The built-in propagation models, one file each, with its equations,
//! parameters, complexity and references in its own docs.

pub mod bass;
pub mod competition;
pub mod composite;
pub mod epidemic;
pub mod ic;
pub mod lt;
pub mod rumor;
pub mod valence;

pub use bass::Bass;
pub use competition::CompetitiveCascade;
pub use composite::Campaign;
pub use epidemic::{ContinuousSir, Sir, Sis};
pub use ic::{IcProbabilities, IcState, IndependentCascade};
pub use lt::{LinearThreshold, LtOptions};
pub use rumor::Rumor;
pub use valence::ValenceCascade;
