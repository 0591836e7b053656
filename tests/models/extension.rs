//! Extension from outside: a downstream crate adds a role (a skeptic who
//! adopts only after hearing from two different people), a channel (close
//! friends: mutual ties only) and a model (a two-source cascade over any
//! channel), using only wom's public API, and runs them together with the
//! built-ins (actors, `Post`, `IndependentCascade`, `Simulation`,
//! `Recorder`, observers). It also writes a fast kernel of its own, an
//! independent cascade with uniform p, from the public kernel helpers
//! (`extension/uniform_cascade.rs`, shared with the benches).

use rand::Rng;
use wom::channel::Post;
use wom::propagation::{
    Event, IndependentCascade, Model, Observer, Recorder, Simulation, StepOutcome,
    exposed_and_adopted,
};
use wom::rng::{below, stream_rng};
use wom::{
    Actor, BuiltinChannel, Channel, ChannelId, Consumer, Delivery, Message, Network, OpinionLeader,
    Outgoing, ProductId, Profile, SocialGraph, SocialTie, Valence, WomMessage,
};

#[path = "extension/uniform_cascade.rs"]
mod uniform_cascade;
use uniform_cascade::UniformCascade;

/// The downstream crate's roles: the built-ins plus a skeptic.
#[derive(Debug, Clone)]
enum MyRole {
    Consumer(Consumer),
    Leader(OpinionLeader),
    Skeptic,
}

impl Actor for MyRole {
    fn role(&self) -> &str {
        match self {
            MyRole::Consumer(c) => c.role(),
            MyRole::Leader(l) => l.role(),
            MyRole::Skeptic => "skeptic",
        }
    }
    fn profile(&self) -> Profile {
        match self {
            MyRole::Consumer(c) => c.profile(),
            MyRole::Leader(l) => l.profile(),
            // Everyone notices a skeptic's rare posts; nobody else matters here.
            MyRole::Skeptic => Profile::new(0.1, 0.9, 1.0, 1.0).expect("valid profile"),
        }
    }
}

/// A channel of its own: a message to every mutual friend.
#[derive(Debug)]
struct CloseFriends;

impl Channel for CloseFriends {
    fn name(&self) -> &str {
        "close_friends"
    }
    fn deliver<M: Message, R: Rng + ?Sized, F: FnMut(Delivery)>(
        &self,
        network: &Network,
        out: &Outgoing<'_, M>,
        _rng: &mut R,
        mut deliver: F,
    ) {
        let sender = out.sender;
        for arc in network.forward().neighbors(sender) {
            let mutual = network
                .forward()
                .neighbors(arc.node)
                .iter()
                .any(|back| back.node == sender);
            if mutual && arc.node != sender {
                deliver(Delivery::new(arc.node, f64::from(arc.value)));
            }
        }
    }
}

/// A model of its own: every adopter talks once, the step after it
/// adopts, through channel `C`. A receiver adopts with probability equal to
/// the delivery's weight, except skeptics, who adopt only once two different
/// senders have reached them (then with certainty).
#[derive(Debug)]
struct TwoSourceCascade<C> {
    channel: C,
    skeptic: Option<wom::RoleId>,
}

#[derive(Debug, Default)]
struct TwoSourceState {
    adopted: Vec<bool>,
    first_sender: Vec<Option<u32>>,
    talkers: Vec<u32>,
    next: Vec<u32>,
    /// Deliveries of one sender, collected before deciding (the channel
    /// holds the generator while it delivers). Reused, not reallocated.
    inbox: Vec<Delivery>,
}

impl<C: Channel> TwoSourceCascade<C> {
    fn new(network: &Network, channel: C) -> Self {
        TwoSourceCascade {
            channel,
            skeptic: network.role_id("skeptic"),
        }
    }
}

impl<C: Channel> Model for TwoSourceCascade<C> {
    type State = TwoSourceState;

    fn name(&self) -> &str {
        "two_source_cascade"
    }

    fn new_state(&self, network: &Network) -> TwoSourceState {
        let n = network.node_count();
        TwoSourceState {
            adopted: vec![false; n],
            first_sender: vec![None; n],
            talkers: Vec::new(),
            next: Vec::new(),
            inbox: Vec::new(),
        }
    }

    fn start<R: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        _network: &Network,
        state: &mut TwoSourceState,
        seeds: &[u32],
        _rng: &mut R,
        observer: &mut O,
    ) {
        state.adopted.iter_mut().for_each(|a| *a = false);
        state.first_sender.iter_mut().for_each(|s| *s = None);
        state.talkers.clear();
        for &s in seeds {
            state.adopted[s as usize] = true;
            state.talkers.push(s);
            exposed_and_adopted(observer, &Event::seed(s));
        }
    }

    fn step<R: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        network: &Network,
        state: &mut TwoSourceState,
        step: u32,
        rng: &mut R,
        observer: &mut O,
    ) -> StepOutcome {
        let TwoSourceState {
            adopted,
            first_sender,
            talkers,
            next,
            inbox,
        } = state;
        for &u in talkers.iter() {
            inbox.clear();
            let message = WomMessage::new(ProductId(0), Valence::positive(), u);
            let out = Outgoing {
                sender: u,
                step,
                channel: ChannelId(0),
                message: &message,
            };
            self.channel.deliver(network, &out, rng, |d| inbox.push(d));
            for d in inbox.iter() {
                let v = d.recipient;
                if adopted[v as usize] {
                    continue;
                }
                let e = Event {
                    node: v,
                    sender: Some(u),
                    channel: ChannelId(0),
                    step,
                };
                let skeptic = Some(network.role(v)) == self.skeptic;
                let adopts = if skeptic {
                    match first_sender[v as usize] {
                        None => {
                            first_sender[v as usize] = Some(u);
                            observer.exposed(&e);
                            false
                        }
                        Some(first) => first != u,
                    }
                } else {
                    if first_sender[v as usize].is_none() {
                        first_sender[v as usize] = Some(u);
                        observer.exposed(&e);
                    }
                    wom::rng::bernoulli(&mut *rng, d.weight)
                };
                if adopts {
                    adopted[v as usize] = true;
                    next.push(v);
                    observer.adopted(&e);
                }
            }
        }
        std::mem::swap(talkers, next);
        next.clear();
        if talkers.is_empty() {
            StepOutcome::Finished
        } else {
            StepOutcome::Active
        }
    }

    fn channel_names(&self) -> Vec<String> {
        vec![self.channel.name().to_string()]
    }
}

/// Leader 0 and consumer 1 are mutual friends of skeptic 2 and of consumer
/// 3; everything with full trust.
fn network() -> Network {
    let mut g: SocialGraph<MyRole, SocialTie> = SocialGraph::new();
    let leader = g
        .add_actor("leader", MyRole::Leader(OpinionLeader::default()))
        .unwrap();
    let c1 = g
        .add_actor("c1", MyRole::Consumer(Consumer::default()))
        .unwrap();
    let skeptic = g.add_actor("skeptic", MyRole::Skeptic).unwrap();
    let c3 = g
        .add_actor("c3", MyRole::Consumer(Consumer::default()))
        .unwrap();
    for (a, b) in [(leader, skeptic), (c1, skeptic), (leader, c3)] {
        g.add_mutual_tie(a, b, SocialTie::friendship(1.0)).unwrap();
    }
    g.freeze().unwrap()
}

#[test]
fn skeptic_needs_two_different_sources() {
    let net = network();
    assert_eq!(net.role_name(net.role(2)), Some("skeptic"));
    let model = TwoSourceCascade::new(&net, CloseFriends);
    let mut sim = Simulation::new(&net, &model);

    // One source: the leader reaches the skeptic and consumer 3; only 3
    // adopts (weight 1). 3 then talks back to the leader, who has adopted.
    let mut rec = Recorder::new();
    let out = sim.run(&[0], 1, 0, &mut rec).unwrap();
    assert_eq!(out.adopted, 2);
    assert_eq!(out.exposed, 3);
    let adopters: Vec<u32> = rec.cascade().iter().map(|e| e.node).collect();
    assert_eq!(adopters, [0, 3]);

    // Two sources: the leader and consumer 1 both reach the skeptic.
    let out = sim.run(&[0, 1], 1, 1, &mut rec).unwrap();
    assert_eq!(out.adopted, 4);
    let skeptic = rec.cascade().iter().find(|e| e.node == 2).unwrap();
    assert_eq!((skeptic.step, skeptic.sender), (1, Some(1)));
}

#[test]
fn own_strategy_runs_with_builtin_channels_and_beside_builtin_strategies() {
    let net = network();
    // The downstream model over a built-in channel: a post, noticed with
    // the sender's audience attention (the leader's default is 0.7).
    let post: BuiltinChannel = Post::new(1.0).unwrap().into();
    let with_post = TwoSourceCascade::new(&net, post);
    assert_eq!(with_post.channel_names(), ["post"]);
    let mut sim = Simulation::new(&net, with_post);
    let runs = 4_000u64;
    let mut c3 = 0u64;
    let mut rec = Recorder::new();
    for run in 0..runs {
        sim.run(&[0], 9, run, &mut rec).unwrap();
        c3 += rec.cascade().iter().any(|e| e.node == 3) as u64;
        // The skeptic can never adopt from one source.
        assert!(rec.cascade().iter().all(|e| e.node != 2));
    }
    // Consumer 3 adopts iff it notices the leader's post: Binomial(runs, 0.7).
    let sd = (runs as f64 * 0.7 * 0.3).sqrt();
    assert!((c3 as f64 - 0.7 * runs as f64).abs() < 4.0 * sd, "{c3}");

    // A built-in model on the same network with the downstream roles,
    // observed by a tuple of a recorder and a counting observer of our own.
    #[derive(Default)]
    struct Steps(u32);
    impl Observer for Steps {
        fn step_ends(&mut self, _: u32) {
            self.0 += 1;
        }
    }
    let ic = IndependentCascade::uniform(&net, 1.0).unwrap();
    let mut sim = Simulation::new(&net, &ic);
    let mut both = (Recorder::new(), Steps::default());
    let out = sim.run(&[2], 3, 0, &mut both).unwrap();
    assert_eq!(out.adopted, 4);
    assert_eq!(both.0.adopted(), 4);
    assert_eq!(both.1.0, out.steps + 1);
}

/// A random multigraph: 300 nodes, 3000 arcs, self-loops and parallel arcs
/// included.
fn random_network(seed: u64) -> Network {
    let mut rng = stream_rng(seed, 0);
    let arcs: Vec<(u32, u32, f64)> = (0..3000)
        .map(|_| {
            (
                below(&mut rng, 300) as u32,
                below(&mut rng, 300) as u32,
                1.0,
            )
        })
        .collect();
    Network::from_arcs(300, arcs).unwrap()
}

#[test]
fn downstream_kernel_from_the_public_helpers_matches_the_builtin_cascade() {
    let net = random_network(17);
    let seeds = [0, 1, 2, 3, 4];
    for p in [0.0, 0.05, 0.1, 0.3, 1.0] {
        let mine = UniformCascade::new(p).unwrap();
        let builtin = IndependentCascade::uniform(&net, p).unwrap();
        let mut a = Simulation::new(&net, mine);
        let mut b = Simulation::new(&net, &builtin);
        let (mut ra, mut rb) = (Recorder::new(), Recorder::new());
        for run in 0..50 {
            let oa = a.run(&seeds, 5, run, &mut ra).unwrap();
            let ob = b.run(&seeds, 5, run, &mut rb).unwrap();
            assert_eq!(oa, ob, "p = {p}, run {run}");
            assert_eq!(ra.cascade(), rb.cascade(), "p = {p}, run {run}");
        }
    }
    // Pinned: the same draws, so the same adopters, as the built-in.
    let mut sim = Simulation::new(&net, UniformCascade::new(0.1).unwrap());
    let total: usize = (0..100)
        .map(|run| sim.run(&seeds, 5, run, &mut ()).unwrap().adopted)
        .sum();
    assert_eq!(total, PINNED_TOTAL);
    assert!(UniformCascade::new(1.5).is_err());
}

const PINNED_TOTAL: usize = 4068;
