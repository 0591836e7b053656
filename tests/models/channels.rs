//! Channels: who receives a message, and how strongly, checked exactly where
//! the answer is determined and statistically (4 standard errors, from the
//! number of draws) where it is random.

use approx::assert_relative_eq;
use wom::channel::{Advertising, Comment, Forum, Post, PrivateMessage, RecipientChoice, Scope};
use wom::rng::stream_rng;
use wom::{BuiltinChannel, Channel, Consumer, Error, Network, Profile, SocialGraph, SocialTie};

/// Asserts that `count` successes in `n` trials fit probability `p` within 4
/// standard deviations of the binomial.
fn assert_binomial(count: u64, n: u64, p: f64) {
    let mean = n as f64 * p;
    let sd = (n as f64 * p * (1.0 - p)).sqrt();
    assert!(
        (count as f64 - mean).abs() <= 4.0 * sd + 1e-9,
        "count {count} of {n}, expected {mean} +- 4 x {sd}"
    );
}

/// A star: node 0 is heard by 1..=4 with trusts 0.1, 0.2, 0.3, 0.4, plus a
/// self-loop on 0 that must never be a recipient.
fn star() -> Network {
    Network::from_arcs(
        5,
        [
            (0, 1, 0.1),
            (0, 2, 0.2),
            (0, 3, 0.3),
            (0, 4, 0.4),
            (0, 0, 1.0),
        ],
    )
    .unwrap()
}

#[test]
fn private_message_reaches_one_follower_uniformly() {
    let net = star();
    let ch = PrivateMessage::new(0.5, RecipientChoice::Uniform).unwrap();
    let mut rng = stream_rng(11, 0);
    let draws = 40_000u64;
    let mut counts = [0u64; 5];
    for _ in 0..draws {
        let got = ch.receivers(&net, 0, &mut rng);
        assert_eq!(got.len(), 1);
        let d = got[0];
        assert_ne!(d.recipient, 0);
        assert_relative_eq!(
            d.weight,
            0.5 * f64::from(d.recipient as f32 / 10.0),
            epsilon = 1e-7
        );
        counts[d.recipient as usize] += 1;
    }
    for c in &counts[1..] {
        assert_binomial(*c, draws, 0.25);
    }
    // Nobody hears node 1: no recipient.
    assert!(ch.receivers(&net, 1, &mut rng).is_empty());
}

#[test]
fn private_message_by_trust_is_proportional_to_trust() {
    let net = star();
    let ch = PrivateMessage::new(1.0, RecipientChoice::ByTrust).unwrap();
    let mut rng = stream_rng(12, 0);
    let draws = 40_000u64;
    let mut counts = [0u64; 5];
    for _ in 0..draws {
        counts[ch.receivers(&net, 0, &mut rng)[0].recipient as usize] += 1;
    }
    // The self-loop is excluded: trusts 0.1..0.4 sum to 1.
    for (v, c) in counts.iter().enumerate().skip(1) {
        assert_binomial(*c, draws, v as f64 / 10.0);
    }
}

/// Two senders whose audiences differ in attention: 0 (audience attention
/// 0.9) and 1 (0.2), each heard by 2 and 3.
fn attentive() -> Network {
    let mut g: SocialGraph<Consumer, SocialTie> = SocialGraph::new();
    let attention = [0.9, 0.2, 0.5, 0.5];
    let nodes: Vec<_> = attention
        .iter()
        .enumerate()
        .map(|(i, &a)| {
            let c = Consumer {
                profile: Profile::new(0.5, 0.5, 0.5, a).unwrap(),
            };
            g.add_actor(i, c).unwrap()
        })
        .collect();
    for (s, trust) in [(0, 0.6), (1, 0.8)] {
        for r in [2, 3] {
            g.add_tie(nodes[s], nodes[r], SocialTie::follow(trust))
                .unwrap();
        }
    }
    g.freeze().unwrap()
}

#[test]
fn post_is_noticed_with_the_senders_audience_attention() {
    let net = attentive();
    let ch = Post::new(0.5).unwrap();
    assert_eq!(ch.scope(), Scope::Group);
    let mut rng = stream_rng(13, 0);
    let draws = 20_000u64;
    for (sender, attention, trust) in [(0u32, 0.9, 0.6f32), (1, 0.2, 0.8)] {
        let mut counts = [0u64; 4];
        for _ in 0..draws {
            for d in ch.receivers(&net, sender, &mut rng) {
                assert_relative_eq!(d.weight, 0.5 * f64::from(trust));
                counts[d.recipient as usize] += 1;
            }
        }
        assert_eq!(counts[0] + counts[1], 0);
        assert_binomial(counts[2], draws, attention);
        assert_binomial(counts[3], draws, attention);
    }
}

#[test]
fn parallel_arcs_are_separate_ties() {
    // Two arcs 0 -> 1 and one 0 -> 2; full attention: a post makes three
    // deliveries, and a uniform private message goes to 1 two times in three.
    let mut g: SocialGraph<Consumer, f64> = SocialGraph::new();
    let loud = Consumer {
        profile: Profile::new(0.5, 0.5, 0.5, 1.0).unwrap(),
    };
    let n: Vec<_> = (0..3u32).map(|i| g.add_actor(i, loud).unwrap()).collect();
    for (u, v) in [(0, 1), (0, 1), (0, 2)] {
        g.add_tie(n[u], n[v], 0.5).unwrap();
    }
    let net = g.freeze().unwrap();
    let mut rng = stream_rng(17, 0);
    let post: Vec<u32> = Post::new(1.0)
        .unwrap()
        .receivers(&net, 0, &mut rng)
        .iter()
        .map(|d| d.recipient)
        .collect();
    assert_eq!(post, [1, 1, 2]);
    let draws = 30_000u64;
    let to_one = (0..draws)
        .filter(|_| PrivateMessage::default().receivers(&net, 0, &mut rng)[0].recipient == 1)
        .count() as u64;
    assert_binomial(to_one, draws, 2.0 / 3.0);
}

#[test]
fn comment_reaches_the_author_and_a_sample_of_the_thread() {
    // Author 0 is followed by 1..=5; node 1 comments on 0's post.
    let arcs = (1..=5)
        .map(|v| (0, v, 0.5))
        .chain([(6, 1, 0.25), (1, 0, 0.75)]);
    let net = Network::from_arcs(7, arcs).unwrap();
    // Node 1 follows 0 and 6 (arcs 0 -> 1, 6 -> 1): the author is one of
    // them, equally likely. 0 also hears 1 (arc 1 -> 0).
    let ch = Comment::new(0.8, 2).unwrap();
    let mut rng = stream_rng(14, 0);
    let draws = 20_000u64;
    let (mut author0, mut thread) = (0u64, [0u64; 7]);
    for _ in 0..draws {
        let got = ch.receivers(&net, 1, &mut rng);
        let author = got[0].recipient;
        assert!(author == 0 || author == 6);
        if author == 0 {
            author0 += 1;
            // 0 hears 1 through the arc 1 -> 0 of trust 0.75.
            assert_relative_eq!(got[0].weight, 0.75 * 0.8);
            // Two of 0's other followers {2, 3, 4, 5}, distinct, not 1.
            assert_eq!(got.len(), 3);
            assert_ne!(got[1].recipient, got[2].recipient);
            for d in &got[1..] {
                assert!((2..=5).contains(&d.recipient));
                assert_relative_eq!(d.weight, 0.8);
                thread[d.recipient as usize] += 1;
            }
        } else {
            // 6 has no follower other than the sender: only the author,
            // who does not hear 1 (no arc 1 -> 6): persuasion alone.
            assert_eq!(got.len(), 1);
            assert_relative_eq!(got[0].weight, 0.8);
        }
    }
    assert_binomial(author0, draws, 0.5);
    // Each of 4 candidates is in a uniform 2-subset with probability 1/2.
    for c in &thread[2..=5] {
        assert_binomial(*c, author0, 0.5);
    }
    // A node following nobody (no arc into 6) cannot comment.
    assert!(ch.receivers(&net, 6, &mut rng).is_empty());
}

#[test]
fn forum_reaches_every_other_member_of_one_group() {
    let mut g: SocialGraph<Consumer, f64> = SocialGraph::new();
    let n: Vec<_> = (0..6u32)
        .map(|i| g.add_actor(i, Consumer::default()).unwrap())
        .collect();
    g.add_group("a", [n[0], n[1], n[2]]).unwrap();
    g.add_group("b", [n[0], n[3], n[4], n[5]]).unwrap();
    let net = g.freeze().unwrap();
    let ch = Forum::new(0.3).unwrap();
    let mut rng = stream_rng(15, 0);
    let draws = 10_000u64;
    let mut in_a = 0u64;
    for _ in 0..draws {
        let mut got: Vec<u32> = ch
            .receivers(&net, 0, &mut rng)
            .iter()
            .map(|d| d.recipient)
            .collect();
        got.sort_unstable();
        if got == [1, 2] {
            in_a += 1;
        } else {
            assert_eq!(got, [3, 4, 5]);
        }
    }
    assert_binomial(in_a, draws, 0.5);
    let got = ch.receivers(&net, 1, &mut rng);
    assert_eq!(got.iter().map(|d| d.recipient).collect::<Vec<_>>(), [0, 2]);
    assert!(got.iter().all(|d| d.weight == 0.3));
}

#[test]
fn advertising_reaches_a_binomial_share_never_the_sender() {
    let n = 10_000usize;
    let net = Network::from_arcs(n, []).unwrap();
    let ch = Advertising::new(0.03, 0.7).unwrap();
    assert_eq!(ch.scope(), Scope::OffGraph);
    let mut rng = stream_rng(16, 0);
    let mut total = 0u64;
    let reps = 20u64;
    let mut hits_of_last = 0u64;
    for _ in 0..reps {
        let got = ch.receivers(&net, 42, &mut rng);
        assert!(got.windows(2).all(|w| w[0].recipient < w[1].recipient));
        assert!(got.iter().all(|d| d.recipient != 42 && d.weight == 0.7));
        hits_of_last += got.iter().filter(|d| d.recipient as usize == n - 1).count() as u64;
        total += got.len() as u64;
    }
    // n - 1 eligible people per message, each reached with probability 0.03.
    assert_binomial(total, reps * (n as u64 - 1), 0.03);
    assert!(hits_of_last <= reps);
    let all = Advertising::new(1.0, 1.0)
        .unwrap()
        .receivers(&net, 0, &mut rng);
    assert_eq!(all.len(), n - 1);
    assert!(
        Advertising::new(0.0, 1.0)
            .unwrap()
            .receivers(&net, 0, &mut rng)
            .is_empty()
    );
}

#[test]
fn builtin_enum_dispatches_and_round_trips() {
    let channels: Vec<BuiltinChannel> = vec![
        PrivateMessage::default().into(),
        Comment::new(0.5, 3).unwrap().into(),
        Post::new(0.5).unwrap().into(),
        Forum::new(0.5).unwrap().into(),
        Advertising::new(0.1, 0.2)
            .unwrap()
            .with_cost_per_message(50.0)
            .unwrap()
            .into(),
    ];
    let names: Vec<&str> = channels.iter().map(|c| c.name()).collect();
    assert_eq!(
        names,
        ["private_message", "comment", "post", "forum", "advertising"]
    );
    assert_eq!(channels[4].cost_per_message(), 50.0);
    let text = serde_json::to_string(&channels).unwrap();
    let back: Vec<BuiltinChannel> = serde_json::from_str(&text).unwrap();
    assert_eq!(back, channels);
    // Same seed, same receivers, through the enum.
    let net = star();
    let a = channels[0].receivers(&net, 0, &mut stream_rng(3, 9));
    let b = channels[0].receivers(&net, 0, &mut stream_rng(3, 9));
    assert_eq!(a, b);
}

#[test]
fn out_of_range_parameters_are_errors() {
    assert!(matches!(
        PrivateMessage::new(1.5, RecipientChoice::Uniform),
        Err(Error::ProbabilityOutOfRange { .. })
    ));
    assert!(matches!(
        Post::new(f64::NAN),
        Err(Error::InvalidWeight { .. })
    ));
    assert!(Advertising::new(-0.1, 0.5).is_err());
    assert!(
        Advertising::new(0.1, 0.5)
            .unwrap()
            .with_cost_per_message(-1.0)
            .is_err()
    );
    let e = serde_json::from_str::<BuiltinChannel>(
        r#"{"kind":"advertising","share":2,"persuasion":1}"#,
    )
    .unwrap_err();
    assert!(e.to_string().contains("share"), "{e}");
}
