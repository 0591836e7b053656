//! Money: the one check of an amount (a budget, a price, a cost, a value),
//! and the price list of seeds by role.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::network::Network;

/// The largest money amount accepted (budgets, prices, costs, values):
/// beyond it, sums and products over runs could overflow to infinity.
pub const MAX_AMOUNT: f64 = 1e15;

/// Checks one money amount: a finite number in [0, [`MAX_AMOUNT`]].
///
/// Every amount `wom` reads (a seeding budget, a seed price, the seeding
/// cost and the value of an adoption given to the KPIs) goes through this
/// function, so that they all obey one rule.
///
/// # Arguments
/// * `name`: what the amount is, for the error (`"budget"`).
/// * `value`: the amount.
///
/// # Returns
/// `value`, unchanged.
///
/// # Errors
/// [`Error::InvalidParameter`] naming `name` when `value` is negative,
/// larger than [`MAX_AMOUNT`], or not a number.
///
/// # Complexity
/// O(1).
///
/// # Example
/// ```
/// use wom::seeding::{check_amount, MAX_AMOUNT};
/// assert_eq!(check_amount("budget", 5_000.0)?, 5_000.0);
/// assert!(check_amount("budget", -1.0).is_err());
/// assert!(check_amount("budget", MAX_AMOUNT * 2.0).is_err());
/// assert!(check_amount("budget", f64::NAN).is_err());
/// # Ok::<(), wom::Error>(())
/// ```
pub fn check_amount(name: &str, value: f64) -> Result<f64> {
    if (0.0..=MAX_AMOUNT).contains(&value) {
        Ok(value)
    } else {
        Err(Error::param(
            name,
            value,
            format!("must be a number in [0, {MAX_AMOUNT:e}]"),
        ))
    }
}

/// What seeding one node of a role costs: a fixed amount, or a base plus
/// an amount per follower (a leader with more followers costs more).
///
/// In JSON a number (`200`) or `{"base": 100, "per_follower": 0.5}`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Price {
    /// The same amount for every node of the role.
    Fixed(f64),
    /// `base + per_follower × followers(v)`, followers(v) the number of
    /// arcs out of v (who hears v; see
    /// [`centrality::followers`](crate::centrality::followers)).
    PerFollower {
        /// The amount every node of the role costs.
        base: f64,
        /// The amount added per follower.
        per_follower: f64,
    },
}

impl From<f64> for Price {
    fn from(amount: f64) -> Self {
        Price::Fixed(amount)
    }
}

impl Price {
    /// The price of node `v` of `network`. O(1).
    pub fn of(&self, network: &Network, v: u32) -> f64 {
        match *self {
            Price::Fixed(p) => p,
            Price::PerFollower { base, per_follower } => {
                base + per_follower * network.forward().degree(v) as f64
            }
        }
    }

    /// Checks each amount with [`check_amount`], named `name` (and
    /// `name.base`, `name.per_follower`).
    fn validate(&self, name: &str) -> Result<()> {
        match *self {
            Price::Fixed(p) => check_amount(name, p).map(drop),
            Price::PerFollower { base, per_follower } => {
                check_amount(&format!("{name}.base"), base)?;
                check_amount(&format!("{name}.per_follower"), per_follower).map(drop)
            }
        }
    }
}

impl<'de> Deserialize<'de> for Price {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct PriceVisitor;
        impl<'de> serde::de::Visitor<'de> for PriceVisitor {
            type Value = Price;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(r#"a price: a number, or {"base": ..., "per_follower": ...}"#)
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> std::result::Result<Price, E> {
                Ok(Price::Fixed(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> std::result::Result<Price, E> {
                Ok(Price::Fixed(v as f64))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> std::result::Result<Price, E> {
                Ok(Price::Fixed(v as f64))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Price, A::Error> {
                let (mut base, mut per_follower) = (None, None);
                while let Some(key) = map.next_key::<String>()? {
                    let slot = match key.as_str() {
                        "base" => &mut base,
                        "per_follower" => &mut per_follower,
                        other => {
                            return Err(serde::de::Error::unknown_field(
                                other,
                                &["base", "per_follower"],
                            ));
                        }
                    };
                    if slot.is_some() {
                        return Err(serde::de::Error::custom(format!("duplicate field `{key}`")));
                    }
                    *slot = Some(map.next_value::<f64>()?);
                }
                Ok(Price::PerFollower {
                    base: base.unwrap_or(0.0),
                    per_follower: per_follower
                        .ok_or_else(|| serde::de::Error::missing_field("per_follower"))?,
                })
            }
        }
        d.deserialize_any(PriceVisitor)
    }
}

/// What seeding one node costs, by the node's role name; a role not listed
/// costs 0.
///
/// In JSON, a map from role name to [`Price`]:
/// `{"opinion_leader": {"base": 100, "per_follower": 0.5}, "consumer": 1}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SeedPrices(pub BTreeMap<String, Price>);

impl SeedPrices {
    /// Checks every price with [`check_amount`].
    ///
    /// # Errors
    /// [`Error::InvalidDocument`] at `$.<role>` (the path within the price
    /// map) for the first price, in role order, that is not an amount.
    ///
    /// # Complexity
    /// O(r) for r roles listed.
    ///
    /// # Example
    /// ```
    /// use wom::seeding::SeedPrices;
    /// let prices = SeedPrices([("consumer".to_string(), (-5.0).into())].into());
    /// let err = prices.validate().unwrap_err();
    /// assert!(err.to_string().contains("$.consumer"), "{err}");
    /// ```
    pub fn validate(&self) -> Result<()> {
        for (role, price) in &self.0 {
            price
                .validate(&format!("price of {role}"))
                .map_err(|e| Error::InvalidDocument {
                    path: format!("$.{role}"),
                    reason: e.to_string(),
                })?;
        }
        Ok(())
    }

    /// Checks that every role listed is a role of `network`, so that a
    /// misspelt role cannot make its nodes free.
    ///
    /// # Errors
    /// [`Error::InvalidDocument`] at `$.<role>` for the first role, in role
    /// order, that `network` does not have.
    ///
    /// # Complexity
    /// O(r * q) for r roles listed and q roles in the network.
    ///
    /// # Example
    /// ```
    /// use wom::Network;
    /// use wom::seeding::SeedPrices;
    /// let net = Network::from_arcs(2, [(0, 1, 1.0)])?;
    /// let typo = SeedPrices([("consumers".to_string(), 5.0.into())].into());
    /// assert!(typo.check_roles(&net).is_err());
    /// # Ok::<(), wom::Error>(())
    /// ```
    pub fn check_roles(&self, network: &Network) -> Result<()> {
        for role in self.0.keys() {
            if network.role_id(role).is_none() {
                return Err(Error::InvalidDocument {
                    path: format!("$.{role}"),
                    reason: format!(
                        "the network has no role {role:?} (it has {:?})",
                        network.role_names()
                    ),
                });
            }
        }
        Ok(())
    }

    /// The price of seeding node `v` of `network`: its role's [`Price`]
    /// for `v`, or 0 when the role is not listed (or `v` is not a node).
    ///
    /// # Complexity
    /// O(log r) for r roles listed.
    ///
    /// # Example
    /// ```
    /// use wom::Network;
    /// use wom::seeding::{Price, SeedPrices};
    /// let net = Network::from_arcs(2, [(0, 1, 1.0)])?;
    /// let prices = SeedPrices([("consumer".to_string(), 5.0.into())].into());
    /// assert_eq!(prices.of(&net, 1), 5.0);
    /// // 2 + 0.5 per follower: node 0 has one.
    /// let scaled = Price::PerFollower { base: 2.0, per_follower: 0.5 };
    /// let prices = SeedPrices([("consumer".to_string(), scaled)].into());
    /// assert_eq!(prices.of(&net, 0), 2.5);
    /// # Ok::<(), wom::Error>(())
    /// ```
    pub fn of(&self, network: &Network, v: u32) -> f64 {
        if v as usize >= network.node_count() {
            return 0.0;
        }
        network
            .role_name(network.role(v))
            .and_then(|r| self.0.get(r))
            .map_or(0.0, |p| p.of(network, v))
    }
}

/// Whether one more seed at `price` fits a `budget` of which `spent` is
/// already spent: `spent + price <= budget * (1 + 1e-12)`.
///
/// This is the rule [`SeedPlan::choose`](crate::seeding::SeedPlan::choose)
/// takes seeds by, public so that a program choosing seeds its own way
/// (another order, several budgets) spends a document's budget exactly as
/// documents do. The tolerance is relative, so that three seeds at 0.1 fit
/// a budget of 0.3 although 0.1 + 0.1 + 0.1 > 0.3 in binary floating point;
/// it is far below a cent on any amount up to
/// [`MAX_AMOUNT`].
///
/// # Arguments
/// * `spent`: what the seeds taken so far cost.
/// * `price`: the next seed's price ([`SeedPrices::of`]).
/// * `budget`: the budget.
///
/// # Returns
/// Whether the seed may be taken.
///
/// # Complexity
/// O(1).
///
/// # Example
/// ```
/// use wom::seeding::fits_budget;
/// let spent = 0.1 + 0.1;
/// assert!(fits_budget(spent, 0.1, 0.3));
/// assert!(!fits_budget(spent, 0.2, 0.3));
/// ```
pub fn fits_budget(spent: f64, price: f64, budget: f64) -> bool {
    spent + price <= budget * (1.0 + 1e-12)
}
