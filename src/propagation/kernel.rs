//! Building blocks of fast propagation kernels, shared by every built-in
//! model and public for models written in other crates.
//!
//! A kernel that runs thousands of times per second on a network of
//! millions of arcs cannot afford an allocation, a clearing pass or one
//! random draw per arc. These pieces are what the built-in models use
//! instead; a model written with them in another crate runs as fast as a
//! built-in one:
//!
//! * [`GeometricSkip`]: Bernoulli(p) trials over the arcs of a whole
//!   frontier in O(successes) random draws, by drawing the gap to the next
//!   success;
//! * [`threshold31`] and [`threshold_trials`]: per-arc probabilities stored
//!   as 31-bit integers, tested two arcs per 64-bit draw;
//! * [`EpochMarks`]: per-node marks (with an optional value) that a new run
//!   clears in O(1), and [`MarksView`], their view for a hot loop;
//! * [`Event::tie`]: the event of an adoption over a tie;
//! * [`exponential`]: exponential waiting times, for continuous-time models.
//!
//! Every sampler here draws from the raw outputs of the generator it is
//! given, with `libm` for the logarithm, so a run gives the same bits on
//! every platform (see [`crate::rng`]).
//!
//! # Example
//! An independent cascade with a uniform p, written with these pieces and
//! the public [`Model`](super::Model) trait only:
//! ```
//! use rand::Rng;
//! use wom::Network;
//! use wom::propagation::kernel::{EpochMarks, GeometricSkip};
//! use wom::propagation::{Event, Model, Observer, Simulation, StepOutcome, exposed_and_adopted};
//!
//! struct MyCascade(GeometricSkip);
//! struct MyState { active: EpochMarks, frontier: Vec<u32>, next: Vec<u32>, gap: u64 }
//!
//! impl Model for MyCascade {
//!     type State = MyState;
//!     fn name(&self) -> &str { "my_cascade" }
//!     fn new_state(&self, network: &Network) -> MyState {
//!         let active = EpochMarks::new(network.node_count());
//!         MyState { active, frontier: Vec::new(), next: Vec::new(), gap: 0 }
//!     }
//!     fn start<R: Rng + ?Sized, O: Observer + ?Sized>(
//!         &self, _: &Network, s: &mut MyState, seeds: &[u32], rng: &mut R, obs: &mut O,
//!     ) {
//!         s.active.next_epoch();
//!         s.frontier.clear();
//!         for &v in seeds {
//!             s.active.mark(v as usize);
//!             s.frontier.push(v);
//!             exposed_and_adopted(obs, &Event::seed(v));
//!         }
//!         s.gap = self.0.sample(rng);
//!     }
//!     fn step<R: Rng + ?Sized, O: Observer + ?Sized>(
//!         &self, net: &Network, s: &mut MyState, step: u32, rng: &mut R, obs: &mut O,
//!     ) -> StepOutcome {
//!         let MyState { active, frontier, next, gap } = s;
//!         let mut active = active.view();
//!         for &u in frontier.iter() {
//!             let arcs = net.forward().neighbors(u);
//!             self.0.walk(gap, arcs.len() as u64, rng, |i, _| {
//!                 let v = arcs[i as usize].node;
//!                 if !active.test_and_mark(v as usize) {
//!                     next.push(v);
//!                     exposed_and_adopted(obs, &Event::tie(v, u, step));
//!                 }
//!             });
//!         }
//!         std::mem::swap(frontier, next);
//!         next.clear();
//!         if frontier.is_empty() { StepOutcome::Finished } else { StepOutcome::Active }
//!     }
//! }
//!
//! let net = Network::from_arcs(3, [(0, 1, 1.0), (1, 2, 1.0)])?;
//! let model = MyCascade(GeometricSkip::new(1.0)?);
//! assert_eq!(Simulation::new(&net, &model).run(&[0], 1, 0, &mut ())?.adopted, 3);
//! # Ok::<(), wom::Error>(())
//! ```

use rand::Rng;

use super::observe::Event;
use crate::message::ChannelId;
use crate::network::Adjacent;
use crate::rng::uniform_f64;

pub use crate::rng::GeometricSkip;

/// The scale of the integer thresholds kernels compare random draws
/// against: probabilities are stored as `round(p * 2^31)`, and an event of
/// probability `p` happens when a uniform 31-bit draw is below it. `p = 0`
/// never happens, `p = 1` always does, and any other `p` is off by at most
/// 2^-32.
pub const THRESHOLD_SCALE: f64 = 2_147_483_648.0;

/// The 31-bit integer threshold of probability `p`.
///
/// # Arguments
/// * `p`: a probability, validated in [0, 1] by the caller (a value
///   outside saturates to 0 or `u32::MAX`, NaN gives 0).
///
/// # Returns
/// `round(p * 2^31)` ([`THRESHOLD_SCALE`]): a uniform 31-bit draw is below
/// it with probability `p` up to 2^-32. O(1).
///
/// # Example
/// ```
/// use wom::propagation::kernel::threshold31;
/// assert_eq!(threshold31(0.0), 0);
/// assert_eq!(threshold31(0.5), 1 << 30);
/// assert_eq!(threshold31(1.0), 1 << 31);
/// ```
#[inline]
pub fn threshold31(p: f64) -> u32 {
    (p * THRESHOLD_SCALE).round() as u32
}

/// Two uniform 31-bit draws from one 64-bit output.
///
/// # Returns
/// Bits 33..64 and bits 1..32 of one `next_u64`, each uniform in
/// `0..2^31`. O(1).
///
/// # Example
/// ```
/// use wom::propagation::kernel::two_draws31;
/// let (a, b) = two_draws31(&mut wom::rng::stream_rng(1, 0));
/// assert!(a < 1 << 31 && b < 1 << 31);
/// ```
#[inline]
pub fn two_draws31<R: Rng + ?Sized>(rng: &mut R) -> (u32, u32) {
    let x = rng.next_u64();
    ((x >> 33) as u32, ((x >> 1) as u32) & 0x7FFF_FFFF)
}

/// One Bernoulli trial per arc, each against its own 31-bit threshold.
///
/// # Arguments
/// * `arcs`: the arcs to try (one node's adjacency list), each with a
///   value holding its threshold;
/// * `rng`: the generator; one 64-bit output per two arcs (the last one
///   of an odd list uses a whole output);
/// * `threshold`: the arc's threshold ([`threshold31`] of its
///   probability) from its value;
/// * `success`: called with the target of each arc whose draw falls below
///   its threshold, in storage order.
///
/// # Returns
/// Nothing. O(arcs).
///
/// # Example
/// ```
/// use wom::Network;
/// use wom::propagation::kernel::{threshold31, threshold_trials};
/// let net = Network::from_arcs(3, [(0, 1, 1.0), (0, 2, 0.0)])?;
/// let thresholds = net.forward().map(|_, _, t| threshold31(f64::from(t)));
/// let mut hit = Vec::new();
/// let mut rng = wom::rng::stream_rng(1, 0);
/// threshold_trials(thresholds.neighbors(0), &mut rng, |&t| t, |v| hit.push(v));
/// assert_eq!(hit, [1]);
/// # Ok::<(), wom::Error>(())
/// ```
#[inline]
pub fn threshold_trials<V, R: Rng + ?Sized>(
    arcs: &[Adjacent<V>],
    rng: &mut R,
    threshold: impl Fn(&V) -> u32,
    mut success: impl FnMut(u32),
) {
    let mut pairs = arcs.chunks_exact(2);
    for pair in &mut pairs {
        let (a, b) = two_draws31(rng);
        if a < threshold(&pair[0].value) {
            success(pair[0].node);
        }
        if b < threshold(&pair[1].value) {
            success(pair[1].node);
        }
    }
    if let [last] = pairs.remainder() {
        let (a, _) = two_draws31(rng);
        if a < threshold(&last.value) {
            success(last.node);
        }
    }
}

/// One slot of [`EpochMarks`]: the epoch it was marked in, and its value.
#[derive(Debug, Clone, Copy, Default)]
struct Stamped<T> {
    stamp: u32,
    value: T,
}

/// Marks on the indices `0..n` (nodes), each with an optional value, that
/// a new run clears in O(1).
///
/// Each slot keeps the epoch it was marked in, and a slot is marked when
/// that is the current epoch; [`next_epoch`](Self::next_epoch) clears
/// every mark by starting a new epoch. When the 32-bit counter wraps
/// (every 2^32 epochs) the stamps are cleared for real, so an old stamp
/// never matches. A value `T` is kept beside its stamp (one cache line
/// for both) and is meaningful only while the slot is marked; with the
/// default `T = ()` a slot takes 4 bytes.
///
/// Complexity: O(n) to build, O(1) per call (amortised for
/// [`next_epoch`](Self::next_epoch)).
///
/// # Example
/// ```
/// use wom::propagation::kernel::EpochMarks;
/// let mut seen: EpochMarks = EpochMarks::new(4);
/// assert!(!seen.test_and_mark(2)); // was not marked; now it is
/// assert!(seen.test_and_mark(2));
/// seen.next_epoch();
/// assert!(!seen.is_marked(2));
/// // With a value: the weight a node still needs, set when first touched.
/// let mut need: EpochMarks<u32> = EpochMarks::new(4);
/// let (was, n) = need.entry(1, || 10);
/// *n -= 3;
/// assert!(!was);
/// assert_eq!(need.get(1), Some(&7));
/// assert_eq!(need.get(0), None);
/// ```
#[derive(Debug, Clone)]
pub struct EpochMarks<T = ()> {
    slots: Vec<Stamped<T>>,
    epoch: u32,
}

impl<T: Copy + Default> EpochMarks<T> {
    /// `n` unmarked slots.
    ///
    /// # Returns
    /// The marks, in epoch 1 with every stamp 0. O(n) time and
    /// `n * size_of::<(u32, T)>()` bytes.
    ///
    /// # Example
    /// ```
    /// use wom::propagation::kernel::EpochMarks;
    /// let m: EpochMarks = EpochMarks::new(3);
    /// assert_eq!(m.len(), 3);
    /// assert!(!m.is_marked(0));
    /// ```
    pub fn new(n: usize) -> Self {
        EpochMarks {
            slots: vec![Stamped::default(); n],
            epoch: 1,
        }
    }

    /// The number of slots.
    ///
    /// # Example
    /// ```
    /// use wom::propagation::kernel::EpochMarks;
    /// assert_eq!(EpochMarks::<()>::new(5).len(), 5);
    /// ```
    #[inline]
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether there are no slots.
    ///
    /// # Example
    /// ```
    /// use wom::propagation::kernel::EpochMarks;
    /// assert!(EpochMarks::<()>::new(0).is_empty());
    /// ```
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Unmarks every slot by starting a new epoch: O(1), except once every
    /// 2^32 calls, when the counter wraps and the stamps are cleared in
    /// O(n).
    ///
    /// # Example
    /// ```
    /// use wom::propagation::kernel::EpochMarks;
    /// let mut m: EpochMarks = EpochMarks::new(2);
    /// m.mark(0);
    /// m.next_epoch();
    /// assert!(!m.is_marked(0));
    /// ```
    #[inline]
    pub fn next_epoch(&mut self) {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.slots.iter_mut().for_each(|s| s.stamp = 0);
            self.epoch = 1;
        }
    }

    /// Whether slot `i` is marked in this epoch (`false` for an `i` out of
    /// range). O(1).
    ///
    /// # Example
    /// ```
    /// use wom::propagation::kernel::EpochMarks;
    /// let mut m: EpochMarks = EpochMarks::new(2);
    /// m.mark(1);
    /// assert!(m.is_marked(1) && !m.is_marked(0) && !m.is_marked(9));
    /// ```
    #[inline]
    pub fn is_marked(&self, i: usize) -> bool {
        self.slots.get(i).is_some_and(|s| s.stamp == self.epoch)
    }

    /// Marks slot `i` (its value is left as it was). O(1).
    ///
    /// # Panics
    /// When `i >= len()`.
    ///
    /// # Example
    /// ```
    /// use wom::propagation::kernel::EpochMarks;
    /// let mut m: EpochMarks = EpochMarks::new(2);
    /// m.mark(0);
    /// assert!(m.is_marked(0));
    /// ```
    #[inline]
    pub fn mark(&mut self, i: usize) {
        self.slots[i].stamp = self.epoch;
    }

    /// Marks slot `i` and says whether it was marked already (test and
    /// set): `false` the first time in an epoch. Writes only when it
    /// marks. O(1).
    ///
    /// # Panics
    /// When `i >= len()`.
    ///
    /// # Example
    /// ```
    /// use wom::propagation::kernel::EpochMarks;
    /// let mut m: EpochMarks = EpochMarks::new(2);
    /// assert!(!m.test_and_mark(1));
    /// assert!(m.test_and_mark(1));
    /// ```
    #[inline]
    pub fn test_and_mark(&mut self, i: usize) -> bool {
        let epoch = self.epoch;
        let s = &mut self.slots[i];
        if s.stamp == epoch {
            true
        } else {
            s.stamp = epoch;
            false
        }
    }

    /// The value of slot `i` if it is marked (`None` otherwise, and for an
    /// `i` out of range). O(1).
    ///
    /// # Example
    /// ```
    /// use wom::propagation::kernel::EpochMarks;
    /// let mut m: EpochMarks<u8> = EpochMarks::new(2);
    /// m.set(0, 7);
    /// assert_eq!((m.get(0), m.get(1)), (Some(&7), None));
    /// ```
    #[inline]
    pub fn get(&self, i: usize) -> Option<&T> {
        self.slots
            .get(i)
            .filter(|s| s.stamp == self.epoch)
            .map(|s| &s.value)
    }

    /// The value of slot `i`, to change, if it is marked (`None`
    /// otherwise, and for an `i` out of range). O(1).
    ///
    /// # Example
    /// ```
    /// use wom::propagation::kernel::EpochMarks;
    /// let mut m: EpochMarks<u8> = EpochMarks::new(2);
    /// m.set(1, 7);
    /// *m.get_mut(1).unwrap() += 1;
    /// assert_eq!(m.get(1), Some(&8));
    /// assert!(m.get_mut(0).is_none());
    /// ```
    #[inline]
    pub fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        let epoch = self.epoch;
        self.slots
            .get_mut(i)
            .filter(|s| s.stamp == epoch)
            .map(|s| &mut s.value)
    }

    /// Marks slot `i` with `value`. O(1).
    ///
    /// # Panics
    /// When `i >= len()`.
    ///
    /// # Example
    /// ```
    /// use wom::propagation::kernel::EpochMarks;
    /// let mut m: EpochMarks<u32> = EpochMarks::new(1);
    /// m.set(0, 4);
    /// assert_eq!(m.get(0), Some(&4));
    /// ```
    #[inline]
    pub fn set(&mut self, i: usize, value: T) {
        self.slots[i] = Stamped {
            stamp: self.epoch,
            value,
        };
    }

    /// Slot `i`'s value, marking the slot with `init()` first if it is
    /// not marked yet.
    ///
    /// # Returns
    /// Whether the slot was marked already (as
    /// [`test_and_mark`](Self::test_and_mark)), and its value to change.
    /// O(1) besides `init`, which is called only for a new mark.
    ///
    /// # Panics
    /// When `i >= len()`.
    ///
    /// # Example
    /// ```
    /// use wom::propagation::kernel::EpochMarks;
    /// let mut hits: EpochMarks<u32> = EpochMarks::new(2);
    /// for _ in 0..3 {
    ///     *hits.entry(0, || 0).1 += 1;
    /// }
    /// assert_eq!(hits.get(0), Some(&3));
    /// assert!(hits.entry(0, || 0).0);
    /// ```
    #[inline]
    pub fn entry(&mut self, i: usize, init: impl FnOnce() -> T) -> (bool, &mut T) {
        let epoch = self.epoch;
        let s = &mut self.slots[i];
        let was = s.stamp == epoch;
        if !was {
            *s = Stamped {
                stamp: epoch,
                value: init(),
            };
        }
        (was, &mut s.value)
    }

    /// The marks of the current epoch, for a hot loop: the epoch is read
    /// once, so the loop keeps it in a register instead of reloading it
    /// after every write it cannot prove unrelated (a push, an observer's
    /// counter).
    ///
    /// # Returns
    /// A view with the same marking calls, borrowing the marks. O(1).
    ///
    /// # Example
    /// ```
    /// use wom::propagation::kernel::EpochMarks;
    /// let mut seen: EpochMarks = EpochMarks::new(4);
    /// let mut fresh = Vec::new();
    /// let mut view = seen.view();
    /// for v in [2, 0, 2, 3, 0] {
    ///     if !view.test_and_mark(v) {
    ///         fresh.push(v);
    ///     }
    /// }
    /// assert_eq!(fresh, [2, 0, 3]);
    /// assert!(seen.is_marked(3));
    /// ```
    #[inline]
    pub fn view(&mut self) -> MarksView<'_, T> {
        MarksView {
            slots: &mut self.slots,
            epoch: self.epoch,
        }
    }

    /// Test hook: sets the epoch and every stamp, to exercise the wrap.
    #[cfg(test)]
    pub(crate) fn force(&mut self, epoch: u32, stamp: u32) {
        self.epoch = epoch;
        self.slots.iter_mut().for_each(|s| s.stamp = stamp);
    }
}

/// The marks of an [`EpochMarks`] in its current epoch, borrowed for a
/// hot loop ([`EpochMarks::view`]): the same calls, with the epoch held by
/// value.
#[derive(Debug)]
pub struct MarksView<'a, T = ()> {
    slots: &'a mut [Stamped<T>],
    epoch: u32,
}

impl<T: Copy> MarksView<'_, T> {
    /// As [`EpochMarks::is_marked`]. O(1).
    ///
    /// # Example
    /// ```
    /// use wom::propagation::kernel::EpochMarks;
    /// let mut m: EpochMarks = EpochMarks::new(2);
    /// let mut v = m.view();
    /// v.mark(0);
    /// assert!(v.is_marked(0) && !v.is_marked(1) && !v.is_marked(7));
    /// ```
    #[inline]
    pub fn is_marked(&self, i: usize) -> bool {
        self.slots.get(i).is_some_and(|s| s.stamp == self.epoch)
    }

    /// As [`EpochMarks::mark`]. O(1).
    ///
    /// # Panics
    /// When `i` is out of range.
    ///
    /// # Example
    /// ```
    /// use wom::propagation::kernel::EpochMarks;
    /// let mut m: EpochMarks = EpochMarks::new(2);
    /// m.view().mark(1);
    /// assert!(m.is_marked(1));
    /// ```
    #[inline]
    pub fn mark(&mut self, i: usize) {
        self.slots[i].stamp = self.epoch;
    }

    /// As [`EpochMarks::test_and_mark`]: marks slot `i` and says whether it
    /// was marked already. O(1).
    ///
    /// # Panics
    /// When `i` is out of range.
    ///
    /// # Example
    /// ```
    /// use wom::propagation::kernel::EpochMarks;
    /// let mut m: EpochMarks = EpochMarks::new(2);
    /// let mut v = m.view();
    /// assert!(!v.test_and_mark(0));
    /// assert!(v.test_and_mark(0));
    /// ```
    #[inline]
    pub fn test_and_mark(&mut self, i: usize) -> bool {
        let s = &mut self.slots[i];
        if s.stamp == self.epoch {
            true
        } else {
            s.stamp = self.epoch;
            false
        }
    }

    /// As [`EpochMarks::entry`]: slot `i`'s value, marked with `init()`
    /// first if it is not marked yet, and whether it was marked already.
    /// O(1) besides `init`.
    ///
    /// # Panics
    /// When `i` is out of range.
    ///
    /// # Example
    /// ```
    /// use wom::propagation::kernel::EpochMarks;
    /// let mut m: EpochMarks<u32> = EpochMarks::new(2);
    /// let mut v = m.view();
    /// *v.entry(1, || 5).1 -= 2;
    /// assert_eq!(v.entry(1, || 5), (true, &mut 3));
    /// ```
    #[inline]
    pub fn entry(&mut self, i: usize, init: impl FnOnce() -> T) -> (bool, &mut T) {
        let s = &mut self.slots[i];
        let was = s.stamp == self.epoch;
        if !was {
            *s = Stamped {
                stamp: self.epoch,
                value: init(),
            };
        }
        (was, &mut s.value)
    }
}

impl Event {
    /// The event of an adoption (or exposure) over a tie: `node` hears
    /// from `sender` at `step`, through channel 0 (`"tie"`, the first
    /// channel of every built-in model that spreads over ties).
    ///
    /// # Returns
    /// `Event { node, sender: Some(sender), channel: ChannelId(0), step }`.
    /// O(1).
    ///
    /// # Example
    /// ```
    /// use wom::ChannelId;
    /// use wom::propagation::Event;
    /// let e = Event::tie(2, 1, 3);
    /// assert_eq!((e.node, e.sender, e.channel, e.step), (2, Some(1), ChannelId(0), 3));
    /// ```
    #[inline]
    pub fn tie(node: u32, sender: u32, step: u32) -> Event {
        Event::new(node, Some(sender), ChannelId(0), step)
    }

    /// An event with every field given (`sender: None` for seeds and for
    /// influence from outside the network).
    ///
    /// # Example
    /// ```
    /// use wom::ChannelId;
    /// use wom::propagation::Event;
    /// let e = Event::new(4, None, ChannelId(1), 2);
    /// assert_eq!((e.node, e.sender, e.channel, e.step), (4, None, ChannelId(1), 2));
    /// ```
    #[inline]
    pub fn new(node: u32, sender: Option<u32>, channel: ChannelId, step: u32) -> Event {
        Event {
            node,
            sender,
            channel,
            step,
        }
    }
}

/// An exponential waiting time.
///
/// # Arguments
/// * `rng`: the generator; one 64-bit output is used.
/// * `rate`: the rate λ > 0 (events per unit of time). The caller checks
///   it: λ = 0 gives +∞, or NaN for the one draw in 2^53 that is 0.
///
/// # Returns
/// `-ln(1 - U) / λ` for U uniform in [0, 1) with 53 bits (inversion), a
/// draw of Exp(λ), mean 1/λ. O(1).
///
/// # Example
/// ```
/// use wom::propagation::kernel::exponential;
/// let mut rng = wom::rng::stream_rng(1, 0);
/// let mean = (0..20_000).map(|_| exponential(&mut rng, 4.0)).sum::<f64>() / 20_000.0;
/// assert!((mean - 0.25).abs() < 0.01);
/// ```
///
/// Reference: L. Devroye, *Non-Uniform Random Variate Generation*,
/// Springer (1986), ch. II.2.
#[inline]
pub fn exponential<R: Rng + ?Sized>(rng: &mut R, rate: f64) -> f64 {
    -libm::log(1.0 - uniform_f64(rng)) / rate
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{geometric_skip, stream_rng};

    #[test]
    fn walking_segments_draws_as_the_hand_written_loop() {
        // The loop every model used to carry, over segments of 0, 3, 50
        // and 7 trials.
        let segments = [0u64, 3, 50, 7, 120];
        for p in [0.0, 0.01, 0.3, 0.9, 1.0] {
            let log_q = libm::log1p(-p);
            let mut rng = stream_rng(11, 0);
            let mut want = Vec::new();
            let mut skip = geometric_skip(&mut rng, log_q);
            for (s, &len) in segments.iter().enumerate() {
                let mut i = skip;
                while i < len {
                    want.push((s, i));
                    i = i
                        .saturating_add(1)
                        .saturating_add(geometric_skip(&mut rng, log_q));
                }
                skip = i - len;
            }
            let after = rng.next_u64();
            let g = GeometricSkip::new(p).unwrap();
            let mut rng = stream_rng(11, 0);
            let mut got = Vec::new();
            let mut gap = g.sample(&mut rng);
            for (s, &len) in segments.iter().enumerate() {
                g.walk(&mut gap, len, &mut rng, |i, _| got.push((s, i)));
            }
            assert_eq!(got, want, "p = {p}");
            assert_eq!(gap, skip);
            assert_eq!(rng.next_u64(), after, "same number of draws, p = {p}");
        }
    }

    #[test]
    fn try_walk_stops_at_the_first_error() {
        let g = GeometricSkip::new(0.5).unwrap();
        let mut rng = stream_rng(2, 0);
        let mut gap = 0;
        let mut seen = Vec::new();
        let r = g.try_walk(&mut gap, 1000, &mut rng, |i, _| {
            seen.push(i);
            if seen.len() == 3 { Err(i) } else { Ok(()) }
        });
        assert_eq!(r, Err(seen[2]));
        assert_eq!(gap, seen[2]);
        assert_eq!(seen[0], 0);
    }

    #[test]
    fn threshold_trials_pair_draws_as_before() {
        let arcs: Vec<Adjacent<u32>> = (0..7)
            .map(|k| Adjacent {
                node: k,
                value: threshold31(f64::from(k) / 7.0),
            })
            .collect();
        let mut rng = stream_rng(4, 0);
        let mut got = Vec::new();
        threshold_trials(&arcs, &mut rng, |&t| t, |v| got.push(v));
        let mut rng = stream_rng(4, 0);
        let mut want = Vec::new();
        for pair in arcs.chunks(2) {
            let (a, b) = two_draws31(&mut rng);
            for (arc, d) in pair.iter().zip([a, b]) {
                if d < arc.value {
                    want.push(arc.node);
                }
            }
        }
        assert_eq!(got, want);
        assert!(!got.contains(&0));
    }

    #[test]
    fn marks_survive_the_epoch_wrapping() {
        let mut m: EpochMarks<u32> = EpochMarks::new(3);
        // Stale stamps that would match the epochs after the wrap.
        m.force(u32::MAX - 1, 1);
        assert!(!m.is_marked(0));
        m.next_epoch(); // u32::MAX
        assert!(!m.is_marked(0));
        m.set(2, 9);
        m.next_epoch(); // wraps: cleared, epoch 1
        for i in 0..3 {
            assert!(!m.is_marked(i));
            assert_eq!(m.get(i), None);
        }
        assert!(!m.test_and_mark(0));
        assert!(m.is_marked(0));
        m.next_epoch(); // 2
        assert!(!m.is_marked(0));
    }

    #[test]
    fn exponential_is_the_inversion_formula() {
        let mut a = stream_rng(8, 0);
        let mut b = stream_rng(8, 0);
        for rate in [0.5, 1.0, 3.0] {
            let want = -libm::log(1.0 - uniform_f64(&mut b)) / rate;
            assert_eq!(exponential(&mut a, rate).to_bits(), want.to_bits());
        }
    }
}
