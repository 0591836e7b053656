//! The main job: a default multi-channel campaign on a built-in social
//! network, run 1,000 times, with its KPIs and their uncertainty, charts
//! and exports.
//!
//! The network: 10,000 consumers in 20 communities of 500 (a stochastic
//! block model; each community is also a group, a forum its members share),
//! 1% of them turned into paid opinion leaders by number of followers, and
//! a business organization whose account 5% of the people follow.
//!
//! The campaign, 30 steps: the brand posts to its followers and buys
//! advertising bursts; the leaders, paid 100 each, post to their
//! followers; adopters send private messages to trusted friends and
//! comment where five of their followers read, for 3 steps after adopting.
//!
//! Output: the KPI table on stdout; in `target/campaign/` (or the folder
//! named by `WOM_OUT`) the SVG charts, the curves as CSV and one run's
//! cascade as DOT and GraphML.
//!
//! Run with `cargo run --release --example campaign`. Written as a
//! downstream crate would write it: only the public API.

use std::error::Error;
use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;
use std::time::Instant;

use wom::Relation;
use wom::channel::{Advertising, Comment, Post, PrivateMessage, RecipientChoice};
use wom::chart::{self, ChartOptions};
use wom::ensemble::{Ensemble, EnsembleOptions, RunBudget};
use wom::export::{write_cascade_dot, write_cascade_graphml, write_curves_csv};
use wom::generate::{StochasticBlockModel, stochastic_block_model};
use wom::kpi::{Arm, KpiSpec, LiftOptions, Target, run_kpis};
use wom::propagation::composite::{CampaignChannel, CampaignOptions, Sender};
use wom::propagation::{Campaign, Model, Recorder, Simulation};
use wom::roles::{
    Audience, Centrality, LeaderCount, LeaderSelection, add_business, assign_opinion_leaders,
};
use wom::{BusinessOrganization, OpinionLeader, Sponsorship};

const COMMUNITIES: usize = 20;
const COMMUNITY_SIZE: usize = 500;
const SEED: u64 = 2026;
const RUNS: u64 = 1_000;
const LEADER_FEE: f64 = 100.0;

fn main() -> Result<(), Box<dyn Error>> {
    let started = Instant::now();

    // About 8 friends inside one's community and 1 outside, on average.
    let p_in = 8.0 / (COMMUNITY_SIZE - 1) as f64;
    let p_out = 1.0 / (COMMUNITY_SIZE * (COMMUNITIES - 1)) as f64;
    let probabilities = (0..COMMUNITIES)
        .map(|a| {
            (0..COMMUNITIES)
                .map(|b| if a == b { p_in } else { p_out })
                .collect()
        })
        .collect();
    let spec = StochasticBlockModel {
        sizes: vec![COMMUNITY_SIZE; COMMUNITIES],
        probabilities,
        direction: Relation::Friendship,
    };
    let mut graph = stochastic_block_model(&spec, SEED)?;

    // 1% opinion leaders: the consumers with the most followers, paid.
    let leaders = LeaderSelection {
        by: Centrality::Followers,
        count: LeaderCount::Fraction(0.01),
    };
    let template = OpinionLeader {
        sponsorship: Sponsorship::Sponsored,
        fee: LEADER_FEE,
        ..OpinionLeader::default()
    };
    let chosen = assign_opinion_leaders(&mut graph, &leaders, &template)?;

    // The brand's own account, followed by 5% of the people.
    add_business(
        &mut graph,
        "acme",
        BusinessOrganization::new("Acme"),
        &Audience::Fraction(0.05),
        0.5,
        SEED,
    )?;

    let network = graph.freeze()?;
    println!(
        "network: {} nodes ({} opinion leaders, 1 business), {} arcs, {} communities; built in {:.0?}",
        network.node_count(),
        chosen.len(),
        network.arc_count(),
        network.group_count(),
        started.elapsed()
    );

    // The campaign's channels, in processing order.
    let options = CampaignOptions::new(
        vec![
            CampaignChannel::new(Post::new(0.15)?, Sender::Business).labelled("brand_posts"),
            CampaignChannel::new(
                Advertising::new(0.01, 0.1)?.with_cost_per_message(500.0)?,
                Sender::Business,
            )
            .labelled("advertising"),
            CampaignChannel::new(Post::new(0.2)?, Sender::OpinionLeaders).labelled("leader_posts"),
            CampaignChannel::new(
                PrivateMessage::new(0.3, RecipientChoice::ByTrust)?,
                Sender::Adopters,
            )
            .labelled("private_messages"),
            CampaignChannel::new(Comment::new(0.1, 5)?, Sender::Adopters).labelled("comments"),
        ],
        30,
    )
    .with_talk_periods(3);
    let campaign = Campaign::new(&network, options)?;

    // Seeds: the paid leaders. Each adoption beyond them is worth 40.
    let seeds: Vec<u32> = chosen.iter().map(|v| v.index() as u32).collect();
    let spec = KpiSpec {
        target: Target::Role("consumer".into()),
        seeding_cost: LEADER_FEE * seeds.len() as f64,
        value_per_adoption: Some(40.0),
        ..KpiSpec::default()
    };
    let ensemble = EnsembleOptions {
        budget: RunBudget::Runs(
            std::env::var("WOM_RUNS")
                .ok()
                .and_then(|r| r.parse().ok())
                .unwrap_or(RUNS),
        ),
        master_seed: SEED,
        ..EnsembleOptions::default()
    };
    // The baseline: the same market with no paid leaders seeded (the
    // brand's posts and ads and the leaders' own posts go on), run in pairs
    // with the campaign on common random numbers.
    let organic = KpiSpec {
        seeding_cost: 0.0,
        ..spec.clone()
    };
    let baseline = Arm {
        model: &campaign,
        seeds: &[],
        spec: &organic,
    };
    let lift = LiftOptions {
        discount_rate: 0.01,
    };
    let clock = Instant::now();
    let paired = Ensemble::new(&network, &campaign, &seeds)
        .options(ensemble)
        .lift(&spec, baseline, &lift)?;
    let elapsed = clock.elapsed();
    let report = paired.campaign;
    println!(
        "\n{} runs of the campaign and of its baseline in {:.2?} ({:.0} pairs/s), master seed \
         {SEED}\n",
        report.runs,
        elapsed,
        report.runs as f64 / elapsed.as_secs_f64()
    );
    print!("{report}");
    println!(
        "\nadded by seeding the {} leaders, over the same market unseeded (discount rate {} per \
         step):\n{}",
        seeds.len(),
        lift.discount_rate,
        paired.lift
    );
    if std::env::var_os("WOM_UNPAIRED").is_some() {
        // The baseline again on an independent stream: the standard error
        // the difference of the means would have without the pairing.
        let alone = run_kpis(
            &network,
            &campaign,
            &[],
            &organic,
            &EnsembleOptions {
                master_seed: SEED + 1,
                ..ensemble
            },
        )?;
        let se = |e: &wom::ensemble::Estimate| e.std_error();
        let (c, b) = (report.kpi("adoption"), alone.kpi("adoption"));
        let added = paired.lift.kpi("incremental_adoption");
        if let (Some(c), Some(b), Some(added)) = (c, b, added) {
            let unpaired = (se(c).powi(2) + se(b).powi(2)).sqrt();
            println!(
                "incremental adoption {:.1} (paired, standard error {:.3}) against {:.1} \
                 (independent baseline, standard error {unpaired:.3}): variance {:.2} times smaller",
                added.mean,
                se(added),
                c.mean - b.mean,
                (unpaired / se(added)).powi(2)
            );
        }
    }

    // Charts, curves and one run's cascade.
    let out = PathBuf::from(std::env::var("WOM_OUT").unwrap_or_else(|_| "target/campaign".into()));
    std::fs::create_dir_all(&out)?;
    let titled = |title: &str, y: &str| ChartOptions {
        title: title.to_string(),
        y_label: y.to_string(),
        ..ChartOptions::default()
    };
    let curve = chart::adoption_curve(
        &report.curves.adoption,
        &titled("Adopters: mean and 95% band", "adopters"),
    )?;
    let series = report.curves.by_channel_means();
    let channels = chart::channel_adoptions(
        report.curves.adoption.len(),
        &series,
        &titled("Adoptions by channel (mean, stacked)", "adopters"),
    )?;
    let histogram = |pairs: Vec<(u64, u64)>, title: &str, x: &str, y: &str| {
        chart::cascade_sizes(
            &pairs,
            30,
            &ChartOptions {
                x_label: x.into(),
                y_label: y.into(),
                ..titled(title, "")
            },
        )
    };
    let trees = histogram(
        report
            .tree_size_distribution
            .iter()
            .map(|t| (t.adopters, t.trees))
            .collect(),
        "Cascade trees by size, all runs",
        "adopters in a tree",
        "share of trees",
    )?;
    let campaigns = histogram(
        report
            .adoption_distribution
            .iter()
            .map(|s| (s.adopters, s.runs))
            .collect(),
        "Campaign size over runs",
        "adopters at the end of a run",
        "share of runs",
    )?;
    for (name, svg) in [
        ("adoption.svg", curve),
        ("channels.svg", channels),
        ("cascade_sizes.svg", trees),
        ("campaign_sizes.svg", campaigns),
    ] {
        std::fs::write(out.join(name), svg)?;
    }
    let mut named: Vec<(&str, &[wom::ensemble::Estimate])> = vec![
        ("adoption", &report.curves.adoption),
        ("reach", &report.curves.reach),
    ];
    for c in &report.curves.by_channel {
        named.push((&c.name, &c.points));
    }
    write_curves_csv(
        BufWriter::new(File::create(out.join("curves.csv"))?),
        &named,
    )?;
    let mut recorder = Recorder::new();
    Simulation::new(&network, &campaign).run(&seeds, SEED, 0, &mut recorder)?;
    let names = campaign.channel_names();
    write_cascade_dot(
        BufWriter::new(File::create(out.join("cascade.dot"))?),
        &network,
        recorder.cascade(),
        &names,
    )?;
    write_cascade_graphml(
        BufWriter::new(File::create(out.join("cascade.graphml"))?),
        &network,
        recorder.cascade(),
        &names,
    )?;
    println!(
        "\nwrote adoption.svg, channels.svg, cascade_sizes.svg, campaign_sizes.svg, curves.csv, \
         cascade.dot and cascade.graphml (run 0: {} adopters) to {}; {:.1?} in all",
        recorder.adopted(),
        out.display(),
        started.elapsed()
    );
    Ok(())
}
