//! A researcher's study written as a downstream crate would write it: paid
//! micro-influencers who disclose, skeptics who discount sponsored talk, an
//! ephemeral story to close friends, and product-experience WOM in which
//! dissatisfied adopters talk more and negative messages lower later
//! persuasion, on top of the built-in advertising and posts.
//!
//! The network: 12,000 consumers (Holme–Kim, m = 3), the 2% most followed
//! made micro-influencers paid to post (their talk is sponsored, so their
//! messages carry the disclosure), a brand account followed by 10%, and a
//! quarter of the other consumers skeptics.
//!
//! What is the study's own (between the two "study" markers: 149 lines,
//! 128 of them code, imports excluded): the actor type with its skeptic role, the story channel, the
//! skeptics' response, and the campaign's channels and options. Everything
//! else is a built-in service: ensembles, KPIs with uncertainty,
//! attribution to channel and role, net sentiment and per-step quantity
//! curves, cost and ROI, charts and exports.
//!
//! Output: the KPI table on stdout, runs/s of the study beside the built-in
//! campaign on the same network; in `target/product_experience/` (or
//! `WOM_OUT`) the charts and the curves as CSV.
//!
//! Run with `cargo run --release --example product_experience`.

use std::error::Error;
use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;
use std::time::Instant;

use rand::Rng;
use wom::chart::{self, ChartOptions};
use wom::ensemble::{EnsembleOptions, RunBudget};
use wom::export::write_curves_csv;
use wom::generate::{HolmeKim, holme_kim};
use wom::kpi::{KpiReport, KpiSpec, Target, run_kpis};
use wom::propagation::Model;
use wom::roles::{
    Audience, Centrality, LeaderCount, LeaderSelection, add_business, assign_opinion_leaders,
};

use wom::channel::{Advertising, Mixed, Post, PrivateMessage, RecipientChoice};
use wom::propagation::composite::{
    Campaign, CampaignChannel, CampaignOptions, ExperienceOptions, Reception, Response, Sender,
    StandardResponse,
};
use wom::rng::{bernoulli, stream_rng};
use wom::{
    Actor, BuiltinActor, BusinessOrganization, Channel, Delivery, Message, Network, OpinionLeader,
    Outgoing, Profile, Sponsorship,
};

// --- study: its own types and choices begin -------------------------------
const FEE: f64 = 150.0;

/// The study's actors: a built-in actor, or a consumer who is a skeptic
/// (hard to persuade, and harder still by paid talk).
#[derive(Debug, Clone)]
struct Persona {
    actor: BuiltinActor,
    skeptic: bool,
}

impl Actor for Persona {
    fn role(&self) -> &str {
        match self.skeptic {
            true => "skeptic",
            false => self.actor.role(),
        }
    }
    fn profile(&self) -> Profile {
        match self.skeptic {
            true => Profile::new(0.3, 0.4, 0.5, 0.5).expect("valid profile"),
            false => self.actor.profile(),
        }
    }
    fn sponsorship(&self) -> Sponsorship {
        self.actor.sponsorship()
    }
}

/// A story: mutual friends see it the step after it is posted, and only
/// the poster's own opinion is told (a story is not forwarded).
#[derive(Debug, Clone)]
struct Story {
    persuasion: f64,
}

impl Channel for Story {
    fn name(&self) -> &str {
        "story"
    }
    fn deliver<M: Message, R: Rng + ?Sized, F: FnMut(Delivery)>(
        &self,
        network: &Network,
        out: &Outgoing<'_, M>,
        _rng: &mut R,
        mut deliver: F,
    ) {
        if out.message.hops() > 1 {
            return;
        }
        for arc in network.forward().neighbors(out.sender) {
            let back = network.forward().neighbors(arc.node);
            if back.iter().any(|b| b.node == out.sender) {
                let w = f64::from(arc.value) * self.persuasion;
                deliver(Delivery::new(arc.node, w).after(1));
            }
        }
    }
}

/// Skeptics discount sponsored talk by this share; everyone responds as
/// standard otherwise (one negative message heard blocks adoption).
#[derive(Debug, Clone)]
struct Skeptics(f64);

impl<M: Message> Response<M> for Skeptics {
    fn persuasion(&self, r: &Reception<'_, M>) -> f64 {
        let standard = StandardResponse {
            sponsored_discount: 0.0,
            negative_weight: 1.0,
        };
        let skeptic = r.network.role_name(r.network.role(r.receiver)) == Some("skeptic");
        let sponsored = r.message.sponsorship() == Sponsorship::Sponsored;
        let discount = if skeptic && sponsored { self.0 } else { 0.0 };
        standard.persuasion(r) * (1.0 - discount)
    }
}

/// The network: consumers, paid micro-influencers, a brand, skeptics.
fn study_network(n: usize, seed: u64) -> Result<(Network, Vec<u32>), Box<dyn Error>> {
    let mut graph = holme_kim(
        &HolmeKim {
            n,
            m: 3,
            triad_probability: 0.4,
        },
        seed,
    )?;
    let selection = LeaderSelection {
        by: Centrality::Followers,
        count: LeaderCount::Fraction(0.02),
    };
    let paid = OpinionLeader::new(Profile::opinion_leader(), Sponsorship::Sponsored, FEE)?;
    let leaders = assign_opinion_leaders(&mut graph, &selection, &paid)?;
    let brand = BusinessOrganization::new("Acme");
    add_business(
        &mut graph,
        "acme",
        brand,
        &Audience::Fraction(0.1),
        0.5,
        seed,
    )?;
    // A quarter of the consumers are skeptics (ids, groups and ties kept).
    let mut coin = stream_rng(seed, 1);
    let graph = graph.map_actors(|actor| Persona {
        skeptic: matches!(actor, BuiltinActor::Consumer(_)) && bernoulli(&mut coin, 0.25),
        actor,
    });
    let seeds = leaders.iter().map(|v| v.index() as u32).collect();
    Ok((graph.freeze()?, seeds))
}

/// The campaign's channels: built-in advertising, posts and private
/// messages, and the story.
fn channels() -> wom::Result<Vec<CampaignChannel<Mixed<Story>>>> {
    let ch =
        |c: Mixed<Story>, senders, label: &str| CampaignChannel::custom(c, senders).labelled(label);
    let ad = Advertising::new(0.01, 0.15)?.with_cost_per_message(200.0)?;
    Ok(vec![
        ch(ad.into(), Sender::Business, "advertising"),
        ch(Post::new(0.1)?.into(), Sender::Business, "brand_posts"),
        ch(
            Post::new(0.25)?.into(),
            Sender::OpinionLeaders,
            "influencer_posts",
        ),
        ch(Post::new(0.1)?.into(), Sender::Adopters, "adopter_posts"),
        ch(
            Mixed::Own(Story { persuasion: 0.3 }),
            Sender::Adopters,
            "stories",
        ),
        ch(
            PrivateMessage::new(0.3, RecipientChoice::ByTrust)?.into(),
            Sender::Adopters,
            "messages",
        ),
    ])
}

/// The study's campaign: product experience of quality 0.7, adopters
/// talking for 4 steps, skeptics halving sponsored persuasion.
fn study(network: &Network) -> Result<impl Model + Sync, Box<dyn Error>> {
    let options = CampaignOptions::new(channels()?, 30)
        .with_talk_periods(4)
        .with_experience(ExperienceOptions::new(0.7));
    let skeptics = Skeptics(0.5);
    Ok(Campaign::new(network, options)?.with_response(skeptics)?)
}
// --- study: its own types and choices end ---------------------------------

const SEED: u64 = 2027;
const RUNS: u64 = 1_000;

fn run(
    network: &Network,
    model: &(impl Model + Sync),
    seeds: &[u32],
) -> wom::Result<(KpiReport, f64)> {
    let spec = KpiSpec {
        target: Target::Role("consumer".into()),
        seeding_cost: FEE * seeds.len() as f64,
        value_per_adoption: Some(40.0),
        ..KpiSpec::default()
    };
    let ensemble = EnsembleOptions {
        budget: RunBudget::Runs(RUNS),
        master_seed: SEED,
        ..EnsembleOptions::default()
    };
    let clock = Instant::now();
    let report = run_kpis(network, model, seeds, &spec, &ensemble)?;
    Ok((report, RUNS as f64 / clock.elapsed().as_secs_f64()))
}

fn main() -> Result<(), Box<dyn Error>> {
    let (network, seeds) = study_network(12_000, SEED)?;
    println!(
        "network: {} nodes ({} paid micro-influencers, roles {:?}), {} arcs",
        network.node_count(),
        seeds.len(),
        network.role_names(),
        network.arc_count()
    );
    let (report, rate) = run(&network, &study(&network)?, &seeds)?;
    // The built-in campaign on the same network: the built-in channels
    // only, standard response, no product experience.
    let builtin_channels: Vec<_> = channels()?
        .into_iter()
        .filter(|c| matches!(c.channel, Mixed::Builtin(_)))
        .collect();
    let builtin = Campaign::new(
        &network,
        CampaignOptions::new(builtin_channels, 30).with_talk_periods(4),
    )?;
    let (_, builtin_rate) = run(&network, &builtin, &seeds)?;
    println!(
        "\n{RUNS} runs: the study {rate:.0} runs/s, the built-in campaign on the same network {builtin_rate:.0} runs/s\n"
    );
    print!("{report}");

    let out = PathBuf::from(
        std::env::var("WOM_OUT").unwrap_or_else(|_| "target/product_experience".into()),
    );
    std::fs::create_dir_all(&out)?;
    let titled = |title: &str, y: &str| ChartOptions {
        title: title.into(),
        y_label: y.into(),
        ..ChartOptions::default()
    };
    let adoption = chart::adoption_curve(
        &report.curves.adoption,
        &titled("Adopters: mean and 95% band", "adopters"),
    )?;
    let series = report.curves.by_channel_means();
    let by_channel = chart::channel_adoptions(
        report.curves.adoption.len(),
        &series,
        &titled("Adoptions by channel (mean, stacked)", "adopters"),
    )?;
    let sentiment = report
        .curves
        .quantities
        .iter()
        .filter(|c| c.name == "net_sentiment");
    let sentiment = chart::quantity_curves(
        sentiment,
        &titled("Net sentiment of deliveries", "(pos - neg) / (pos + neg)"),
    )?;
    std::fs::write(out.join("net_sentiment.svg"), sentiment)?;
    std::fs::write(
        out.join("page.svg"),
        chart::report_charts(&report, "product experience")?,
    )?;
    std::fs::write(out.join("adoption.svg"), adoption)?;
    std::fs::write(out.join("channels.svg"), by_channel)?;
    let mut named: Vec<(&str, &[wom::ensemble::Estimate])> =
        vec![("adoption", &report.curves.adoption)];
    for c in report
        .curves
        .by_channel
        .iter()
        .chain(&report.curves.quantities)
    {
        named.push((&c.name, &c.points));
    }
    write_curves_csv(
        BufWriter::new(File::create(out.join("curves.csv"))?),
        &named,
    )?;
    println!(
        "\nwrote adoption.svg, channels.svg, net_sentiment.svg, page.svg and curves.csv to {}",
        out.display()
    );
    Ok(())
}
