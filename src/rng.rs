//! Random numbers: the crate's named, portable generator and the few
//! sampling primitives `wom` builds on it.
//!
//! A run must be a pure function of (model, network, seeds, master seed, run
//! index), bit-identical on every platform and with every thread count. So
//! `wom` names its generator, [`WomRng`] = xoshiro256++ (Blackman & Vigna
//! 2018), derives each stream's state from the master seed and a stream index
//! with SplitMix64 ([`stream_rng`]), and writes its own small samplers
//! ([`uniform_f64`], [`below`], [`geometric_skip`]) on top of the raw 32- and
//! 64-bit outputs, so that a new release of `rand` cannot change a result.
//! Changing the order or the number of draws in any `wom` model is a
//! value-breaking change and is recorded as such in the CHANGELOG.

use rand::{Rng, SeedableRng};

/// The generator every `wom` model uses: xoshiro256++, 256 bits of state,
/// period 2^256 - 1, portable and fast.
pub type WomRng = rand_xoshiro::Xoshiro256PlusPlus;

/// One step of SplitMix64 (Steele, Lea & Flood 2014): advances `state` and
/// returns a well-mixed 64-bit value.
#[inline]
pub fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The generator for stream `index` (a run, a batch, a generator call) under
/// `master` seed.
///
/// The 256-bit state is four SplitMix64 outputs from a state that mixes the
/// master seed with the index, so streams for neighbouring indices are
/// unrelated, and the same `(master, index)` gives the same stream on every
/// platform.
///
/// # Example
/// ```
/// use rand::Rng;
/// let mut a = wom::rng::stream_rng(42, 7);
/// let mut b = wom::rng::stream_rng(42, 7);
/// assert_eq!(a.next_u64(), b.next_u64());
/// ```
pub fn stream_rng(master: u64, index: u64) -> WomRng {
    let mut mix = index.wrapping_mul(0xD1B5_4A32_D192_ED03);
    let mut state = master ^ splitmix64(&mut mix);
    let mut seed = [0u8; 32];
    for chunk in seed.chunks_exact_mut(8) {
        chunk.copy_from_slice(&splitmix64(&mut state).to_le_bytes());
    }
    WomRng::from_seed(seed)
}

/// A uniform draw from [0, 1) with 53 random bits.
#[inline]
pub fn uniform_f64<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A uniform draw from {0, 1, ..., n - 1}, without bias (Lemire 2019,
/// "Fast random integer generation in an interval").
///
/// Returns 0 when `n` is 0.
#[inline]
pub fn below<R: Rng + ?Sized>(rng: &mut R, n: u64) -> u64 {
    if n == 0 {
        return 0;
    }
    let mut m = u128::from(rng.next_u64()) * u128::from(n);
    let mut low = m as u64;
    if low < n {
        let threshold = n.wrapping_neg() % n;
        while low < threshold {
            m = u128::from(rng.next_u64()) * u128::from(n);
            low = m as u64;
        }
    }
    (m >> 64) as u64
}

/// `true` with probability `p` (one 53-bit draw). `p >= 1` is always `true`,
/// `p <= 0` always `false`.
#[inline]
pub fn bernoulli<R: Rng + ?Sized>(rng: &mut R, p: f64) -> bool {
    uniform_f64(rng) < p
}

/// The number of failures before the next success in Bernoulli(p) trials,
/// given `log_q = ln(1 - p)`: `floor(ln(U) / ln(1 - p))` with U uniform in
/// (0, 1].
///
/// This is the skip used to sample a sparse random subset in time
/// proportional to its size (Batagelj & Brandes 2005). It returns
/// `u64::MAX` when `log_q` is 0 (p = 0: no success ever) and 0 when `log_q`
/// is minus infinity (p = 1).
#[inline]
pub fn geometric_skip<R: Rng + ?Sized>(rng: &mut R, log_q: f64) -> u64 {
    if log_q == 0.0 {
        return u64::MAX;
    }
    // U in (0, 1]: 1 - [0, 1).
    let u = 1.0 - uniform_f64(rng);
    let skip = (libm::log(u) / log_q).floor();
    if skip >= u64::MAX as f64 {
        u64::MAX
    } else {
        skip as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u64> = (0..4).map(|_| stream_rng(1, 0).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(stream_rng(1, 0).next_u64(), stream_rng(1, 1).next_u64());
        assert_ne!(stream_rng(1, 0).next_u64(), stream_rng(2, 0).next_u64());
    }

    #[test]
    fn value_stability() {
        // Pinned outputs: a change here changes every result of the crate.
        let mut r = stream_rng(2024, 3);
        let got: Vec<u64> = (0..3).map(|_| r.next_u64()).collect();
        let mut again = stream_rng(2024, 3);
        let twice: Vec<u64> = (0..3).map(|_| again.next_u64()).collect();
        assert_eq!(got, twice);
        assert_eq!(got, PINNED);
    }
    const PINNED: [u64; 3] = [
        8817871793810881348,
        2232339155007413547,
        11271256281462052784,
    ];

    #[test]
    fn primitives_match_their_reference_outputs() {
        // SplitMix64 from state 0: first output of the reference C code.
        let mut s = 0u64;
        assert_eq!(splitmix64(&mut s), 0xE220_A839_7B1D_CDAF);
        // xoshiro256++ from state {1, 2, 3, 4}: rotl(1 + 4, 23) + 1.
        let mut seed = [0u8; 32];
        for (i, chunk) in seed.chunks_exact_mut(8).enumerate() {
            chunk.copy_from_slice(&(i as u64 + 1).to_le_bytes());
        }
        let mut r = WomRng::from_seed(seed);
        assert_eq!(r.next_u64(), 41_943_041);
    }

    #[test]
    fn below_is_in_range_and_uniform() {
        let mut r = stream_rng(5, 0);
        let n = 6u64;
        let draws = 60_000;
        let mut counts = [0u64; 6];
        for _ in 0..draws {
            let x = below(&mut r, n);
            assert!(x < n);
            counts[x as usize] += 1;
        }
        // Each count is Binomial(60000, 1/6): sd = sqrt(60000 * 1/6 * 5/6) ~ 91.3.
        for c in counts {
            assert!((c as f64 - 10_000.0).abs() < 4.0 * 91.3, "{counts:?}");
        }
        assert_eq!(below(&mut r, 0), 0);
        assert_eq!(below(&mut r, 1), 0);
    }

    #[test]
    fn geometric_skip_has_the_right_mean() {
        // Mean of the geometric number of failures: (1 - p) / p.
        let p: f64 = 0.2;
        let lq = libm::log(1.0 - p);
        let mut r = stream_rng(9, 0);
        let n = 100_000;
        let sum: f64 = (0..n).map(|_| geometric_skip(&mut r, lq) as f64).sum();
        let mean = sum / n as f64;
        let expected = (1.0 - p) / p; // 4
        let sd = ((1.0 - p) / (p * p)).sqrt() / (n as f64).sqrt(); // var = (1-p)/p^2
        assert!((mean - expected).abs() < 4.0 * sd, "mean {mean}");
        assert_eq!(geometric_skip(&mut r, 0.0), u64::MAX);
        assert_eq!(geometric_skip(&mut r, f64::NEG_INFINITY), 0);
    }
}
