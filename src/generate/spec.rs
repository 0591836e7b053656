//! Generator specs in documents: the [`Generator`] a scenario names.
//!
//! The one list in [`generators!`] registers every generator: its variant,
//! its parameters, its name in JSON and its function. Reading a spec takes
//! the `"model"` first, then reads the named parameters with
//! `serde_path_to_error`, so an error names the JSON path of the field at
//! fault from the parameter structs themselves, with no second copy of
//! their schema.

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{
    BarabasiAlbert, Gnm, Gnp, HolmeKim, StochasticBlockModel, WattsStrogatz, barabasi_albert, gnm,
    gnp, holme_kim, stochastic_block_model, watts_strogatz,
};
use crate::error::{Error, Result};
use crate::social::SocialGraph;

/// Declares [`Generator`] from the list of generators: for each, its doc
/// comment, variant, parameter struct, name in JSON and function. The
/// parameter struct must have a `validate(&self) -> Result<()>` method.
macro_rules! generators {
    (
        $(#[$meta:meta])*
        pub enum Generator {
            $(
                $(#[$doc:meta])*
                $variant:ident($params:ident) = $model:literal => $generate:ident,
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Serialize)]
        #[serde(tag = "model")]
        pub enum Generator {
            $(
                $(#[$doc])*
                #[serde(rename = $model)]
                $variant($params),
            )*
        }

        impl Generator {
            /// The models' names in JSON.
            const MODELS: &'static [&'static str] = &[$($model),*];

            /// Runs the generator with `seed`.
            ///
            /// # Errors
            /// Those of the generator named.
            pub fn generate(&self, seed: u64) -> Result<SocialGraph> {
                match self {
                    $(Generator::$variant(p) => $generate(p, seed),)*
                }
            }

            /// Checks the parameters without generating anything.
            ///
            /// # Errors
            /// Those of the parameters' own `validate`.
            pub fn validate(&self) -> Result<()> {
                match self {
                    $(Generator::$variant(p) => p.validate(),)*
                }
            }

            /// The model's name as it appears in JSON (`"gnp"`,
            /// `"holme_kim"` ...).
            pub fn model(&self) -> &'static str {
                match self {
                    $(Generator::$variant(_) => $model,)*
                }
            }

            /// The parameters of `model` read from `fields`; `None` for a
            /// model that is not in the list.
            fn read_params(model: &str, fields: Fields) -> Option<ParamsResult> {
                match model {
                    $($model => Some(
                        serde_path_to_error::deserialize(fields.into_deserializer())
                            .map(Generator::$variant),
                    ),)*
                    _ => None,
                }
            }
        }
    };
}

generators! {
    /// Any of the generators with its parameters: what a scenario document
    /// names to build its graph.
    ///
    /// In JSON it is an object whose `"model"` names the generator (in snake
    /// case) next to that generator's parameters; `"direction"` may be left
    /// out (`"friendship"`, mutual edges; the older `"undirected"` and
    /// `"directed"` are read as `"friendship"` and `"follow"`), and unknown
    /// fields are rejected:
    ///
    /// ```json
    /// {"model": "gnp", "n": 1000, "p": 0.01}
    /// {"model": "gnm", "n": 1000, "m": 5000, "direction": "follow"}
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
    pub enum Generator {
        /// Erdős–Rényi G(n, p): [`gnp`].
        Gnp(Gnp) = "gnp" => gnp,
        /// Erdős–Rényi G(n, m): [`gnm`].
        Gnm(Gnm) = "gnm" => gnm,
        /// Barabási–Albert: [`barabasi_albert`].
        BarabasiAlbert(BarabasiAlbert) = "barabasi_albert" => barabasi_albert,
        /// Watts–Strogatz: [`watts_strogatz`].
        WattsStrogatz(WattsStrogatz) = "watts_strogatz" => watts_strogatz,
        /// Holme–Kim: [`holme_kim`].
        HolmeKim(HolmeKim) = "holme_kim" => holme_kim,
        /// Stochastic block model: [`stochastic_block_model`].
        StochasticBlockModel(StochasticBlockModel) = "stochastic_block_model" => stochastic_block_model,
    }
}

/// What reading a spec's parameters gives.
type ParamsResult = std::result::Result<Generator, serde_path_to_error::Error<serde_json::Error>>;

/// The fields of a spec object, in document order, repeated keys kept (so
/// that the parameters' own reader finds them), values not yet read.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Fields(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Fields {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct FieldsVisitor;
        impl<'de> Visitor<'de> for FieldsVisitor {
            type Value = Fields;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a generator spec: an object with a \"model\" and its parameters")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Fields, A::Error> {
                let mut fields = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some(entry) = map.next_entry::<String, Value>()? {
                    fields.push(entry);
                }
                Ok(Fields(fields))
            }
        }
        d.deserialize_map(FieldsVisitor)
    }
}

impl Fields {
    /// A deserializer of the fields as one map.
    fn into_deserializer(
        self,
    ) -> de::value::MapDeserializer<'static, std::vec::IntoIter<(String, Value)>, serde_json::Error>
    {
        de::value::MapDeserializer::new(self.0.into_iter())
    }

    /// The generator these fields describe, or the JSON path below the spec
    /// (`"$"`, `"$.n"`, `"$.sizes[1]"` ...) of the first fault in document
    /// order and serde's reason.
    pub(crate) fn read(mut self) -> std::result::Result<Generator, (String, String)> {
        let at_model = |reason: String| ("$.model".to_string(), reason);
        let mut models = self.0.iter().filter(|(key, _)| key == "model");
        if models.nth(1).is_some() {
            return Err(at_model("duplicate field `model`".to_string()));
        }
        let Some(i) = self.0.iter().position(|(key, _)| key == "model") else {
            return Err(at_model("missing field `model`".to_string()));
        };
        let (_, tag) = self.0.remove(i);
        let model = String::deserialize(tag).map_err(|e| at_model(e.to_string()))?;
        let Some(read) = Generator::read_params(&model, self) else {
            let e: serde_json::Error = de::Error::unknown_variant(&model, Generator::MODELS);
            return Err(at_model(e.to_string()));
        };
        read.map_err(|e| {
            let path = e.path().to_string();
            let reason = e.into_inner().to_string();
            // A missing, unknown or repeated field is reported by serde at the
            // object's own path: name the field itself.
            let field = ["missing field `", "unknown field `", "duplicate field `"]
                .iter()
                .find_map(|start| reason.strip_prefix(start))
                .and_then(|rest| rest.split('`').next());
            let path = match (path.as_str(), field) {
                (".", Some(field)) => format!("$.{field}"),
                (".", None) => "$".to_string(),
                (path, _) => format!("$.{path}"),
            };
            (path, reason)
        })
    }
}

impl<'de> Deserialize<'de> for Generator {
    /// Reads the `"model"` first, then that model's parameters: see
    /// [`Generator::from_json`] for the errors. (A document reader that
    /// tracks paths sees the error at the spec itself; `from_json` names the
    /// field.)
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Fields::deserialize(d)?.read().map_err(|(path, reason)| {
            de::Error::custom(format!("{reason} (at {path} of the generator spec)"))
        })
    }
}

impl Generator {
    /// Reads a generator spec from JSON and validates its parameters.
    ///
    /// # Errors
    /// [`Error::InvalidDocument`] when the text is not JSON or does not fit
    /// the schema (unknown model, missing, unknown, repeated or mistyped
    /// field, a negative count ...); its `path` names the first such field
    /// in document order where it can (for example `"$.n"` or
    /// `"$.sizes[1]"`, else `"$"`) and its `reason` holds serde's message.
    /// Then the errors of [`Generator::validate`] for values out of range.
    pub fn from_json(text: &str) -> Result<Generator> {
        let fields: Fields = serde_json::from_str(text).map_err(|e| Error::InvalidDocument {
            path: "$".to_string(),
            reason: e.to_string(),
        })?;
        let generator = fields
            .read()
            .map_err(|(path, reason)| Error::InvalidDocument { path, reason })?;
        generator.validate()?;
        Ok(generator)
    }
}
