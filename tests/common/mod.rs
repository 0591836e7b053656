//! Helpers shared by the integration tests: small networks and sample
//! statistics. Each test file uses some of them.
#![allow(dead_code)]

use wom::generate::{HolmeKim, holme_kim};
use wom::roles::{
    Audience, Centrality, LeaderCount, LeaderSelection, add_business, assign_opinion_leaders,
};
use wom::{BusinessOrganization, Network, OpinionLeader};

/// A network of default consumers with full-trust arcs.
pub fn net(n: usize, arcs: &[(u32, u32)]) -> Network {
    Network::from_arcs(n, arcs.iter().map(|&(u, v)| (u, v, 1.0))).unwrap()
}

/// The complete directed graph on `n` nodes, every arc of trust 1.
pub fn complete(n: u32) -> Network {
    let arcs = (0..n).flat_map(|u| (0..n).filter(move |&v| v != u).map(move |v| (u, v, 1.0)));
    Network::from_arcs(n as usize, arcs).unwrap()
}

/// Mean and standard error of the mean.
pub fn mean_se(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0);
    (m, (var / n).sqrt())
}

/// Mean and standard error of a sample, from running sums.
#[derive(Debug, Default, Clone)]
pub struct Moments {
    pub n: f64,
    pub sum: f64,
    pub sum2: f64,
}

impl Moments {
    pub fn push(&mut self, x: f64) {
        self.n += 1.0;
        self.sum += x;
        self.sum2 += x * x;
    }
    pub fn mean(&self) -> f64 {
        self.sum / self.n
    }
    pub fn se(&self) -> f64 {
        let m = self.mean();
        let var = (self.sum2 / self.n - m * m).max(0.0) * self.n / (self.n - 1.0);
        (var / self.n).sqrt()
    }
    /// Within 4 standard errors of `exact`. A sample with no spread (all
    /// equal) must hit the exact value up to rounding.
    pub fn check(&self, exact: f64, what: &str) {
        let tol = (4.0 * self.se()).max(1e-9);
        assert!(
            (self.mean() - exact).abs() <= tol,
            "{what}: mean {} vs exact {exact} (4 se = {tol})",
            self.mean()
        );
    }
}

/// A Holme–Kim network of `n` consumers (m = 3, triad probability 0.4,
/// generator seed `seed`), the 3% most followed made opinion leaders, and
/// a business `"acme"` followed by 20% of them.
pub fn marketing_network(n: usize, seed: u64) -> Network {
    let spec = HolmeKim {
        n,
        m: 3,
        triad_probability: 0.4,
    };
    let mut g = holme_kim(&spec, seed).unwrap();
    let selection = LeaderSelection {
        by: Centrality::Followers,
        count: LeaderCount::Fraction(0.03),
    };
    assign_opinion_leaders(&mut g, &selection, &OpinionLeader::default()).unwrap();
    add_business(
        &mut g,
        "acme",
        BusinessOrganization::new("Acme"),
        &Audience::Fraction(0.2),
        0.5,
        3,
    )
    .unwrap();
    g.freeze().unwrap()
}
