//! Building blocks of fast propagation kernels, shared by every built-in
//! model and public for models written in other crates.

use rand::Rng;

/// Starts a new run's epoch of epoch-stamped marks: a mark equal to the
/// epoch means "set in this run", so marks need no clearing between runs.
/// When the counter wraps to 0 (every 2^32 runs) `reset` clears the marks
/// and the epoch restarts at 1, so an old stamp can never match.
#[inline]
pub(crate) fn advance_epoch(epoch: &mut u32, reset: impl FnOnce()) {
    *epoch = epoch.wrapping_add(1);
    if *epoch == 0 {
        reset();
        *epoch = 1;
    }
}

/// The scale of the integer thresholds kernels compare random draws
/// against: probabilities are stored as `round(p * 2^31)`, and an event of
/// probability `p` happens when a uniform 31-bit draw is below it. `p = 0`
/// never happens, `p = 1` always does, and any other `p` is off by at most
/// 2^-32.
pub const THRESHOLD_SCALE: f64 = 2_147_483_648.0;

/// The integer threshold of probability `p` (validated in [0, 1]).
#[inline]
pub(crate) fn threshold31(p: f64) -> u32 {
    (p * THRESHOLD_SCALE).round() as u32
}

/// Two uniform 31-bit draws from one 64-bit output.
#[inline]
pub(crate) fn two_draws31<R: Rng + ?Sized>(rng: &mut R) -> (u32, u32) {
    let x = rng.next_u64();
    ((x >> 33) as u32, ((x >> 1) as u32) & 0x7FFF_FFFF)
}
