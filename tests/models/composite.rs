//! Campaigns: several channels and sender rules in one run, with every
//! adoption attributed to a channel and a sender role. Checked against
//! closed forms (advertising alone is binomial; talk windows), exact
//! deterministic runs, the attribution rule for simultaneous persuasions,
//! and bookkeeping identities on a generated network. Statistical checks use
//! 4 standard errors; every run is seeded.

use crate::common;
use petgraph::graph::NodeIndex;
use rand::Rng;
use wom::channel::{Advertising, BuiltinChannel, Post, PrivateMessage, RecipientChoice, Scope};
use wom::propagation::composite::{
    Campaign, CampaignChannel, CampaignOptions, CampaignState, Sender,
};
use wom::propagation::{Event, Model, Observer, Recorder, Simulation};
use wom::{
    BuiltinActor, BusinessOrganization, Channel, ChannelId, Consumer, Delivery, Error, Message,
    Network, OpinionLeader, Outgoing, Profile, SocialGraph, SocialTie, Sponsorship,
};

const MASTER: u64 = 0xCA4D_0003;

fn consumer(activity: f64, credibility: f64, susceptibility: f64) -> BuiltinActor {
    Consumer {
        profile: Profile::new(activity, credibility, susceptibility, 1.0).unwrap(),
    }
    .into()
}

fn leader(activity: f64, credibility: f64, susceptibility: f64) -> BuiltinActor {
    OpinionLeader::new(
        Profile::new(activity, credibility, susceptibility, 1.0).unwrap(),
        Sponsorship::Sponsored,
        0.0,
    )
    .unwrap()
    .into()
}

/// A graph of the given actors and full-trust follow arcs.
pub(crate) fn graph(actors: Vec<BuiltinActor>, arcs: &[(usize, usize)]) -> Network {
    let mut g: SocialGraph = SocialGraph::new();
    for (i, a) in actors.into_iter().enumerate() {
        g.add_actor(i as u64, a).unwrap();
    }
    for &(u, v) in arcs {
        g.add_tie(NodeIndex::new(u), NodeIndex::new(v), SocialTie::follow(1.0))
            .unwrap();
    }
    g.freeze().unwrap()
}

fn ch(channel: impl Into<BuiltinChannel>, senders: Sender) -> CampaignChannel {
    CampaignChannel::new(channel, senders)
}

fn check_binomial_mean(sum: f64, runs: f64, n: f64, p: f64, what: &str) {
    let mean = sum / runs;
    let se = (n * p * (1.0 - p) / runs).sqrt();
    assert!(
        (mean - n * p).abs() <= 4.0 * se,
        "{what}: mean {mean} vs {} (4 se = {})",
        n * p,
        4.0 * se
    );
}

// ------------------------------------------------- (a) advertising alone

#[test]
fn advertising_alone_gives_a_binomial_number_of_adopters() {
    // No arcs, susceptibility 1, share s, persuasion 1, no business node:
    // advertising comes from outside with credibility 1, so each node adopts
    // by step T with probability 1 - (1 - s)^T, independently.
    let (n, s, t) = (200usize, 0.05, 10u32);
    let net = graph((0..n).map(|_| consumer(0.2, 0.5, 1.0)).collect(), &[]);
    let campaign = Campaign::new(
        &net,
        CampaignOptions::new(
            vec![ch(Advertising::new(s, 1.0).unwrap(), Sender::Business)],
            t,
        )
        .with_talk_periods(1),
    )
    .unwrap();
    assert!(campaign.is_from_outside(ChannelId(0)));
    let mut sim = Simulation::new(&net, &campaign);
    let runs = 2_000;
    let (mut total, mut first_step) = (0.0, 0.0);
    for r in 0..runs {
        let mut rec = Recorder::new();
        let out = sim.run(&[], MASTER, r, &mut rec).unwrap();
        assert_eq!(out.steps, t);
        assert!(out.finished);
        total += out.adopted as f64;
        first_step += rec.new_adoptions_per_step()[1] as f64;
        let st = sim.state();
        assert_eq!(st.adoptions_from_outside(), out.adopted);
        assert_eq!(st.adoptions_by_channel(), [out.adopted]);
        assert!(rec.cascade().iter().all(|e| e.sender.is_none()));
    }
    let p = 1.0 - (1.0 - s).powi(t as i32);
    check_binomial_mean(total, runs as f64, n as f64, p, "adopters after T steps");
    check_binomial_mean(first_step, runs as f64, n as f64, s, "adopters at step 1");
}

#[test]
fn advertising_by_a_business_node_carries_its_credibility() {
    // With a business account (credibility 0.4, never persuaded itself) the
    // ad persuades with probability share × 0.4 per step.
    let (n, s, t) = (200usize, 0.1, 5u32);
    let mut actors: Vec<BuiltinActor> = (0..n).map(|_| consumer(0.2, 0.5, 1.0)).collect();
    actors.push(BusinessOrganization::new("Acme").into());
    let net = graph(actors, &[]);
    let campaign = Campaign::new(
        &net,
        CampaignOptions::new(
            vec![ch(Advertising::new(s, 1.0).unwrap(), Sender::Business)],
            t,
        ),
    )
    .unwrap();
    assert_eq!(campaign.fixed_senders(ChannelId(0)), [n as u32]);
    let business = net.role_id("business").unwrap();
    let mut sim = Simulation::new(&net, &campaign);
    let runs = 2_000;
    let mut total = 0.0;
    for r in 0..runs {
        let out = sim.run(&[], MASTER, r, &mut ()).unwrap();
        total += out.adopted as f64;
        let st = sim.state();
        assert!(!st.is_adopted(n as u32));
        assert_eq!(st.adoptions_by_role()[business.0 as usize], out.adopted);
    }
    let p = 1.0 - (1.0 - 0.4 * s).powi(t as i32);
    check_binomial_mean(total, runs as f64, n as f64, p, "adopters");
}

// ----------------------------------------------------- talk windows

#[test]
fn talk_window_sets_how_many_chances_an_adopter_has() {
    // Seed 0 (activity a) messages its only follower 1 (susceptibility 1)
    // with persuasion 1: 1 adopts by step T with 1 - (1 - a)^min(k, T)
    // under talk_periods = Some(k), 1 - (1 - a)^T under None.
    let a = 0.3;
    let net = graph(
        vec![consumer(a, 1.0, 1.0), consumer(a, 1.0, 1.0)],
        &[(0, 1)],
    );
    let t = 6;
    for (periods, chances) in [(Some(2), 2), (None, 6), (Some(10), 6), (Some(0), 0)] {
        let campaign = Campaign::new(&net, {
            let mut o = CampaignOptions::new(
                vec![ch(
                    PrivateMessage::new(1.0, RecipientChoice::Uniform).unwrap(),
                    Sender::Adopters,
                )],
                t,
            );
            o.talk_periods = periods;
            o
        })
        .unwrap();
        let mut sim = Simulation::new(&net, &campaign);
        let runs = 20_000;
        let mut hits = 0.0;
        for r in 0..runs {
            let out = sim.run(&[0], MASTER, r, &mut ()).unwrap();
            hits += (out.adopted - 1) as f64;
        }
        let p = 1.0 - (1.0 - a).powi(chances);
        if chances == 0 {
            assert_eq!(hits, 0.0);
        } else {
            check_binomial_mean(hits, runs as f64, 1.0, p, &format!("{periods:?}"));
        }
    }
}

// --------------------------------------- (c) deterministic, exact answers

/// Records deactivations.
#[derive(Default)]
struct Stops(Vec<(u32, u32)>);

impl Observer for Stops {
    fn deactivated(&mut self, node: u32, step: u32) {
        self.0.push((node, step));
    }
}

#[test]
fn certain_settings_give_an_exact_run() {
    // Leader 0 posts to 1 and 2; 1 messages 3; 3 messages 4. Everyone has
    // activity, credibility and susceptibility 1 (the leader 0: not
    // persuadable); talk_periods 1.
    let net = graph(
        vec![
            leader(1.0, 1.0, 0.0),
            consumer(1.0, 1.0, 1.0),
            consumer(1.0, 1.0, 1.0),
            consumer(1.0, 1.0, 1.0),
            consumer(1.0, 1.0, 1.0),
        ],
        &[(0, 1), (0, 2), (1, 3), (3, 4)],
    );
    let campaign = Campaign::new(
        &net,
        CampaignOptions::new(
            vec![
                ch(Post::new(1.0).unwrap(), Sender::OpinionLeaders),
                ch(
                    PrivateMessage::new(1.0, RecipientChoice::Uniform).unwrap(),
                    Sender::AdoptersOfRole("consumer".into()),
                ),
            ],
            10,
        )
        .with_talk_periods(1),
    )
    .unwrap();
    let mut sim = Simulation::new(&net, &campaign);
    let mut rec = Recorder::new();
    let mut stops = Stops::default();
    let out = sim.run(&[], 42, 0, &mut (&mut rec, &mut stops)).unwrap();
    let link = |node, sender, channel, step| Event {
        node,
        sender: Some(sender),
        channel: ChannelId(channel),
        step,
    };
    assert_eq!(
        rec.cascade(),
        [
            link(1, 0, 0, 1),
            link(2, 0, 0, 1),
            link(3, 1, 1, 2),
            link(4, 3, 1, 3)
        ]
    );
    // The leader keeps posting until the horizon.
    assert_eq!(out.steps, 10);
    assert_eq!((out.adopted, out.exposed), (4, 4));
    assert_eq!(stops.0, [(1, 2), (2, 2), (3, 3), (4, 4)]);
    let st = sim.state();
    assert_eq!(st.adoptions_by_channel(), [2, 2]);
    let role = |name| net.role_id(name).unwrap().0 as usize;
    assert_eq!(st.adoptions_by_role()[role("opinion_leader")], 2);
    assert_eq!(st.adoptions_by_role()[role("consumer")], 2);
    let doc = st.attribution(&campaign, &net);
    assert_eq!(doc.by_channel[1].name, "private_message");
    assert_eq!(doc.by_channel[1].adoptions, 2);
    let text = serde_json::to_string(&doc).unwrap();
    assert_eq!(
        serde_json::from_str::<wom::propagation::composite::Attribution>(&text).unwrap(),
        doc
    );

    // Without a fixed sender the run ends once the last talker is done:
    // seed 1 talks at step 1 (3 adopts), 3 at step 2 (4 adopts), 4 at
    // step 3 to nobody.
    let word_of_mouth = Campaign::new(
        &net,
        CampaignOptions::new(
            vec![ch(
                PrivateMessage::new(1.0, RecipientChoice::Uniform).unwrap(),
                Sender::Adopters,
            )],
            10,
        )
        .with_talk_periods(1),
    )
    .unwrap();
    let mut sim = Simulation::new(&net, &word_of_mouth);
    let out = sim.run(&[1], 42, 0, &mut ()).unwrap();
    assert_eq!((out.adopted, out.steps, out.finished), (3, 3, true));
}

#[test]
fn simultaneous_persuasions_are_attributed_uniformly() {
    // Node 2 (susceptibility 1) is persuaded at step 1 by an ad from outside
    // (share 1) and by the posts of leaders 0 and 1, all with probability 1.
    // The attribution picks one of the three uniformly: the ad with 1/3.
    let net = graph(
        vec![
            leader(1.0, 1.0, 0.0),
            leader(1.0, 1.0, 0.0),
            consumer(1.0, 1.0, 1.0),
        ],
        &[(0, 2), (1, 2)],
    );
    let campaign = Campaign::new(
        &net,
        CampaignOptions::new(
            vec![
                ch(Advertising::new(1.0, 1.0).unwrap(), Sender::Outside),
                ch(Post::new(1.0).unwrap(), Sender::OpinionLeaders),
            ],
            1,
        )
        .with_talk_periods(1),
    )
    .unwrap();
    let mut sim = Simulation::new(&net, &campaign);
    let runs = 30_000;
    let (mut ads, mut from_leader_0) = (0.0, 0.0);
    for r in 0..runs {
        let mut rec = Recorder::new();
        sim.run(&[], MASTER, r, &mut rec).unwrap();
        assert_eq!(rec.cascade().len(), 1);
        let e = rec.cascade()[0];
        assert_eq!(e.node, 2);
        ads += f64::from(u8::from(e.channel == ChannelId(0)));
        from_leader_0 += f64::from(u8::from(e.sender == Some(0)));
    }
    check_binomial_mean(ads, runs as f64, 1.0, 1.0 / 3.0, "ads");
    check_binomial_mean(from_leader_0, runs as f64, 1.0, 1.0 / 3.0, "leader 0");
}

// ------------------------------------- (b) attribution on a real network

fn marketing_network() -> Network {
    common::marketing_network(400, 17)
}

fn marketing_campaign(net: &Network) -> Campaign {
    Campaign::new(
        net,
        CampaignOptions::new(
            vec![
                ch(Advertising::new(0.01, 0.8).unwrap(), Sender::Business),
                ch(Post::new(0.9).unwrap(), Sender::OpinionLeaders),
                ch(
                    PrivateMessage::new(1.0, RecipientChoice::ByTrust).unwrap(),
                    Sender::AdoptersOfRole("consumer".into()),
                ),
                ch(Post::new(0.5).unwrap(), Sender::Adopters),
            ],
            15,
        )
        .with_talk_periods(3),
    )
    .unwrap()
}

#[test]
fn attribution_adds_up_and_names_the_right_senders() {
    let net = marketing_network();
    let campaign = marketing_campaign(&net);
    let names = campaign.channel_names();
    assert_eq!(names, ["advertising", "post", "private_message", "post_2"]);
    let role_of = |u: u32| net.role_name(net.role(u)).unwrap().to_string();
    let seeds = [5u32, 50, 150, 250];
    let mut sim = Simulation::new(&net, &campaign);
    let mut total_attributed = [0usize; 4];
    for r in 0..100 {
        let mut rec = Recorder::new();
        let out = sim.run(&seeds, MASTER, r, &mut rec).unwrap();
        let st: &CampaignState = sim.state();
        assert_eq!(out.adopted, st.adopted());
        assert_eq!(out.exposed, st.exposed());
        assert_eq!(st.seeds(), seeds.len());
        let attributed = out.adopted - seeds.len();
        assert_eq!(st.adoptions_by_channel().iter().sum::<usize>(), attributed);
        assert_eq!(
            st.adoptions_by_role().iter().sum::<usize>() + st.adoptions_from_outside(),
            attributed
        );
        assert_eq!(st.adoptions_from_outside(), 0, "the business sends the ads");
        // The cascade agrees with the state, link by link.
        assert_eq!(rec.cascade().len(), out.adopted);
        let mut step_of = vec![u32::MAX; net.node_count()];
        let mut by_channel = vec![0usize; names.len()];
        let mut by_role = vec![0usize; net.role_names().len()];
        for e in rec.cascade() {
            step_of[e.node as usize] = e.step;
            if e.step == 0 {
                assert!(seeds.contains(&e.node) && e.sender.is_none());
                continue;
            }
            let c = usize::from(e.channel.0);
            assert!(c < names.len(), "channel {c} out of range");
            by_channel[c] += 1;
            let s = e.sender.expect("every channel here has a sender node");
            by_role[net.role(s).0 as usize] += 1;
            match names[c].as_str() {
                "advertising" => assert_eq!(role_of(s), "business"),
                "post" => assert_eq!(role_of(s), "opinion_leader"),
                "private_message" | "post_2" => {
                    if names[c] == "private_message" {
                        assert_eq!(role_of(s), "consumer");
                    }
                    // Adopter senders talk in the 3 steps after adopting.
                    let since = e.step - step_of[s as usize];
                    assert!(
                        (1..=3).contains(&since),
                        "talked {since} steps after adopting"
                    );
                }
                other => panic!("unexpected channel {other}"),
            }
        }
        assert_eq!(by_channel, st.adoptions_by_channel());
        assert_eq!(by_role, st.adoptions_by_role());
        for (t, c) in total_attributed.iter_mut().zip(st.adoptions_by_channel()) {
            *t += c;
        }
        let doc = st.attribution(&campaign, &net);
        assert_eq!(doc.by_channel.len(), 4);
        assert_eq!(doc.adopted, out.adopted);
    }
    // Every channel did some persuading over the ensemble.
    assert!(
        total_attributed.iter().all(|&c| c > 0),
        "{total_attributed:?}"
    );
}

#[test]
fn same_seed_same_run_different_seed_differs() {
    let net = marketing_network();
    let campaign = marketing_campaign(&net);
    let run = |master: u64, index: u64| {
        let mut sim = Simulation::new(&net, &campaign);
        let mut rec = Recorder::new();
        sim.run(&[1, 2, 3], master, index, &mut rec).unwrap();
        (rec, sim.state().attribution(&campaign, &net))
    };
    assert_eq!(run(7, 3), run(7, 3));
    assert_ne!(run(7, 3).0, run(8, 3).0);
    // Reusing one engine gives the same as a fresh one.
    let mut sim = Simulation::new(&net, &campaign);
    for i in 0..3 {
        sim.run(&[1, 2, 3], 7, i, &mut ()).unwrap();
    }
    let mut rec = Recorder::new();
    sim.run(&[1, 2, 3], 7, 3, &mut rec).unwrap();
    assert_eq!(rec, run(7, 3).0);
}

// ------------------------------------------- parameters and documents

#[test]
fn invalid_campaigns_are_typed_errors() {
    let net = graph(vec![consumer(0.5, 0.5, 0.5); 3], &[(0, 1)]);
    let bad = |channels: Vec<CampaignChannel>, horizon| {
        Campaign::new(&net, CampaignOptions::new(channels, horizon)).unwrap_err()
    };
    assert!(matches!(
        bad(vec![], 5),
        Error::InvalidParameter { ref name, .. } if name == "channels"
    ));
    let post = || ch(Post::new(1.0).unwrap(), Sender::Adopters);
    assert!(matches!(
        bad(vec![post()], 0),
        Error::InvalidParameter { ref name, .. } if name == "horizon"
    ));
    assert!(matches!(
        bad(vec![ch(Post::new(1.0).unwrap(), Sender::Outside)], 5),
        Error::InvalidParameter { ref name, .. } if name == "senders"
    ));
}

#[test]
fn campaigns_are_documents() {
    let doc = r#"{
        "channels": [
            {"channel": {"kind": "advertising", "share": 0.1, "persuasion": 1.0}, "senders": "business"},
            {"channel": {"kind": "post", "persuasion": 0.5}, "senders": "opinion_leaders"},
            {"channel": {"kind": "private_message", "persuasion": 1.0}, "senders": {"adopters_of_role": "consumer"}},
            {"channel": {"kind": "post", "persuasion": 0.2}, "senders": {"role": "bot"}}
        ],
        "horizon": 5
    }"#;
    let options: CampaignOptions = serde_json::from_str(doc).unwrap();
    assert_eq!(options.talk_periods, None);
    assert_eq!(options.channels[3].senders, Sender::Role("bot".into()));
    let text = serde_json::to_string(&options).unwrap();
    assert_eq!(
        serde_json::from_str::<CampaignOptions>(&text).unwrap(),
        options
    );
    // Channel parameters are validated when read.
    let bad = doc.replace("\"share\": 0.1", "\"share\": 1.5");
    assert!(serde_json::from_str::<CampaignOptions>(&bad).is_err());
    // A role no node has is refused as a typo, naming the roles there are.
    let net = graph(vec![consumer(0.5, 0.5, 0.5); 3], &[(0, 1)]);
    let err = Campaign::new(&net, options.clone()).unwrap_err();
    assert!(err.to_string().contains("bot"), "{err}");
    let mut options = options;
    options.channels[3].senders = Sender::Role("consumer".into());
    // The names are disambiguated.
    let campaign = Campaign::new(&net, options).unwrap();
    assert_eq!(
        campaign.channel_names(),
        ["advertising", "post", "private_message", "post_2"]
    );
    assert_eq!(campaign.fixed_senders(ChannelId(3)).len(), 3);
}

// ------------------------------------- a channel from a downstream crate

/// Everybody hears the sender, with full weight (a push notification).
#[derive(Debug, Clone)]
struct Notify;

impl Channel for Notify {
    fn name(&self) -> &str {
        "notify"
    }
    fn scope(&self) -> Scope {
        Scope::OffGraph
    }
    fn deliver<M: Message, R: Rng + ?Sized, F: FnMut(Delivery)>(
        &self,
        network: &Network,
        out: &Outgoing<'_, M>,
        _rng: &mut R,
        mut deliver: F,
    ) {
        let sender = out.sender;
        for v in 0..network.node_count() as u32 {
            if v != sender {
                deliver(Delivery::new(v, 1.0));
            }
        }
    }
}

#[test]
fn a_downstream_channel_runs_in_a_campaign() {
    let net = graph(vec![consumer(1.0, 1.0, 1.0); 5], &[]);
    let campaign: Campaign<Notify> = Campaign::new(
        &net,
        CampaignOptions::new(vec![CampaignChannel::custom(Notify, Sender::Outside)], 3),
    )
    .unwrap();
    assert!(campaign.is_from_outside(ChannelId(0)));
    let mut sim = Simulation::new(&net, &campaign);
    let out = sim.run(&[], 1, 0, &mut ()).unwrap();
    // Everyone adopts at step 1; the run stops as nobody is left.
    assert_eq!((out.adopted, out.steps), (5, 1));
    assert_eq!(sim.state().adoptions_from_outside(), 5);
}

#[test]
fn talk_windows_handed_over_out_of_order_still_end_on_time() {
    // Isolated nodes, so that nothing but the talk windows happens. Seed 0
    // talks until step 3; node 1, handed over at step 2, until 5; node 2,
    // handed over late for step 1, until 4: its window ends before that of
    // the talker added before it, and each still stops at the end of its
    // own last step, in the order they were added.
    use wom::propagation::{Joint, StepOutcome};
    let net = graph(vec![consumer(1.0, 1.0, 1.0); 3], &[]);
    let options = CampaignOptions::new(
        vec![ch(
            PrivateMessage::new(1.0, RecipientChoice::Uniform).unwrap(),
            Sender::Adopters,
        )],
        10,
    )
    .with_talk_periods(3);
    let campaign = Campaign::new(&net, options).unwrap();
    let mut state = campaign.new_state(&net);
    let mut rng = wom::rng::stream_rng(MASTER, 0);
    let mut stops = Stops::default();
    campaign.start(&net, &mut state, &[0], &mut rng, &mut stops);
    let mut outcomes = Vec::new();
    for step in 1..=6 {
        outcomes.push(campaign.step(&net, &mut state, step, &mut rng, &mut stops));
        if step == 2 {
            campaign.adopt_external(&net, &mut state, 1, 2);
            campaign.adopt_external(&net, &mut state, 2, 1);
        }
    }
    assert_eq!(stops.0, [(0, 3), (2, 4), (1, 5)]);
    assert_eq!(outcomes[4], StepOutcome::Finished, "{outcomes:?}");
    assert_eq!(state.adopted(), 3);
}

#[test]
fn a_channel_budget_silences_the_channel_once_spent() {
    // Two advertising channels from outside, one burst per step of 8: at
    // 10 a burst a budget of 25 buys two; at 4 a burst a budget of 10 buys
    // two; a third channel without a budget sends every step.
    let net = graph(vec![consumer(1.0, 1.0, 0.0); 20], &[]);
    let ads = |cost: f64| {
        Advertising::new(0.5, 1.0)
            .unwrap()
            .with_cost_per_message(cost)
            .unwrap()
    };
    let options = CampaignOptions::new(
        vec![
            ch(ads(10.0), Sender::Outside).with_budget(25.0),
            ch(ads(4.0), Sender::Outside).with_budget(10.0),
            ch(ads(1.0), Sender::Outside),
        ],
        8,
    );
    let campaign = Campaign::new(&net, options.clone()).unwrap();
    let mut sim = Simulation::new(&net, &campaign);
    for run in 0..20 {
        sim.run(&[], MASTER, run, &mut ()).unwrap();
        assert_eq!(sim.state().messages_by_channel(), [2, 2, 8], "run {run}");
        assert_eq!(campaign.spend(sim.state()), 36.0);
    }
    // A budget that is an exact multiple buys exactly that many.
    let mut exact = options.clone();
    exact.channels[0].budget = Some(30.0);
    let campaign = Campaign::new(&net, exact).unwrap();
    let mut sim = Simulation::new(&net, &campaign);
    sim.run(&[], MASTER, 0, &mut ()).unwrap();
    assert_eq!(sim.state().messages_by_channel()[0], 3);
    // A negative budget is refused, naming the channel.
    let mut bad = options;
    bad.channels[1].budget = Some(-1.0);
    let e = Campaign::new(&net, bad).unwrap_err().to_string();
    assert!(e.contains("channels[1].budget"), "{e}");
}
