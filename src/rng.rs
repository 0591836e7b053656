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

use crate::error::{Result, check_probability};

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
    // ln(u) <= 0 and ln(1 - p) < 0: the ratio is >= 0 (or +∞), so the
    // conversion, which truncates and saturates, is its floor.
    (libm::log(u) / log_q) as u64
}

/// Bernoulli(p) trials drawn by skipping: the gap to the next success is a
/// geometric variable, so a run of trials costs one random draw per
/// success instead of one per trial.
///
/// Built once from p (validated, and turned into ln(1 - p), the form the
/// sampler wants); then [`sample`](Self::sample) draws one gap, and
/// [`walk`](Self::walk) visits the successes of a segment of trials (the
/// arcs of one frontier node), carrying the gap over to the next segment,
/// so the arcs of a whole frontier are one sequence of trials.
///
/// Complexity: O(1) per gap (one 64-bit draw and one logarithm).
///
/// # Example
/// ```
/// use wom::propagation::kernel::GeometricSkip;
/// let mut rng = wom::rng::stream_rng(1, 0);
/// // Two segments of 100 trials, one sequence: the successes, in order.
/// let skip = GeometricSkip::new(0.1)?;
/// let mut gap = skip.sample(&mut rng);
/// let mut hits = Vec::new();
/// for segment in 0..2u64 {
///     skip.walk(&mut gap, 100, &mut rng, |i, _| hits.push(segment * 100 + i));
/// }
/// assert!(hits.windows(2).all(|w| w[0] < w[1]) && hits.iter().all(|&i| i < 200));
/// // p = 1: every trial succeeds; p = 0: none does, and nothing is drawn.
/// let all = GeometricSkip::new(1.0)?;
/// let mut gap = all.sample(&mut rng);
/// let mut count = 0;
/// all.walk(&mut gap, 5, &mut rng, |_, _| count += 1);
/// assert_eq!((count, gap), (5, 0));
/// assert_eq!(GeometricSkip::new(0.0)?.sample(&mut rng), u64::MAX);
/// # Ok::<(), wom::Error>(())
/// ```
///
/// Reference: V. Batagelj, U. Brandes, "Efficient generation of large
/// random networks", *Phys. Rev. E* 71, 036113 (2005).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GeometricSkip {
    /// ln(1 - p): 0 for p = 0, minus infinity for p = 1.
    log_q: f64,
}

impl GeometricSkip {
    /// Trials that succeed with probability `p`.
    ///
    /// # Arguments
    /// * `p`: the success probability of each trial, in [0, 1].
    ///
    /// # Returns
    /// The skipper, holding ln(1 - p) (computed with `log1p`, exact for a
    /// tiny p). O(1).
    ///
    /// # Errors
    /// [`Error::ProbabilityOutOfRange`](crate::Error::ProbabilityOutOfRange)
    /// for `p` outside [0, 1], [`Error::InvalidWeight`](crate::Error::InvalidWeight)
    /// for a `p` that is NaN or infinite.
    ///
    /// # Example
    /// ```
    /// use wom::propagation::kernel::GeometricSkip;
    /// assert!(GeometricSkip::new(0.25).is_ok());
    /// assert!(GeometricSkip::new(1.5).is_err());
    /// ```
    pub fn new(p: f64) -> Result<Self> {
        GeometricSkip::for_parameter("p", p)
    }

    /// As [`new`](Self::new), with errors naming the parameter `name`
    /// (`"beta"`, `"p_positive"` ...) instead of `p`.
    ///
    /// # Errors
    /// As [`new`](Self::new).
    ///
    /// # Example
    /// ```
    /// use wom::propagation::kernel::GeometricSkip;
    /// let e = GeometricSkip::for_parameter("beta", -0.5).unwrap_err();
    /// assert!(e.to_string().contains("beta"));
    /// ```
    pub fn for_parameter(name: &str, p: f64) -> Result<Self> {
        let p = check_probability(name, p, None)?;
        Ok(GeometricSkip {
            log_q: libm::log1p(-p),
        })
    }

    /// Draws the number of failures before the next success.
    ///
    /// # Arguments
    /// * `rng`: the generator; one 64-bit output is used, none when p = 0.
    ///
    /// # Returns
    /// `floor(ln U / ln(1 - p))` for U uniform in (0, 1] (see
    /// [`geometric_skip`]): `u64::MAX` when p = 0 (no success, ever), 0
    /// when p = 1. O(1).
    ///
    /// # Example
    /// ```
    /// use wom::propagation::kernel::GeometricSkip;
    /// let mut rng = wom::rng::stream_rng(3, 0);
    /// assert_eq!(GeometricSkip::new(1.0)?.sample(&mut rng), 0);
    /// # Ok::<(), wom::Error>(())
    /// ```
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> u64 {
        geometric_skip(rng, self.log_q)
    }

    /// Visits the successes among the trials `0..len` of one segment.
    ///
    /// # Arguments
    /// * `gap`: the failures still to come before the next success; on
    ///   return, those left over for the trials after this segment. Start
    ///   a sequence with [`sample`](Self::sample) and carry `gap` from one
    ///   segment to the next.
    /// * `len`: the number of trials in the segment (its arcs).
    /// * `rng`: the generator, lent to `success` between gaps.
    /// * `success`: called with the index in the segment of each success,
    ///   in increasing order, and the generator (for draws of its own,
    ///   taken before the next gap).
    ///
    /// # Returns
    /// Nothing; one gap is drawn after each success. O(1 + successes).
    ///
    /// # Example
    /// ```
    /// use wom::propagation::kernel::GeometricSkip;
    /// let mut rng = wom::rng::stream_rng(5, 0);
    /// let skip = GeometricSkip::new(0.5)?;
    /// let mut gap = 3; // the first success is trial 3
    /// let mut first = None;
    /// skip.walk(&mut gap, 10, &mut rng, |i, _| { first.get_or_insert(i); });
    /// assert_eq!(first, Some(3));
    /// # Ok::<(), wom::Error>(())
    /// ```
    #[inline]
    pub fn walk<R: Rng + ?Sized>(
        &self,
        gap: &mut u64,
        len: u64,
        rng: &mut R,
        mut success: impl FnMut(u64, &mut R),
    ) {
        let mut i = *gap;
        while i < len {
            success(i, rng);
            i = i.saturating_add(1).saturating_add(self.sample(rng));
        }
        *gap = i - len;
    }

    /// As [`walk`](Self::walk), stopping at the first error `success`
    /// returns (for example a generator that runs out of room).
    ///
    /// # Errors
    /// The first error `success` returns; `gap` is then left where the
    /// failing success was.
    ///
    /// # Example
    /// ```
    /// use wom::propagation::kernel::GeometricSkip;
    /// let mut rng = wom::rng::stream_rng(5, 0);
    /// let skip = GeometricSkip::new(1.0)?;
    /// let mut gap = skip.sample(&mut rng);
    /// let r = skip.try_walk(&mut gap, 10, &mut rng, |i, _| if i < 4 { Ok(()) } else { Err(i) });
    /// assert_eq!(r, Err(4));
    /// # Ok::<(), wom::Error>(())
    /// ```
    #[inline]
    pub fn try_walk<R: Rng + ?Sized, E>(
        &self,
        gap: &mut u64,
        len: u64,
        rng: &mut R,
        mut success: impl FnMut(u64, &mut R) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let mut i = *gap;
        while i < len {
            if let Err(e) = success(i, rng) {
                *gap = i;
                return Err(e);
            }
            i = i.saturating_add(1).saturating_add(self.sample(rng));
        }
        *gap = i - len;
        Ok(())
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
