//! Generator specs in documents: the serde-tagged [`Generator`].

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::builder::GraphKind;
use super::{
    BarabasiAlbert, Gnm, Gnp, HolmeKim, StochasticBlockModel, WattsStrogatz, barabasi_albert, gnm,
    gnp, holme_kim, stochastic_block_model, watts_strogatz,
};
use crate::error::{Error, Result};
use crate::social::SocialGraph;

/// Any of the generators with its parameters: what a scenario document
/// names to build its graph.
///
/// In JSON it is an object whose `"model"` names the generator (in snake
/// case) next to that generator's parameters; `"direction"` may be left out
/// (undirected), and unknown fields are rejected:
///
/// ```json
/// {"model": "gnp", "n": 1000, "p": 0.01}
/// {"model": "gnm", "n": 1000, "m": 5000, "direction": "directed"}
/// {"model": "barabasi_albert", "n": 1000, "m": 3}
/// {"model": "watts_strogatz", "n": 1000, "k": 10, "beta": 0.1}
/// {"model": "holme_kim", "n": 1000, "m": 3, "triad_probability": 0.5}
/// {"model": "stochastic_block_model", "sizes": [50, 50],
///  "probabilities": [[0.2, 0.01], [0.01, 0.2]]}
/// ```
///
/// # Example
/// ```
/// use wom::generate::{Generator, HolmeKim};
///
/// let spec = Generator::from_json(
///     r#"{"model": "holme_kim", "n": 500, "m": 2, "triad_probability": 0.3}"#,
/// )?;
/// assert_eq!(spec, Generator::HolmeKim(HolmeKim { n: 500, m: 2, triad_probability: 0.3 }));
/// let g = spec.generate(9)?;
/// assert_eq!(g.node_count(), 500);
///
/// // A negative size is an error that names the field.
/// let err = Generator::from_json(r#"{"model": "gnp", "n": -5, "p": 0.1}"#).unwrap_err();
/// assert!(matches!(err, wom::Error::InvalidDocument { ref path, .. } if path == "$.n"));
/// # Ok::<(), wom::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "model", rename_all = "snake_case")]
pub enum Generator {
    /// Erdős–Rényi G(n, p): [`gnp`].
    Gnp(Gnp),
    /// Erdős–Rényi G(n, m): [`gnm`].
    Gnm(Gnm),
    /// Barabási–Albert: [`barabasi_albert`].
    BarabasiAlbert(BarabasiAlbert),
    /// Watts–Strogatz: [`watts_strogatz`].
    WattsStrogatz(WattsStrogatz),
    /// Holme–Kim: [`holme_kim`].
    HolmeKim(HolmeKim),
    /// Stochastic block model: [`stochastic_block_model`].
    StochasticBlockModel(StochasticBlockModel),
}

impl Generator {
    /// Runs the generator with `seed`.
    ///
    /// # Errors
    /// Those of the generator named.
    pub fn generate(&self, seed: u64) -> Result<SocialGraph> {
        match self {
            Generator::Gnp(p) => gnp(p, seed),
            Generator::Gnm(p) => gnm(p, seed),
            Generator::BarabasiAlbert(p) => barabasi_albert(p, seed),
            Generator::WattsStrogatz(p) => watts_strogatz(p, seed),
            Generator::HolmeKim(p) => holme_kim(p, seed),
            Generator::StochasticBlockModel(p) => stochastic_block_model(p, seed),
        }
    }

    /// Checks the parameters without generating anything.
    ///
    /// # Errors
    /// Those of the parameters' own `validate`.
    pub fn validate(&self) -> Result<()> {
        match self {
            Generator::Gnp(p) => p.validate(),
            Generator::Gnm(p) => p.validate(),
            Generator::BarabasiAlbert(p) => p.validate(),
            Generator::WattsStrogatz(p) => p.validate(),
            Generator::HolmeKim(p) => p.validate(),
            Generator::StochasticBlockModel(p) => p.validate(),
        }
    }

    /// The model's name as it appears in JSON (`"gnp"`, `"holme_kim"` ...).
    pub fn model(&self) -> &'static str {
        match self {
            Generator::Gnp(_) => "gnp",
            Generator::Gnm(_) => "gnm",
            Generator::BarabasiAlbert(_) => "barabasi_albert",
            Generator::WattsStrogatz(_) => "watts_strogatz",
            Generator::HolmeKim(_) => "holme_kim",
            Generator::StochasticBlockModel(_) => "stochastic_block_model",
        }
    }

    /// Reads a generator spec from JSON and validates its parameters.
    ///
    /// # Errors
    /// [`Error::InvalidDocument`] when the text is not JSON or does not fit
    /// the schema (unknown model, missing, unknown or mistyped field, a
    /// negative count ...); its `path` names the field where it can (for
    /// example `"$.n"` or `"$.sizes[1]"`, else `"$"`) and its `reason` holds
    /// serde's message. Then the errors of [`Generator::validate`] for
    /// values out of range.
    pub fn from_json(text: &str) -> Result<Generator> {
        let generator: Generator = serde_json::from_str(text).map_err(|e| {
            let (path, reason) = locate(text, e.to_string());
            Error::InvalidDocument { path, reason }
        })?;
        generator.validate()?;
        Ok(generator)
    }
}

/// The type a field of a generator spec must have.
#[derive(Clone, Copy)]
enum Shape {
    Count,
    Real,
    Kind,
    List(&'static Shape),
}

/// A spec field: name, shape, whether it may be left out.
type Field = (&'static str, Shape, bool);

const GNP_FIELDS: &[Field] = &[
    ("n", Shape::Count, false),
    ("p", Shape::Real, false),
    ("direction", Shape::Kind, true),
];
const GNM_FIELDS: &[Field] = &[
    ("n", Shape::Count, false),
    ("m", Shape::Count, false),
    ("direction", Shape::Kind, true),
];
const GROWTH_FIELDS: &[Field] = &[("n", Shape::Count, false), ("m", Shape::Count, false)];
const WS_FIELDS: &[Field] = &[
    ("n", Shape::Count, false),
    ("k", Shape::Count, false),
    ("beta", Shape::Real, false),
];
const HK_FIELDS: &[Field] = &[
    ("n", Shape::Count, false),
    ("m", Shape::Count, false),
    ("triad_probability", Shape::Real, false),
];
const SBM_FIELDS: &[Field] = &[
    ("sizes", Shape::List(&Shape::Count), false),
    (
        "probabilities",
        Shape::List(&Shape::List(&Shape::Real)),
        false,
    ),
    ("direction", Shape::Kind, true),
];

/// Serde's complaint about `value` as a `T`, if any.
fn complaint<T: DeserializeOwned>(value: &Value) -> Option<String> {
    serde_json::from_value::<T>(value.clone())
        .err()
        .map(|e| e.to_string())
}

impl Shape {
    /// The path and complaint of the first part of `value` (at `path`) that
    /// does not fit this shape.
    fn first_misfit(self, value: &Value, path: String) -> Option<(String, String)> {
        let problem = match self {
            Shape::Count => complaint::<usize>(value),
            Shape::Real => complaint::<f64>(value),
            Shape::Kind => complaint::<GraphKind>(value),
            Shape::List(inner) => match value.as_array() {
                Some(items) => {
                    return items
                        .iter()
                        .enumerate()
                        .find_map(|(i, x)| inner.first_misfit(x, format!("{path}[{i}]")));
                }
                None => complaint::<Vec<Value>>(value),
            },
        };
        problem.map(|reason| (path, reason))
    }
}

/// The JSON path and the reason for serde's rejection (`message`) of the
/// spec `text`: the first field that is missing, unknown or of the wrong
/// type, with serde's complaint about it; `"$"` and `message` when no one
/// field is to blame (not JSON, not an object ...).
fn locate(text: &str, message: String) -> (String, String) {
    let whole = || ("$".to_string(), message.clone());
    let Ok(Value::Object(object)) = serde_json::from_str::<Value>(text) else {
        return whole();
    };
    let fields = match object.get("model").map(Value::as_str) {
        None => return ("$.model".to_string(), "missing field `model`".to_string()),
        Some(None) => return ("$.model".to_string(), message),
        Some(Some(model)) => match model {
            "gnp" => GNP_FIELDS,
            "gnm" => GNM_FIELDS,
            "barabasi_albert" => GROWTH_FIELDS,
            "watts_strogatz" => WS_FIELDS,
            "holme_kim" => HK_FIELDS,
            "stochastic_block_model" => SBM_FIELDS,
            _ => return ("$.model".to_string(), message),
        },
    };
    for &(name, shape, optional) in fields {
        match object.get(name) {
            None if optional => {}
            None => return (format!("$.{name}"), format!("missing field `{name}`")),
            Some(value) => {
                if let Some(found) = shape.first_misfit(value, format!("$.{name}")) {
                    return found;
                }
            }
        }
    }
    for key in object.keys() {
        if key != "model" && !fields.iter().any(|&(name, _, _)| name == key) {
            let expected: Vec<&str> = fields.iter().map(|&(name, _, _)| name).collect();
            return (
                format!("$.{key}"),
                format!(
                    "unknown field `{key}`, expected one of {}",
                    expected.join(", ")
                ),
            );
        }
    }
    whole()
}
