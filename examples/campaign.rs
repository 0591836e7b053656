//! The main job (at this stage of the crate): build the default campaign
//! network, assign roles, and print its summary.
//!
//! The network: 10,000 consumers in 20 communities of 500 (a stochastic
//! block model; each community is also a group, a forum its members share),
//! 1% of them turned into opinion leaders by number of followers, and a
//! business organization whose account 5% of the people follow.
//!
//! Run with `cargo run --release --example campaign`. Written as a
//! downstream crate would write it: only the public API.

use std::error::Error;
use std::time::Instant;

use wom::channel::{Advertising, Comment, Forum, Post, PrivateMessage, RecipientChoice};
use wom::generate::{StochasticBlockModel, stochastic_block_model};
use wom::roles::{
    Audience, Centrality, LeaderCount, LeaderSelection, add_business, assign_opinion_leaders,
};
use wom::{BuiltinChannel, BusinessOrganization, Channel, OpinionLeader, Sponsorship};

const COMMUNITIES: usize = 20;
const COMMUNITY_SIZE: usize = 500;
const SEED: u64 = 2026;

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
        direction: Default::default(),
    };
    let mut graph = stochastic_block_model(&spec, SEED)?;

    // 1% opinion leaders: the consumers with the most followers, paid.
    let leaders = LeaderSelection {
        by: Centrality::Followers,
        count: LeaderCount::Fraction(0.01),
    };
    let template = OpinionLeader {
        sponsorship: Sponsorship::Sponsored,
        fee: 100.0,
        ..OpinionLeader::default()
    };
    let chosen = assign_opinion_leaders(&mut graph, &leaders, &template)?;

    // The brand's own account, followed by 5% of the people.
    let brand = add_business(
        &mut graph,
        "acme",
        BusinessOrganization::new("Acme"),
        &Audience::Fraction(0.05),
        0.5,
        SEED,
    )?;

    let network = graph.freeze()?;
    let summary = wom::stats::summarize(&network);
    println!("The default campaign network (seed {SEED})");
    println!("{summary}");
    let memory = network.memory();
    println!(
        "frozen network: {} bytes forward ({:.2} per arc), built in {:.0?}",
        memory.forward,
        memory.forward as f64 / network.arc_count() as f64,
        started.elapsed()
    );

    // What one message from the top leader and from the brand reaches,
    // channel by channel, averaged over 1,000 draws.
    let channels: Vec<BuiltinChannel> = vec![
        PrivateMessage::new(1.0, RecipientChoice::ByTrust)?.into(),
        Comment::new(0.6, 5)?.into(),
        Post::new(0.8)?.into(),
        Forum::new(0.3)?.into(),
        Advertising::new(0.02, 0.2)?.into(),
    ];
    let top = chosen[0].index() as u32;
    let brand = brand.index() as u32;
    let mut rng = wom::rng::stream_rng(SEED, 1);
    println!("\nreceivers of one message (mean of 1,000 draws)");
    println!("{:<16} {:>12} {:>12}", "channel", "top leader", "brand");
    for channel in &channels {
        let mut totals = [0usize; 2];
        for _ in 0..1_000 {
            for (slot, sender) in [top, brand].into_iter().enumerate() {
                channel.deliver(&network, sender, &mut rng, |_| totals[slot] += 1);
            }
        }
        println!(
            "{:<16} {:>12.1} {:>12.1}",
            channel.name(),
            totals[0] as f64 / 1_000.0,
            totals[1] as f64 / 1_000.0
        );
    }
    Ok(())
}
