//! Messages that flow: what a receiver sees of each delivery (valence,
//! strength, sponsorship, hops), held deliveries, and the campaign's
//! documented persuasion formula per valence and sponsorship, checked on a
//! path and a star against probabilities computed by hand.
//!
//! Statistical checks use `Moments::check` (4 standard errors of the mean
//! over the runs, so a wrong formula fails by many standard errors).

use std::sync::Mutex;

use rand::Rng;
use wom::channel::{Advertising, BuiltinChannel, Comment, Post, PrivateMessage, RecipientChoice};
use wom::propagation::composite::{
    Campaign, CampaignChannel, CampaignOptions, Dispatch, ExperienceOptions, Reception, Response,
    Satisfaction, Sender, StandardResponse,
};
use wom::propagation::{Model, Recorder, Simulation};
use wom::{
    BuiltinActor, BusinessOrganization, Channel, Consumer, Delivery, Message, Network,
    OpinionLeader, Outgoing, Polarity, Profile, Sponsorship,
};

use crate::common::Moments;
use crate::composite::graph;

const MASTER: u64 = 0x5EED_0009;

fn consumer(activity: f64) -> BuiltinActor {
    Consumer {
        profile: Profile::new(activity, 1.0, 1.0, 1.0).unwrap(),
    }
    .into()
}

/// A business whose posts everyone notices and believes.
fn business() -> BuiltinActor {
    BusinessOrganization {
        name: "acme".into(),
        profile: Profile::new(1.0, 1.0, 0.0, 1.0).unwrap(),
    }
    .into()
}

fn post_by_adopters() -> CampaignChannel {
    CampaignChannel::new(Post::new(1.0).unwrap(), Sender::Adopters)
}

/// What a receiver saw of one delivery.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    receiver: u32,
    sender: Option<u32>,
    step: u32,
    hops: u32,
    strength: f64,
    polarity: Polarity,
    sponsorship: Sponsorship,
    negatives_before: u32,
}

/// A response that records every reception and persuades for sure.
#[derive(Debug, Default)]
struct Recording(Mutex<Vec<Seen>>);

impl<M: Message> Response<M> for Recording {
    fn persuasion(&self, r: &Reception<'_, M>) -> f64 {
        self.0.lock().unwrap().push(Seen {
            receiver: r.receiver,
            sender: r.sender,
            step: r.step,
            hops: r.message.hops(),
            strength: r.message.strength(),
            polarity: r.message.valence().polarity(),
            sponsorship: r.message.sponsorship(),
            negatives_before: r.history.negative,
        });
        1.0
    }
}

/// Runs a campaign once from `seeds` with a recording response and returns
/// the number of adopters and what the receivers saw.
fn run_recorded(net: &Network, options: CampaignOptions, seeds: &[u32]) -> (usize, Vec<Seen>) {
    let campaign = Campaign::new(net, options)
        .unwrap()
        .with_response(Recording::default())
        .unwrap();
    let out = Simulation::new(net, &campaign)
        .run(seeds, MASTER, 0, &mut ())
        .unwrap();
    let seen = campaign.response().0.lock().unwrap().clone();
    (out.adopted, seen)
}

/// A one-step campaign of sure posts by `senders`.
fn posts_by(senders: Sender) -> CampaignOptions {
    CampaignOptions::new(
        vec![CampaignChannel::new(Post::new(1.0).unwrap(), senders)],
        1,
    )
}

#[test]
fn receivers_see_hops_strength_and_sponsorship_of_relayed_messages() {
    // Path 0 -> 1 -> 2 -> 3, seed 0, everyone talks once; strength halves
    // per hop. Each receiver sees the message one hop further.
    let net = graph(vec![consumer(1.0); 4], &[(0, 1), (1, 2), (2, 3)]);
    let options = CampaignOptions::new(vec![post_by_adopters()], 10)
        .with_talk_periods(1)
        .with_decay_per_hop(0.5);
    let (adopted, seen) = run_recorded(&net, options, &[0]);
    assert_eq!(adopted, 4);
    let want: Vec<Seen> = (1..=3u32)
        .map(|v| Seen {
            receiver: v,
            sender: Some(v - 1),
            step: v,
            hops: v,
            strength: 0.5f64.powi(v as i32),
            polarity: Polarity::Positive,
            sponsorship: Sponsorship::Organic,
            negatives_before: 0,
        })
        .collect();
    assert_eq!(seen, want);
}

#[test]
fn a_business_and_advertising_speak_sponsored_messages() {
    // A business posts to 1; advertising from outside (no business in the
    // second network) reaches everyone: both are sponsored.
    let mut actors = vec![business()];
    actors.push(consumer(1.0));
    let net = graph(actors, &[(0, 1)]);
    let (_, seen) = run_recorded(&net, posts_by(Sender::Business), &[]);
    assert_eq!(seen.len(), 1);
    assert_eq!(
        (seen[0].sponsorship, seen[0].hops),
        (Sponsorship::Sponsored, 1)
    );

    // A paid leader's posts are sponsored, an organic leader's are not.
    for sponsorship in [Sponsorship::Sponsored, Sponsorship::Organic] {
        let leader =
            OpinionLeader::new(Profile::new(1.0, 1.0, 1.0, 1.0).unwrap(), sponsorship, 0.0)
                .unwrap();
        let net = graph(vec![leader.into(), consumer(1.0)], &[(0, 1)]);
        let (_, seen) = run_recorded(&net, posts_by(Sender::OpinionLeaders), &[]);
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].sponsorship, sponsorship);
    }

    let net = graph(vec![consumer(1.0); 3], &[]);
    let ad = Advertising::new(1.0, 1.0).unwrap();
    let options = CampaignOptions::new(vec![CampaignChannel::new(ad, Sender::Business)], 1);
    let (_, seen) = run_recorded(&net, options, &[]);
    assert_eq!(seen.len(), 3);
    assert!(
        seen.iter()
            .all(|s| s.sponsorship == Sponsorship::Sponsored && s.sender.is_none())
    );
}

/// Mean adopters (seeds included) over `runs` runs, and the mean of one
/// quantity.
fn means<S: Model>(
    net: &Network,
    model: &S,
    seeds: &[u32],
    runs: u64,
    q: Option<usize>,
) -> (Moments, Moments) {
    let mut sim = Simulation::new(net, model);
    let (mut adopted, mut quantity) = (Moments::default(), Moments::default());
    let mut buf = vec![0.0; model.quantity_names().len()];
    for run in 0..runs {
        let out = sim.run(seeds, MASTER, run, &mut ()).unwrap();
        adopted.push(out.adopted as f64);
        if let Some(i) = q {
            model.quantities(sim.state(), &mut buf);
            quantity.push(buf[i]);
        }
    }
    (adopted, quantity)
}

#[test]
fn relayed_strength_decays_along_a_path_as_documented() {
    // Path 0 -> 1 -> 2 -> 3, seed 0, one chance each, decay d: the message
    // reaching node k has strength (1 - d)^k, so P(k adopts) = Π_{j<=k} (1 - d)^j.
    let d = 0.3;
    let net = graph(vec![consumer(1.0); 4], &[(0, 1), (1, 2), (2, 3)]);
    let options = CampaignOptions::new(vec![post_by_adopters()], 10)
        .with_talk_periods(1)
        .with_decay_per_hop(d);
    let campaign = Campaign::new(&net, options).unwrap();
    let s = 1.0 - d;
    let exact = 1.0 + s + s * s.powi(2) + s * s.powi(2) * s.powi(3);
    let (adopted, _) = means(&net, &campaign, &[0], 40_000, None);
    adopted.check(exact, "path adopters under decay");
}

#[test]
fn sponsored_messages_lose_the_documented_discount() {
    // Out-star: a business (node 0) posts to k consumers every step of a
    // one-step campaign: each adopts with probability 1 - δ.
    let (k, delta) = (20usize, 0.35);
    let mut actors = vec![business()];
    actors.extend((0..k).map(|_| consumer(1.0)));
    let arcs: Vec<(usize, usize)> = (1..=k).map(|v| (0, v)).collect();
    let net = graph(actors, &arcs);
    let business = CampaignChannel::new(Post::new(1.0).unwrap(), Sender::Business);
    let options = CampaignOptions::new(vec![business.clone()], 1).with_sponsored_discount(delta);
    let campaign = Campaign::new(&net, options).unwrap();
    let (adopted, _) = means(&net, &campaign, &[], 4_000, None);
    adopted.check(k as f64 * (1.0 - delta), "sponsored star");
    // The same star with an organic consumer hub seeded: no discount.
    let mut actors = vec![consumer(1.0)];
    actors.extend((0..k).map(|_| consumer(1.0)));
    let net = graph(actors, &arcs);
    let options = CampaignOptions::new(vec![post_by_adopters()], 1).with_sponsored_discount(delta);
    let campaign = Campaign::new(&net, options).unwrap();
    let (adopted, _) = means(&net, &campaign, &[0], 200, None);
    adopted.check(1.0 + k as f64, "organic star");
}

#[test]
fn product_experience_on_a_star_gives_the_documented_talk() {
    // Out-star, hub 0 seeded, k leaves, one step, activity a, quality q,
    // complaint factor f: the hub is satisfied with probability q and then
    // posts (probability a) a positive message every leaf adopts; else it
    // posts (probability min(1, f a)) a negative one nobody adopts.
    let (k, a, q, f) = (10usize, 0.3, 0.6, 2.5);
    let mut actors = vec![consumer(a)];
    actors.extend((0..k).map(|_| consumer(1.0)));
    let arcs: Vec<(usize, usize)> = (1..=k).map(|v| (0, v)).collect();
    let net = graph(actors, &arcs);
    let mut experience = ExperienceOptions::new(q);
    experience.complaint_factor = Some(f);
    let options = CampaignOptions::new(vec![post_by_adopters()], 1).with_experience(experience);
    let campaign = Campaign::new(&net, options).unwrap();
    let names = campaign.quantity_names();
    assert_eq!(
        names[2..],
        [
            "deliveries:positive",
            "deliveries:negative",
            "net_sentiment"
        ]
    );
    let (adopted, negative) = means(&net, &campaign, &[0], 40_000, Some(3));
    adopted.check(1.0 + k as f64 * q * a, "adopters");
    negative.check(
        k as f64 * (1.0 - q) * (f * a).min(1.0),
        "negative deliveries",
    );
}

#[test]
fn negative_talk_heard_first_lowers_later_persuasion() {
    // Seeds 0 and 1 both post to node 2 in the same step (0 first). Each
    // seed is satisfied with probability q. Node 2 adopts when the first
    // message is positive, or when it is negative (heard first) and the
    // second positive, with probability 1 - λ:
    //   P = q + (1 - q) q (1 - λ).
    let (q, lambda) = (0.6, 0.5);
    let net = graph(vec![consumer(1.0); 3], &[(0, 2), (1, 2)]);
    let mut experience = ExperienceOptions::new(q);
    experience.negative_weight = Some(lambda);
    let options = CampaignOptions::new(vec![post_by_adopters()], 1).with_experience(experience);
    let campaign = Campaign::new(&net, options).unwrap();
    let (adopted, _) = means(&net, &campaign, &[0, 1], 40_000, None);
    adopted.check(2.0 + q + (1.0 - q) * q * (1.0 - lambda), "adopters");
    // Under the default λ = 1 a negative message heard first blocks.
    let options = CampaignOptions::new(vec![post_by_adopters()], 1)
        .with_experience(ExperienceOptions::new(q));
    let campaign = Campaign::new(&net, options).unwrap();
    let (adopted, _) = means(&net, &campaign, &[0, 1], 40_000, None);
    adopted.check(2.0 + q, "adopters under blocking");
}

#[test]
fn satisfaction_is_the_memory_and_drives_what_adopters_say() {
    let net = graph(vec![consumer(1.0); 2], &[(0, 1)]);
    let options = CampaignOptions::new(vec![post_by_adopters()], 1)
        .with_experience(ExperienceOptions::new(0.0));
    let campaign = Campaign::new(&net, options).unwrap();
    let mut sim = Simulation::new(&net, &campaign);
    sim.run(&[0], MASTER, 0, &mut ()).unwrap();
    assert_eq!(sim.state().memory(0), Some(&Satisfaction::Dissatisfied));
    assert_eq!(sim.state().memory(1), None);
    assert_eq!(sim.state().deliveries_by_valence(), (0, 1));
    assert_eq!(sim.state().net_sentiment(), Some(-1.0));
}

/// A story: mutual followers see it the step after it is posted.
#[derive(Debug)]
struct Story;

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
        for arc in network.forward().neighbors(out.sender) {
            deliver(Delivery::new(arc.node, f64::from(arc.value)).after(1));
        }
    }
}

#[test]
fn held_deliveries_arrive_later_and_not_after_the_horizon() {
    let net = graph(vec![consumer(1.0); 3], &[(0, 1), (1, 2)]);
    let options = CampaignOptions::new(vec![CampaignChannel::custom(Story, Sender::Adopters)], 10)
        .with_talk_periods(1);
    let campaign = Campaign::new(&net, options).unwrap();
    let mut sim = Simulation::new(&net, &campaign);
    let mut rec = Recorder::new();
    let out = sim.run(&[0], MASTER, 0, &mut rec).unwrap();
    // 0 posts at step 1, 1 sees it at step 2 and posts at step 3, 2 sees
    // it at step 4; then nothing is held and nobody talks.
    assert_eq!(out.adopted, 3);
    let steps: Vec<u32> = rec.cascade().iter().map(|e| e.step).collect();
    assert_eq!(steps, [0, 2, 4]);
    assert_eq!(out.steps, 4);
    // With a horizon of 1 the story posted at step 1 never arrives.
    let options = CampaignOptions::new(vec![CampaignChannel::custom(Story, Sender::Adopters)], 1);
    let campaign = Campaign::new(&net, options).unwrap();
    let out = Simulation::new(&net, &campaign)
        .run(&[0], MASTER, 0, &mut ())
        .unwrap();
    assert_eq!((out.adopted, out.exposed), (1, 1));
}

#[test]
fn custom_rules_refuse_options_only_the_standard_rules_read() {
    let net = graph(vec![consumer(1.0); 2], &[(0, 1)]);
    let make = |o: CampaignOptions| Campaign::new(&net, o).unwrap();
    let base = || CampaignOptions::new(vec![post_by_adopters()], 1);
    let e = make(base().with_sponsored_discount(0.2))
        .with_response(Recording::default())
        .unwrap_err();
    assert!(e.to_string().contains("sponsored_discount"), "{e}");
    let e = make(base().with_decay_per_hop(0.2))
        .with_voice(wom::propagation::composite::StandardVoice::<()>::default())
        .unwrap_err();
    assert!(e.to_string().contains("decay_per_hop"), "{e}");
    assert!(make(base()).with_response(Recording::default()).is_ok());
    // Out-of-range options are typed errors naming the field.
    for (o, field) in [
        (base().with_decay_per_hop(1.5), "decay_per_hop"),
        (base().with_sponsored_discount(-0.1), "sponsored_discount"),
        (
            base().with_experience(ExperienceOptions::new(2.0)),
            "quality",
        ),
    ] {
        let e = Campaign::new(&net, o).unwrap_err();
        assert!(e.to_string().contains(field), "{field}: {e}");
    }
    let _: Option<BuiltinChannel> = None;
}

/// The standard response without its shortcut: asked per delivery.
#[derive(Debug, Clone)]
struct Asking(StandardResponse);

impl<M: Message> Response<M> for Asking {
    fn persuasion(&self, r: &Reception<'_, M>) -> f64 {
        self.0.persuasion(r)
    }
    fn needs_history(&self) -> bool {
        false
    }
}

#[test]
fn the_standard_shortcut_gives_the_same_runs_as_asking_per_delivery() {
    // A business, ten paid leaders and consumers of varied profiles; posts,
    // advertising, private messages and comments; decay, a sponsored
    // discount and product experience (negative talk, which the shortcut
    // answers with f = 0). The shortcut must not change one draw.
    let n = 400;
    let mut actors = vec![business()];
    for i in 1..n {
        let x = (i as f64 * 0.618_033_988_7).fract();
        let profile = Profile::new(0.3 + 0.6 * x, 0.4 + 0.5 * x, 0.2 + 0.7 * (1.0 - x), 1.0);
        actors.push(if i <= 10 {
            OpinionLeader::new(profile.unwrap(), Sponsorship::Sponsored, 50.0)
                .unwrap()
                .into()
        } else {
            Consumer {
                profile: profile.unwrap(),
            }
            .into()
        });
    }
    let mut arcs = Vec::new();
    for i in 0..n {
        for m in [7, 13, 31] {
            arcs.push((i, (i * m + 1 + m) % n));
        }
        if i <= 10 {
            arcs.extend((1..40).map(|k| (i, (i * 17 + k * 9) % n)));
        }
    }
    arcs.retain(|&(u, v)| u != v);
    let net = graph(actors, &arcs);
    let options = CampaignOptions::new(
        vec![
            CampaignChannel::new(Post::new(0.6).unwrap(), Sender::Business),
            CampaignChannel::new(Advertising::new(0.02, 0.5).unwrap(), Sender::Business),
            CampaignChannel::new(Post::new(0.5).unwrap(), Sender::OpinionLeaders),
            CampaignChannel::new(
                PrivateMessage::new(0.9, RecipientChoice::Uniform).unwrap(),
                Sender::Adopters,
            ),
            CampaignChannel::new(Comment::new(0.4, 3).unwrap(), Sender::Adopters),
        ],
        12,
    )
    .with_talk_periods(3)
    .with_decay_per_hop(0.2)
    .with_experience(ExperienceOptions::new(0.7));
    let standard = StandardResponse {
        sponsored_discount: 0.3,
        negative_weight: 0.0,
    };
    let message = wom::WomMessage::new(wom::ProductId(0), wom::Valence::positive(), 1);
    let dispatch = Dispatch {
        network: &net,
        sender: Some(1),
        credibility: 0.5,
        channel: wom::ChannelId(0),
        message: &message,
        step: 1,
    };
    assert!(Response::shortcut(&standard, &dispatch).is_some());
    let fast = Campaign::new(&net, options.clone())
        .unwrap()
        .with_response(standard)
        .unwrap();
    let asking = Campaign::new(&net, options)
        .unwrap()
        .with_response(Asking(standard))
        .unwrap();
    let (mut a, mut b) = (Simulation::new(&net, &fast), Simulation::new(&net, &asking));
    let mut sizes = std::collections::BTreeSet::new();
    for run in 0..300 {
        let x = a.run(&[20, 30], MASTER, run, &mut ()).unwrap();
        let y = b.run(&[20, 30], MASTER, run, &mut ()).unwrap();
        assert_eq!(
            (x.adopted, x.exposed, x.steps),
            (y.adopted, y.exposed, y.steps),
            "run {run}"
        );
        let (s, t) = (a.state(), b.state());
        assert_eq!(
            s.adoptions_by_channel(),
            t.adoptions_by_channel(),
            "run {run}"
        );
        assert_eq!(s.adoptions_by_role(), t.adoptions_by_role(), "run {run}");
        assert_eq!(
            s.deliveries_by_channel(),
            t.deliveries_by_channel(),
            "run {run}"
        );
        assert_eq!(
            s.deliveries_by_valence(),
            t.deliveries_by_valence(),
            "run {run}"
        );
        sizes.insert(x.adopted);
    }
    // Runs differ from one another: the comparison has teeth.
    assert!(sizes.len() > 20, "{sizes:?}");
    assert!(
        *sizes.first().unwrap() > 2 && *sizes.last().unwrap() < n,
        "{sizes:?}"
    );
}

#[test]
fn talkers_who_stopped_make_room_without_losing_what_the_others_heard() {
    // Path 0 -> 1 -> ... -> 1999; seeds 0..1500 talk at step 1 only
    // (talk_periods 1) and stop together, 1,500 talkers at once, while the
    // one they persuaded (1500) talks on. Each adopter passes on what it
    // heard, so receiver v hears the message after v - 1499 hops.
    let (n, seeds) = (2000usize, 1500u32);
    let arcs: Vec<(usize, usize)> = (0..n - 1).map(|i| (i, i + 1)).collect();
    let net = graph(vec![consumer(1.0); n], &arcs);
    let options = CampaignOptions::new(
        vec![CampaignChannel::new(
            PrivateMessage::new(1.0, RecipientChoice::Uniform).unwrap(),
            Sender::Adopters,
        )],
        1000,
    )
    .with_talk_periods(1);
    let all: Vec<u32> = (0..seeds).collect();
    let (adopted, seen) = run_recorded(&net, options, &all);
    assert_eq!(adopted, n);
    assert_eq!(seen.len(), n - seeds as usize);
    for s in &seen {
        assert_eq!(s.hops, s.receiver - (seeds - 1), "{s:?}");
        assert_eq!(s.step, s.receiver - (seeds - 1), "{s:?}");
    }
}
