//! Calibration with uncertainty: models fitted to data, with standard
//! errors and intervals.
//!
//! * [`bass`]: the Bass model fitted to a sales or adoption series by
//!   nonlinear least squares on its continuous-time closed form
//!   (Srinivasan & Mason 1986), and the mapping of its p and q to the
//!   per-step parameters of the network Bass model.
//! * [`ic`]: the transmission probability of an independent cascade,
//!   uniform (maximum likelihood, profile-likelihood interval) or per arc
//!   (the EM algorithm of Saito, Nakano & Kimura 2008), from timed
//!   cascades over a known network.
//! * [`branching`]: without a network, the reproduction number of a
//!   branching process from cascade sizes (Borel–Tanner likelihood), or
//!   from the offspring counts of full trees.
//! * [`series`]: readers of the inputs (a sales series, timed cascades,
//!   cascade sizes) that name the file and line of a bad value.
//!
//! * [`spec`]: the `fit` section of a scenario document, and the report
//!   of the fits it asks for.
//!
//! `docs/fitting.md` gives the equations, the choices and the references;
//! `wom fit` (feature `cli`) is the command line, and a scenario's `fit`
//! section the document form.

pub mod bass;
pub mod branching;
mod dist;
pub mod ic;
pub mod series;
pub mod spec;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

pub use dist::{chi_square_1_quantile, normal_quantile, student_t_quantile};

/// One estimated parameter: its estimate, standard error and interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Parameter {
    /// The parameter's name (`m`, `p`, `q`, `R` ...).
    pub name: String,
    /// The estimate.
    pub estimate: f64,
    /// Its standard error (asymptotic).
    pub std_error: f64,
    /// The interval's lower end.
    pub low: f64,
    /// The interval's upper end.
    pub high: f64,
}

impl Parameter {
    /// Whether `value` lies in the interval (ends included).
    pub fn covers(&self, value: f64) -> bool {
        self.low <= value && value <= self.high
    }
}

/// A confidence level must lie strictly between 0 and 1.
pub(crate) fn check_level(level: f64) -> Result<()> {
    if level.is_finite() && level > 0.0 && level < 1.0 {
        Ok(())
    } else {
        Err(Error::param(
            "level",
            level,
            "a confidence level must be in (0, 1), e.g. 0.95",
        ))
    }
}
