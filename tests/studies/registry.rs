//! Documents and the command line are open: a downstream model and a
//! downstream role, registered in a `Registry`, named by a JSON scenario,
//! checked with the same JSON-path errors as built-ins, run to a results
//! document, and drawn by `wom plot` through `wom::cli::run`.

use std::path::PathBuf;

use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use wom::propagation::{FromOptions, Model, Observer, StepOutcome};
use wom::scenario::{ChannelFromOptions, ModelSpec, Registry, Results, Scenario};
use wom::{Actor, Error, FieldPath, Network, Profile, Sponsorship};

#[path = "../models/extension/uniform_cascade.rs"]
#[allow(dead_code)]
mod uniform_cascade;
use uniform_cascade::{UniformCascade, UniformCascadeState};

/// The downstream model: the public-API uniform cascade, stopped after
/// `max_steps` steps (none: it runs out by itself).
#[derive(Debug)]
struct CappedCascade {
    inner: UniformCascade,
    max_steps: Option<u32>,
}

/// Its options, as documents write them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CappedOptions {
    /// The probability per arc.
    p: f64,
    /// The last step that may adopt.
    #[serde(default)]
    max_steps: Option<u32>,
}

impl Model for CappedCascade {
    type State = UniformCascadeState;

    fn name(&self) -> &str {
        "capped_cascade"
    }

    fn new_state(&self, network: &Network) -> UniformCascadeState {
        self.inner.new_state(network)
    }

    fn start<R: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        network: &Network,
        state: &mut UniformCascadeState,
        seeds: &[u32],
        rng: &mut R,
        observer: &mut O,
    ) {
        self.inner.start(network, state, seeds, rng, observer)
    }

    fn step<R: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        network: &Network,
        state: &mut UniformCascadeState,
        step: u32,
        rng: &mut R,
        observer: &mut O,
    ) -> StepOutcome {
        match self.inner.step(network, state, step, rng, observer) {
            StepOutcome::Active if self.max_steps.is_some_and(|m| step >= m) => {
                StepOutcome::Finished
            }
            outcome => outcome,
        }
    }

    fn channel_names(&self) -> Vec<String> {
        vec!["whisper".to_string()]
    }
}

impl FromOptions for CappedCascade {
    type Options = CappedOptions;
    const KEY: &'static str = "capped_cascade";

    fn check_options(o: &CappedOptions) -> wom::Result<()> {
        if !(0.0..=1.0).contains(&o.p) {
            return Err(Error::InvalidParameter {
                name: FieldPath::field("p"),
                value: o.p.to_string(),
                reason: "a probability is in [0, 1]".to_string(),
            });
        }
        if o.max_steps == Some(0) {
            return Err(Error::InvalidParameter {
                name: FieldPath::field("max_steps"),
                value: "0".to_string(),
                reason: "at least one step".to_string(),
            });
        }
        Ok(())
    }

    fn from_options(_network: &Network, o: CappedOptions) -> wom::Result<Self> {
        Self::check_options(&o)?;
        Ok(CappedCascade {
            inner: UniformCascade::new(o.p)?,
            max_steps: o.max_steps,
        })
    }
}

/// The downstream role: a paid micro-influencer who discloses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct MicroInfluencer {
    #[serde(default = "credible")]
    credibility: f64,
    #[serde(default)]
    discloses: bool,
}

fn credible() -> f64 {
    0.8
}

impl Default for MicroInfluencer {
    fn default() -> Self {
        MicroInfluencer {
            credibility: credible(),
            discloses: false,
        }
    }
}

impl Actor for MicroInfluencer {
    fn role(&self) -> &str {
        "micro_influencer"
    }
    fn profile(&self) -> Profile {
        Profile::new(0.5, self.credibility, 0.2, 0.5).unwrap_or_else(|_| Profile::consumer())
    }
    fn sponsorship(&self) -> Sponsorship {
        Sponsorship::Sponsored
    }
}

/// The registry of a downstream crate: the built-ins, its model, its role.
pub(crate) fn registry() -> Registry {
    Registry::builtin()
        .model::<CappedCascade>()
        .and_then(Registry::role::<MicroInfluencer>)
        .expect("new names register")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wom-registry-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A path 0 -> 1 -> ... -> 9 (an edge list's lines are arcs: 1 hears 0),
/// with a hub 10 heard by 0 and 9: the hub has the most followers (2).
fn write_path(dir: &std::path::Path) -> PathBuf {
    let mut text = String::new();
    for i in 0..9 {
        text.push_str(&format!("{i} {}\n", i + 1));
    }
    text.push_str("10 0\n10 9\n");
    let file = dir.join("path.txt");
    std::fs::write(&file, text).unwrap();
    file
}

/// The study: the hub and the node of most followers after it become
/// micro-influencers, priced 50 each, and seed a certain cascade capped at
/// two steps.
fn document(edges: &std::path::Path, model: &str) -> String {
    format!(
        r#"{{
        "name": "",
        "graph": {{"edge_list": {{"path": {edges:?}}}}},
        "roles": {{"assign": [{{"role": "micro_influencer",
            "selection": {{"by": "followers", "count": {{"top": 1}}}},
            "actor": {{"discloses": true}}}}]}},
        "seeding": {{"seeds": {{"ids": [10]}}, "budget": 100,
            "prices": {{"micro_influencer": 50}}}},
        "kpis": {{"target": {{"role": "micro_influencer"}}}},
        "model": {model},
        "ensemble": {{"budget": {{"runs": 40}}, "master_seed": 3}}
    }}"#
    )
}

fn error_path(e: Error) -> (String, String) {
    match e {
        Error::InvalidDocument { path, reason } => (path, reason),
        other => panic!("not a document error: {other}"),
    }
}

#[test]
fn a_downstream_model_runs_from_a_document_to_its_results() {
    let dir = scratch("run");
    let edges = write_path(&dir);
    let registry = registry();
    let text = document(&edges, r#"{"capped_cascade": {"p": 1.0, "max_steps": 2}}"#);
    let scenario = Scenario::from_json_with(&registry, &text).unwrap();
    // The echo fills in what the document left out.
    assert_eq!(
        scenario.roles.assign[0].actor,
        Some(serde_json::json!({"credibility": 0.8, "discloses": true}))
    );
    let results = scenario.run_with(&registry, Some(2)).unwrap();
    let report = &results.report;
    assert_eq!(report.model, "capped_cascade");
    assert_eq!(results.channels, vec!["whisper".to_string()]);
    // p = 1 from the hub 10: step 1 reaches 0 and 9, step 2 reaches 1 (9
    // is the path's end), and the cap ends every run there: 4 adopters,
    // always.
    let adoption = report.kpi("adoption").unwrap();
    assert_eq!((adoption.mean, report.runs), (4.0, 40));
    assert_eq!(report.finished_runs, 40);
    // The role was assigned (the hub has the most followers), priced and
    // targeted: the only micro-influencer is the seed itself.
    assert_eq!(results.network.roles["micro_influencer"], 1);
    assert_eq!(results.seeds.cost, 50.0);
    assert_eq!(report.kpi("target_adoption_rate").unwrap().mean, 1.0);

    // Without the cap, the certain cascade takes all 11 nodes.
    let uncapped = document(&edges, r#"{"capped_cascade": {"p": 1.0}}"#);
    let all = Scenario::from_json_with(&registry, &uncapped)
        .and_then(|s| s.run_with(&registry, None))
        .unwrap();
    assert_eq!(all.report.kpi("adoption").unwrap().mean, 11.0);

    // The results document reads back (with no registry) to the same
    // scenario, naming the model and its options with defaults filled in.
    let back = Results::from_json(&results.to_json().unwrap()).unwrap();
    assert_eq!(back, results);
    assert_eq!(
        back.scenario.model,
        ModelSpec::Registered {
            key: "capped_cascade".to_string(),
            options: serde_json::json!({"p": 1.0, "max_steps": 2}),
        }
    );
    assert_eq!(back.scenario.model.key(), "capped_cascade");
    // The same scenario runs to the same bits whatever the thread count.
    assert_eq!(
        scenario.run_with(&registry, Some(1)).unwrap().report,
        *report
    );
}

#[test]
fn a_downstream_model_is_checked_at_its_json_paths() {
    let dir = scratch("errors");
    let edges = write_path(&dir);
    let registry = registry();
    let cases = [
        // A bad option, by the model's own check.
        (
            r#"{"capped_cascade": {"p": 1.5}}"#,
            "$.model.capped_cascade.p",
        ),
        (
            r#"{"capped_cascade": {"p": 0.5, "max_steps": 0}}"#,
            "$.model.capped_cascade.max_steps",
        ),
        // A value of the wrong type, and a field nothing reads.
        (
            r#"{"capped_cascade": {"p": "high"}}"#,
            "$.model.capped_cascade.p",
        ),
        (
            r#"{"capped_cascade": {"p": 0.5, "cap": 3}}"#,
            "$.model.capped_cascade.cap",
        ),
    ];
    for (model, path) in cases {
        let err = Scenario::from_json_with(&registry, &document(&edges, model)).unwrap_err();
        assert_eq!(error_path(err).0, path, "{model}");
    }
    // A missing field names the options.
    let err = Scenario::from_json_with(&registry, &document(&edges, r#"{"capped_cascade": {}}"#))
        .unwrap_err();
    let (path, reason) = error_path(err);
    assert_eq!(path, "$.model.capped_cascade");
    assert!(reason.contains("missing field `p`"), "{reason}");

    // An unknown model, at `$.model`, listing what is registered.
    let err = Scenario::from_json_with(&registry, &document(&edges, r#"{"caped": {"p": 1}}"#))
        .unwrap_err();
    let (path, reason) = error_path(err);
    assert_eq!(path, "$.model");
    assert!(reason.contains("unknown model `caped`"), "{reason}");
    assert!(reason.contains("`capped_cascade`") && reason.contains("`bass`"));
    assert!(reason.contains("`competition`"), "{reason}");
    // A registry without the model does not know it ...
    let text = document(&edges, r#"{"capped_cascade": {"p": 1.0}}"#);
    let roles_only = Registry::builtin().role::<MicroInfluencer>().unwrap();
    let (path, reason) = error_path(Scenario::from_json_with(&roles_only, &text).unwrap_err());
    assert_eq!(path, "$.model");
    let (_, known) = reason.split_once("the registered models are").unwrap();
    assert!(
        !known.contains("capped_cascade") && known.contains("`bass`"),
        "{reason}"
    );
    // ... and the built-in one knows neither the model nor the role.
    assert_eq!(
        error_path(Scenario::from_json(&text).unwrap_err()).0,
        "$.roles.assign[0].role"
    );
    // Running a scenario read elsewhere checks it again.
    let scenario = Scenario::from_json_with(&registry, &text).unwrap();
    assert_eq!(
        error_path(scenario.run(None).unwrap_err()).0,
        "$.roles.assign[0].role"
    );
    let err = scenario.run_with(&roles_only, None).unwrap_err();
    assert_eq!(error_path(err).0, "$.model");
}

#[test]
fn a_downstream_role_is_checked_at_its_json_paths() {
    let dir = scratch("roles");
    let edges = write_path(&dir);
    let registry = registry();
    let model = r#"{"capped_cascade": {"p": 1.0}}"#;
    let base = document(&edges, model);
    let cases = [
        // An unknown role lists the registered ones.
        (
            base.replace(r#""role": "micro_influencer""#, r#""role": "micro""#),
            "$.roles.assign[0].role",
            "`micro_influencer`",
        ),
        // A built-in role has its own place.
        (
            base.replace(
                r#""role": "micro_influencer""#,
                r#""role": "opinion_leader""#,
            ),
            "$.roles.assign[0].role",
            "roles.opinion_leaders",
        ),
        // The actor's fields are the actor type's.
        (
            base.replace(r#""discloses": true"#, r#""discloses": "yes""#),
            "$.roles.assign[0].actor.discloses",
            "invalid type",
        ),
        (
            base.replace(r#""discloses": true"#, r#""followers": 3"#),
            "$.roles.assign[0].actor.followers",
            "unknown field `followers`",
        ),
    ];
    for (text, want, says) in cases {
        let (path, reason) = error_path(Scenario::from_json_with(&registry, &text).unwrap_err());
        assert_eq!(path, want, "{reason}");
        assert!(reason.contains(says), "{reason}");
    }
    // Selecting more consumers than there are, when the network is built.
    let greedy = base.replace(r#"{"top": 1}"#, r#"{"top": 40}"#);
    let scenario = Scenario::from_json_with(&registry, &greedy).unwrap();
    let (path, _) = error_path(scenario.run_with(&registry, None).unwrap_err());
    assert_eq!(path, "$.roles.assign[0].selection");
}

#[test]
fn a_name_is_registered_once() {
    let twice = registry().model::<CappedCascade>().unwrap_err();
    assert!(twice.to_string().contains("capped_cascade"), "{twice}");
    assert!(registry().role::<MicroInfluencer>().is_err());

    /// A downstream model that tries to take a built-in's key.
    struct FakeBass(CappedCascade);
    impl Model for FakeBass {
        type State = UniformCascadeState;
        fn name(&self) -> &str {
            "bass"
        }
        fn new_state(&self, network: &Network) -> UniformCascadeState {
            self.0.new_state(network)
        }
        fn start<R: Rng + ?Sized, O: Observer + ?Sized>(
            &self,
            n: &Network,
            s: &mut UniformCascadeState,
            seeds: &[u32],
            rng: &mut R,
            o: &mut O,
        ) {
            self.0.start(n, s, seeds, rng, o)
        }
        fn step<R: Rng + ?Sized, O: Observer + ?Sized>(
            &self,
            n: &Network,
            s: &mut UniformCascadeState,
            step: u32,
            rng: &mut R,
            o: &mut O,
        ) -> StepOutcome {
            self.0.step(n, s, step, rng, o)
        }
    }
    impl FromOptions for FakeBass {
        type Options = CappedOptions;
        const KEY: &'static str = "bass";
        fn from_options(n: &Network, o: CappedOptions) -> wom::Result<Self> {
            CappedCascade::from_options(n, o).map(FakeBass)
        }
    }
    assert!(Registry::builtin().model::<FakeBass>().is_err());
    // Nine table models and the competition.
    assert_eq!(Registry::builtin().model_keys().count(), 10);
    let registry = registry();
    assert!(registry.has_model("capped_cascade") && registry.has_model("competition"));
    assert!(!Registry::builtin().has_model("capped_cascade"));
    assert_eq!(
        registry.role_names().collect::<Vec<_>>(),
        ["consumer", "opinion_leader", "business", "micro_influencer"]
    );
}

/// `wom run` and `wom plot` of a downstream binary: `wom::cli::run` with
/// the registry, in process.
#[cfg(feature = "cli")]
#[test]
fn the_command_line_runs_and_plots_a_downstream_model() {
    use std::process::ExitCode;

    let dir = scratch("cli");
    let edges = write_path(&dir);
    let registry = registry();
    let scenario = dir.join("study.json");
    // The edge list beside the scenario, named as a scenario file may.
    let beside = std::path::Path::new(edges.file_name().unwrap());
    std::fs::write(
        &scenario,
        document(beside, r#"{"capped_cascade": {"p": 1.0, "max_steps": 2}}"#),
    )
    .unwrap();
    let results = dir.join("results.json");
    let chart = dir.join("chart.svg");
    let arg = |p: &PathBuf| p.display().to_string();

    let ran = wom::cli::run(
        &registry,
        [
            "wom",
            "run",
            &arg(&scenario),
            "--out",
            &arg(&results),
            "--threads",
            "2",
        ],
    );
    assert_eq!(ran, ExitCode::SUCCESS);
    let document = Results::from_json(&std::fs::read_to_string(&results).unwrap()).unwrap();
    assert_eq!(document.report.model, "capped_cascade");
    assert_eq!(document.report.kpi("adoption").unwrap().mean, 4.0);
    // The library gives the same document.
    let direct = Scenario::from_file_with(&registry, &scenario)
        .and_then(|s| s.run_with(&registry, Some(1)))
        .unwrap();
    assert_eq!(direct.report, document.report);

    // The built-in `wom` refuses it: status 1.
    let refused = wom::cli::run(
        &Registry::builtin(),
        [
            "wom",
            "run",
            &arg(&scenario),
            "--out",
            &arg(&dir.join("no.json")),
        ],
    );
    assert_eq!(refused, ExitCode::FAILURE);

    let plotted = wom::cli::run(
        &registry,
        ["wom", "plot", &arg(&results), "--out", &arg(&chart)],
    );
    assert_eq!(plotted, ExitCode::SUCCESS);
    let svg = std::fs::read_to_string(&chart).unwrap();
    assert!(
        svg.starts_with("<svg") || svg.contains("<svg"),
        "not an SVG"
    );
    // The chart names the downstream model and its channel.
    assert!(svg.contains("capped_cascade: adopters (mean, 95% band, 40 runs)"));
    assert!(svg.contains("whisper"));
    assert_eq!(wom::cli::plot_svg(&document).unwrap(), svg);
    // The plot needs no registry: the built-in binary draws it too.
    let builtin_chart = dir.join("builtin.svg");
    let plotted = wom::cli::run(
        &Registry::builtin(),
        ["wom", "plot", &arg(&results), "--out", &arg(&builtin_chart)],
    );
    assert_eq!(plotted, ExitCode::SUCCESS);
    assert_eq!(std::fs::read_to_string(&builtin_chart).unwrap(), svg);
    // A bad command line is status 2.
    assert_eq!(wom::cli::run(&registry, ["wom", "fly"]), ExitCode::from(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unregistered_model_reads_back_as_written() {
    // A results document of a downstream model is readable anywhere.
    let spec: ModelSpec = serde_json::from_str(r#"{"capped_cascade": {"p": 0.5}}"#).unwrap();
    assert_eq!(spec.key(), "capped_cascade");
    let value: Value = serde_json::to_value(&spec).unwrap();
    assert_eq!(value, serde_json::json!({"capped_cascade": {"p": 0.5}}));
}

// ---------------------------------------------------------------------------
// A downstream channel.

/// The downstream channel: a story, seen by the sender's mutual followers
/// (`delay` steps after it is posted), with weight `persuasion` (no tie
/// trust: close friends see it whole).
#[derive(Debug)]
struct Story {
    persuasion: f64,
    delay: u32,
}

/// Its options, as documents write them beside `"kind": "story"`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoryOptions {
    persuasion: f64,
    /// Steps between posting and being seen (default 1: the next step).
    #[serde(default = "next_step")]
    delay: u32,
}

fn next_step() -> u32 {
    1
}

impl wom::Channel for Story {
    fn name(&self) -> &str {
        "story"
    }
    fn deliver<M: wom::Message, R: Rng + ?Sized, F: FnMut(wom::Delivery)>(
        &self,
        network: &Network,
        out: &wom::Outgoing<'_, M>,
        _rng: &mut R,
        mut deliver: F,
    ) {
        let forward = network.forward();
        for arc in forward.neighbors(out.sender) {
            let mutual = forward
                .neighbors(arc.node)
                .iter()
                .any(|b| b.node == out.sender);
            if arc.node != out.sender && mutual {
                deliver(wom::Delivery::new(arc.node, self.persuasion).after(self.delay));
            }
        }
    }
}

impl ChannelFromOptions for Story {
    type Options = StoryOptions;
    const KIND: &'static str = "story";
    fn check_options(o: &StoryOptions) -> wom::Result<()> {
        if (0.0..=1.0).contains(&o.persuasion) {
            Ok(())
        } else {
            Err(Error::InvalidParameter {
                name: FieldPath::field("persuasion"),
                value: o.persuasion.to_string(),
                reason: "must be in [0, 1]".to_string(),
            })
        }
    }
    fn from_options(network: &Network, o: StoryOptions) -> wom::Result<Story> {
        // A network-dependent check: a story needs mutual ties.
        let forward = network.forward();
        let mutual = (0..network.node_count() as u32).any(|u| {
            forward
                .neighbors(u)
                .iter()
                .any(|a| a.node != u && forward.neighbors(a.node).iter().any(|b| b.node == u))
        });
        if !mutual {
            return Err(Error::InvalidParameter {
                name: FieldPath::field("kind"),
                value: "story".to_string(),
                reason: "this network has no mutual ties".to_string(),
            });
        }
        Ok(Story {
            persuasion: o.persuasion,
            delay: o.delay,
        })
    }
}

/// A built-in post under another kind: through the erased bridge, it must
/// draw the same numbers and deliver the same as `post`.
#[derive(Debug)]
struct RelayedPost(wom::channel::Post);

impl wom::Channel for RelayedPost {
    fn name(&self) -> &str {
        "relayed_post"
    }
    fn scope(&self) -> wom::channel::Scope {
        self.0.scope()
    }
    fn deliver<M: wom::Message, R: Rng + ?Sized, F: FnMut(wom::Delivery)>(
        &self,
        network: &Network,
        out: &wom::Outgoing<'_, M>,
        rng: &mut R,
        deliver: F,
    ) {
        self.0.deliver(network, out, rng, deliver)
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PersuasionOnly {
    persuasion: f64,
}

impl ChannelFromOptions for RelayedPost {
    type Options = PersuasionOnly;
    const KIND: &'static str = "relayed_post";
    fn from_options(_: &Network, o: PersuasionOnly) -> wom::Result<RelayedPost> {
        Ok(RelayedPost(wom::channel::Post::new(o.persuasion)?))
    }
}

fn channel_registry() -> Registry {
    registry()
        .channel::<Story>()
        .and_then(Registry::channel::<RelayedPost>)
        .expect("new kinds register")
}

/// A path 0 - 1 - ... - 11 of mutual ties (both arcs), trust 1.
fn write_mutual_path(dir: &std::path::Path) -> PathBuf {
    let mut text = String::new();
    for i in 0..11 {
        text.push_str(&format!("{i} {}\n{} {i}\n", i + 1, i + 1));
    }
    let file = dir.join("mutual.txt");
    std::fs::write(&file, text).unwrap();
    file
}

/// A campaign seeded at node 0 of the mutual path, adopters talking
/// through `channels` (the JSON list's items).
fn campaign_document(edges: &std::path::Path, channels: &str) -> String {
    format!(
        r#"{{
        "graph": {{"edge_list": {{"path": {edges:?}}}}},
        "seeding": {{"seeds": {{"ids": [0]}}}},
        "model": {{"campaign": {{"channels": [{channels}], "horizon": 12}}}},
        "ensemble": {{"budget": {{"runs": 200}}, "master_seed": 11}}
    }}"#
    )
}

#[test]
fn a_downstream_channel_runs_beside_built_ins_from_a_document() {
    let dir = scratch("story");
    let edges = write_mutual_path(&dir);
    let registry = channel_registry();
    let text = campaign_document(
        &edges,
        r#"{"channel": {"kind": "story", "persuasion": 1.0}, "senders": "adopters"},
           {"channel": {"kind": "private_message", "persuasion": 0.5}, "senders": "adopters",
            "label": "dm"}"#,
    );
    let scenario = Scenario::from_json_with(&registry, &text).unwrap();
    let results = scenario.run_with(&registry, Some(2)).unwrap();
    assert_eq!(results.channels, ["story", "dm"]);
    let story = results.report.kpi("adoptions:channel:story").unwrap().mean;
    let dm = results.report.kpi("adoptions:channel:dm").unwrap().mean;
    assert!(story > 0.0 && dm > 0.0, "story {story}, dm {dm}");
    // Attribution adds up: every adopter but the seed came through one of
    // the two channels.
    let adoption = results.report.kpi("adoption").unwrap().mean;
    assert!((story + dm + 1.0 - adoption).abs() < 1e-9, "{adoption}");

    // The results echo the channel with its default delay filled in, and
    // read back (with no registry) to the same document.
    let json: Value = serde_json::from_str(&results.to_json().unwrap()).unwrap();
    let channels = &json["scenario"]["model"]["campaign"]["channels"];
    assert_eq!(
        channels[0]["channel"],
        serde_json::json!({"kind": "story", "persuasion": 1.0, "delay": 1})
    );
    assert_eq!(
        channels[1]["channel"],
        serde_json::json!({"kind": "private_message", "persuasion": 0.5, "choice": "uniform"})
    );
    let back = Results::from_json(&results.to_json().unwrap()).unwrap();
    assert_eq!(back, results);
    // The same bits whatever the thread count.
    assert_eq!(
        scenario.run_with(&registry, Some(1)).unwrap().report,
        results.report
    );
}

#[test]
fn a_story_is_seen_the_step_after_it_is_posted() {
    let dir = scratch("delay");
    let edges = write_mutual_path(&dir);
    let registry = channel_registry();
    let story = |delay: u32| {
        let text = campaign_document(
            &edges,
            &format!(
                r#"{{"channel": {{"kind": "story", "persuasion": 1.0, "delay": {delay}}},
                    "senders": "adopters"}}"#
            ),
        );
        Scenario::from_json_with(&registry, &text)
            .and_then(|s| s.run_with(&registry, None))
            .unwrap()
    };
    // A node adopting at step s talks from step s + 1, and its story is
    // seen at step s + 2: the node d ties away from the seed adopts at step
    // 2d at the earliest, so no run has more than 1 + t/2 adopters after
    // step t, and none more than the seed after step 1.
    let late = story(1);
    let curve = &late.report.curves.adoption;
    assert_eq!(curve[1].mean, 1.0);
    for (t, point) in curve.iter().enumerate() {
        assert!(
            point.mean <= 1.0 + (t / 2) as f64,
            "step {t}: {}",
            point.mean
        );
    }
    assert!(late.report.kpi("adoptions:channel:story").unwrap().mean > 0.0);
    // Seen at once, a story does better than that bound: some runs adopt
    // at step 1.
    let at_once = story(0);
    assert!(at_once.report.curves.adoption[1].mean > 1.0);
}

#[test]
fn a_channel_through_the_registry_delivers_as_itself() {
    // The same post, as the built-in kind and as a registered kind behind
    // the erased bridge: the same random numbers, the same KPIs, bit for
    // bit.
    let dir = scratch("relay");
    let edges = write_mutual_path(&dir);
    let registry = channel_registry();
    let run = |kind: &str| {
        let text = campaign_document(
            &edges,
            &format!(
                r#"{{"channel": {{"kind": "{kind}", "persuasion": 0.6}}, "senders": "adopters",
                    "label": "posts"}},
                   {{"channel": {{"kind": "forum", "persuasion": 0.1}}, "senders": "adopters"}}"#
            ),
        );
        Scenario::from_json_with(&registry, &text)
            .and_then(|s| s.run_with(&registry, None))
            .unwrap()
            .report
    };
    let builtin = run("post");
    let relayed = run("relayed_post");
    assert!(builtin.kpi("adoption").unwrap().mean > 1.0);
    assert_eq!(builtin.kpis, relayed.kpis);
    assert_eq!(builtin.curves, relayed.curves);
}

#[test]
fn a_downstream_channel_is_checked_at_its_json_paths() {
    let dir = scratch("channel-errors");
    let edges = write_mutual_path(&dir);
    let registry = channel_registry();
    let with = |channel: &str| {
        campaign_document(
            &edges,
            &format!(
                r#"{{"channel": {{"kind": "post", "persuasion": 0.1}}, "senders": "adopters"}},
                   {{"channel": {channel}, "senders": "adopters"}}"#
            ),
        )
    };
    let at = "$.model.campaign.channels[1].channel";
    let cases = [
        // The channel's own check, a wrong type, a field nothing reads.
        (r#"{"kind": "story", "persuasion": 1.5}"#, "persuasion"),
        (r#"{"kind": "story", "persuasion": "high"}"#, "persuasion"),
        (
            r#"{"kind": "story", "persuasion": 0.5, "colour": 3}"#,
            "colour",
        ),
        (
            r#"{"kind": "story", "persuasion": 0.5, "delay": -1}"#,
            "delay",
        ),
    ];
    for (channel, field) in cases {
        let err = Scenario::from_json_with(&registry, &with(channel)).unwrap_err();
        assert_eq!(error_path(err).0, format!("{at}.{field}"), "{channel}");
    }
    // A missing option names the channel object.
    let err = Scenario::from_json_with(&registry, &with(r#"{"kind": "story"}"#)).unwrap_err();
    let (path, reason) = error_path(err);
    assert_eq!(path, at);
    assert!(reason.contains("missing field `persuasion`"), "{reason}");

    // An unknown kind, at `kind`, listing the built-in and registered ones.
    let err = Scenario::from_json_with(&registry, &with(r#"{"kind": "stroy", "persuasion": 1}"#))
        .unwrap_err();
    let (path, reason) = error_path(err);
    assert_eq!(path, format!("{at}.kind"));
    assert!(reason.contains("unknown channel kind `stroy`"), "{reason}");
    assert!(
        reason.contains("`story`") && reason.contains("`post`") && reason.contains("`forum`"),
        "{reason}"
    );
    // Without the registration, the same document is refused there ...
    let text = with(r#"{"kind": "story", "persuasion": 1.0}"#);
    let (path, reason) = error_path(Scenario::from_json(&text).unwrap_err());
    assert_eq!(path, format!("{at}.kind"));
    assert!(
        reason.contains("unknown channel kind `story`") && !reason.contains("`story`,"),
        "{reason}"
    );
    // ... also when a scenario read through the registry runs without it.
    let scenario = Scenario::from_json_with(&registry, &text).unwrap();
    assert_eq!(
        error_path(scenario.run(None).unwrap_err()).0,
        format!("{at}.kind")
    );
    // A built-in kind keeps its own errors.
    let err = Scenario::from_json_with(&registry, &with(r#"{"kind": "post", "persuasion": 2}"#))
        .unwrap_err();
    assert!(error_path(err).0.starts_with(at));

    // What only the network can say comes from `from_options`, at the
    // channel's field, when the scenario runs.
    let one_way = dir.join("one_way.txt");
    std::fs::write(&one_way, "0 1\n1 2\n").unwrap();
    let text = campaign_document(
        &one_way,
        r#"{"channel": {"kind": "story", "persuasion": 1.0}, "senders": "adopters"}"#,
    );
    let scenario = Scenario::from_json_with(&registry, &text).unwrap();
    let (path, reason) = error_path(scenario.run_with(&registry, None).unwrap_err());
    assert_eq!(path, "$.model.campaign.channels[0].channel.kind");
    assert!(reason.contains("no mutual ties"), "{reason}");
}

#[test]
fn a_channel_kind_is_registered_once() {
    let registry = channel_registry();
    let err = registry.clone().channel::<Story>().unwrap_err();
    assert!(err.to_string().contains("already registered"), "{err}");

    /// A channel that wants a built-in kind.
    #[derive(Debug)]
    struct FakePost;
    impl wom::Channel for FakePost {
        fn name(&self) -> &str {
            "post"
        }
        fn deliver<M: wom::Message, R: Rng + ?Sized, F: FnMut(wom::Delivery)>(
            &self,
            _: &Network,
            _: &wom::Outgoing<'_, M>,
            _: &mut R,
            _: F,
        ) {
        }
    }
    #[derive(Serialize, Deserialize)]
    struct NoOptions {}
    impl ChannelFromOptions for FakePost {
        type Options = NoOptions;
        const KIND: &'static str = "post";
        fn from_options(_: &Network, _: NoOptions) -> wom::Result<FakePost> {
            Ok(FakePost)
        }
    }
    assert!(Registry::builtin().channel::<FakePost>().is_err());
    assert!(registry.has_channel("story") && registry.has_channel("advertising"));
    assert!(!Registry::builtin().has_channel("story"));
    let kinds: Vec<&str> = registry.channel_kinds().collect();
    assert_eq!(
        kinds,
        [
            "advertising",
            "comment",
            "forum",
            "post",
            "private_message",
            "relayed_post",
            "story"
        ]
    );
}

#[test]
fn document_channels_write_the_json_of_built_in_channels() {
    use wom::scenario::DocChannel;
    for text in [
        r#"{"kind":"post","persuasion":0.2}"#,
        r#"{"kind":"advertising","share":0.02,"persuasion":0.1,"cost_per_message":250.0}"#,
        r#"{"kind":"private_message","persuasion":0.3,"choice":"by_trust"}"#,
        r#"{"kind":"comment","persuasion":0.3,"thread_audience":4}"#,
        r#"{"kind":"forum","persuasion":0.02}"#,
    ] {
        let builtin: wom::BuiltinChannel = serde_json::from_str(text).unwrap();
        let doc: DocChannel = serde_json::from_str(text).unwrap();
        assert_eq!(doc, DocChannel::Builtin(builtin));
        assert_eq!(
            serde_json::to_string(&doc).unwrap(),
            serde_json::to_string(&builtin).unwrap()
        );
    }
    // Another kind is kept as written, for a registry to check.
    let doc: DocChannel = serde_json::from_str(r#"{"kind":"story","persuasion":1}"#).unwrap();
    assert_eq!(doc.kind(), "story");
    assert_eq!(
        serde_json::to_string(&doc).unwrap(),
        r#"{"kind":"story","persuasion":1}"#
    );
    // No kind: serde's own word.
    let err = serde_json::from_str::<DocChannel>(r#"{"persuasion":1}"#).unwrap_err();
    assert!(err.to_string().contains("kind"), "{err}");
}

#[test]
fn a_registered_channel_is_built_in_code_as_a_document_holds_it() {
    use wom::Channel;
    use wom::scenario::DocChannel;
    // 0 <-> 1 mutual, 0 -> 2 one way.
    let net = Network::from_arcs(3, [(0, 1, 0.5), (1, 0, 0.5), (0, 2, 1.0)]).unwrap();
    let story = DocChannel::registered::<Story>(
        &net,
        StoryOptions {
            persuasion: 0.8,
            delay: 2,
        },
    )
    .unwrap();
    assert_eq!(story.kind(), "story");
    assert_eq!(story.name(), "story");
    assert_eq!(
        serde_json::to_value(&story).unwrap(),
        serde_json::json!({"kind": "story", "persuasion": 0.8, "delay": 2})
    );
    // Through the erased bridge: the mutual follower only, two steps later.
    let got = story.receivers(&net, 0, &mut wom::rng::stream_rng(1, 0));
    assert_eq!(got, [wom::Delivery::new(1, 0.8).after(2)]);
    // Its own check refuses what a document's would.
    let err = DocChannel::registered::<Story>(
        &net,
        StoryOptions {
            persuasion: 1.5,
            delay: 1,
        },
    )
    .unwrap_err();
    assert_eq!(error_path(err).0, "$.persuasion");
}
