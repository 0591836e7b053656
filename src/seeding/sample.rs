//! Drawing distinct items at random.

use rand::Rng;

use crate::error::{Error, Result};
use crate::rng::below;

/// A uniform random sample of `k` distinct items of `pool`, without
/// replacement, in the order drawn.
///
/// This is the one sampler of seeding: the `random` seed rule and a brand's
/// random followers ([`Audience`](crate::seeding::Audience)) draw with it.
/// It is a partial Fisher–Yates shuffle: for `i` in `0..k`, one draw of
/// [`rng::below`](crate::rng::below)`(rng, len - i)` picks the item swapped
/// into place `i`. So it makes exactly `k` draws, and the same pool and
/// generator state give the same sample on every platform.
///
/// # Arguments
/// * `pool`: the items to draw from (consumed).
/// * `k`: how many to draw.
/// * `rng`: the generator, for example
///   [`rng::stream_rng`](crate::rng::stream_rng)`(seed, stream)`.
///
/// # Returns
/// The `k` items drawn, first drawn first.
///
/// # Errors
/// [`Error::InvalidParameter`] when `k > pool.len()`; nothing is drawn.
///
/// # Complexity
/// Time O(k) after the pool is built, no extra space (the pool is reused).
///
/// # Example
/// ```
/// use wom::rng::stream_rng;
/// use wom::seeding::sample_distinct;
/// let drawn = sample_distinct((0..10).collect(), 3, &mut stream_rng(7, 0))?;
/// assert_eq!(drawn.len(), 3);
/// assert!(drawn.iter().all(|&v: &u32| v < 10));
/// assert!(sample_distinct(vec![1, 2], 3, &mut stream_rng(7, 0)).is_err());
/// # Ok::<(), wom::Error>(())
/// ```
pub fn sample_distinct<T, R: Rng + ?Sized>(
    mut pool: Vec<T>,
    k: usize,
    rng: &mut R,
) -> Result<Vec<T>> {
    let len = pool.len();
    if k > len {
        return Err(Error::param(
            "count",
            k,
            format!("only {len} items to draw from"),
        ));
    }
    for i in 0..k {
        let j = i + below(rng, (len - i) as u64) as usize;
        pool.swap(i, j);
    }
    pool.truncate(k);
    Ok(pool)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::stream_rng;

    #[test]
    fn a_sample_is_a_uniform_subset() {
        // Each of 10 items is drawn with probability 3/10.
        let mut hits = [0u32; 10];
        for seed in 0..10_000 {
            let s = sample_distinct((0..10usize).collect(), 3, &mut stream_rng(seed, 0)).unwrap();
            assert_eq!(s.len(), 3);
            assert!(s[0] != s[1] && s[1] != s[2] && s[0] != s[2]);
            for v in s {
                hits[v] += 1;
            }
        }
        // Binomial(10000, 0.3): sd ~ 45.8.
        for h in hits {
            assert!((f64::from(h) - 3_000.0).abs() < 4.0 * 45.8, "{hits:?}");
        }
    }
}
