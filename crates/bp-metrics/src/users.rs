//! Distinct callers per window ("concurrent users"), bounded in memory.
//!
//! Exact up to [`EXACT_LIMIT`] callers, then a HyperLogLog sketch (4096 one-byte
//! registers, ≈ 1.6 % standard error). Both forms merge: sets by union, sketches by
//! register-wise maximum, so distinct users over a minute or a filter-free range are a
//! true union, not a sum of windows.

use base64::engine::general_purpose::STANDARD as BASE64;
use rustc_hash::FxHashSet;
use serde::{Deserialize, Serialize};

/// Callers kept exactly before switching to the sketch.
pub const EXACT_LIMIT: usize = 1024;
/// log2 of the number of registers.
const P: u32 = 12;
const REGISTERS: usize = 1 << P;

/// A mergeable count of distinct caller hashes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DistinctUsers {
    /// The mixed caller hashes themselves.
    Exact(#[serde(with = "sorted_set")] FxHashSet<u64>),
    /// HyperLogLog registers, base64 in the stored form.
    Sketch(#[serde(with = "registers")] Box<[u8]>),
}

impl Default for DistinctUsers {
    fn default() -> Self {
        DistinctUsers::Exact(FxHashSet::default())
    }
}

impl DistinctUsers {
    /// Adds one caller (a hash of its key id or address).
    pub fn insert(&mut self, caller_hash: u64) {
        let mixed = mix(caller_hash);
        match self {
            DistinctUsers::Exact(set) => {
                set.insert(mixed);
                if set.len() > EXACT_LIMIT {
                    *self = DistinctUsers::Sketch(sketch_of(set));
                }
            }
            DistinctUsers::Sketch(registers) => add_to_sketch(registers, mixed),
        }
    }

    /// Union with `other`.
    pub fn merge(&mut self, other: &DistinctUsers) {
        match (&mut *self, other) {
            (DistinctUsers::Exact(mine), DistinctUsers::Exact(theirs)) => {
                mine.extend(theirs.iter().copied());
                if mine.len() > EXACT_LIMIT {
                    *self = DistinctUsers::Sketch(sketch_of(mine));
                }
            }
            (DistinctUsers::Sketch(mine), DistinctUsers::Exact(theirs)) => {
                theirs.iter().for_each(|&h| add_to_sketch(mine, h));
            }
            (DistinctUsers::Exact(mine), DistinctUsers::Sketch(theirs)) => {
                let mut registers = theirs.clone();
                mine.iter().for_each(|&h| add_to_sketch(&mut registers, h));
                *self = DistinctUsers::Sketch(registers);
            }
            (DistinctUsers::Sketch(mine), DistinctUsers::Sketch(theirs)) => {
                for (m, t) in mine.iter_mut().zip(theirs.iter()) {
                    *m = (*m).max(*t);
                }
            }
        }
    }

    /// The number of distinct callers (exact, or the sketch's estimate).
    pub fn count(&self) -> u64 {
        match self {
            DistinctUsers::Exact(set) => set.len() as u64,
            DistinctUsers::Sketch(registers) => estimate(registers),
        }
    }

    pub fn is_exact(&self) -> bool {
        matches!(self, DistinctUsers::Exact(_))
    }
}

/// SplitMix64's finaliser: callers may pass hashes with weak low bits (or small ids); the
/// sketch needs uniformly spread bits.
fn mix(mut x: u64) -> u64 {
    x ^= x >> 30;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

fn sketch_of(set: &FxHashSet<u64>) -> Box<[u8]> {
    let mut registers = vec![0u8; REGISTERS].into_boxed_slice();
    set.iter().for_each(|&h| add_to_sketch(&mut registers, h));
    registers
}

fn add_to_sketch(registers: &mut [u8], mixed: u64) {
    let index = (mixed >> (64 - P)) as usize;
    // Rank of the first set bit in the remaining 52 bits, 1-based; all-zero gives 53.
    let rest = mixed << P;
    let rank = (rest.leading_zeros().min(64 - P) + 1) as u8;
    if let Some(r) = registers.get_mut(index) {
        *r = (*r).max(rank);
    }
}

/// HyperLogLog estimate with the small-range (linear counting) correction; a 64-bit hash
/// needs no large-range correction.
fn estimate(registers: &[u8]) -> u64 {
    let m = registers.len() as f64;
    let alpha = 0.7213 / (1.0 + 1.079 / m);
    let inverse_sum: f64 = registers.iter().map(|&r| 2f64.powi(-i32::from(r))).sum();
    let raw = alpha * m * m / inverse_sum;
    let zeros = registers.iter().filter(|&&r| r == 0).count();
    let estimate = if raw <= 2.5 * m && zeros > 0 {
        m * (m / zeros as f64).ln()
    } else {
        raw
    };
    estimate.round() as u64
}

mod sorted_set {
    use rustc_hash::FxHashSet;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(set: &FxHashSet<u64>, s: S) -> Result<S::Ok, S::Error> {
        // Sorted, so equal sets store identical bytes.
        let mut hashes: Vec<u64> = set.iter().copied().collect();
        hashes.sort_unstable();
        hashes.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<FxHashSet<u64>, D::Error> {
        Ok(Vec::<u64>::deserialize(d)?.into_iter().collect())
    }
}

mod registers {
    use super::{BASE64, REGISTERS};
    use base64::Engine as _;
    use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

    pub fn serialize<S: Serializer>(registers: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&BASE64.encode(registers))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Box<[u8]>, D::Error> {
        let text = String::deserialize(d)?;
        let bytes = BASE64.decode(text).map_err(D::Error::custom)?;
        if bytes.len() != REGISTERS {
            return Err(D::Error::custom(format!(
                "a users sketch has {REGISTERS} registers, not {}",
                bytes.len()
            )));
        }
        Ok(bytes.into_boxed_slice())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_below_the_limit_and_close_above_it() {
        let mut users = DistinctUsers::default();
        for caller in 0..EXACT_LIMIT as u64 {
            users.insert(caller);
            users.insert(caller); // repeats count once
        }
        assert!(users.is_exact());
        assert_eq!(users.count(), EXACT_LIMIT as u64);
        for caller in EXACT_LIMIT as u64..50_000 {
            users.insert(caller);
        }
        assert!(!users.is_exact());
        let error = (users.count() as f64 - 50_000.0).abs() / 50_000.0;
        assert!(error < 0.05, "estimate {} for 50 000", users.count());
    }

    #[test]
    fn merging_is_a_union_in_every_form() {
        let (mut a, mut b) = (DistinctUsers::default(), DistinctUsers::default());
        (0..600).for_each(|c| a.insert(c));
        (300..900).for_each(|c| b.insert(c));
        let mut exact = a.clone();
        exact.merge(&b);
        assert_eq!(exact.count(), 900);

        let mut big = DistinctUsers::default();
        (0..20_000).for_each(|c| big.insert(c));
        let mut mixed = a.clone();
        mixed.merge(&big); // exact ∪ sketch: a ⊂ big
        let error = (mixed.count() as f64 - 20_000.0).abs() / 20_000.0;
        assert!(error < 0.05);
        let json = serde_json::to_string(&mixed).unwrap();
        assert_eq!(serde_json::from_str::<DistinctUsers>(&json).unwrap(), mixed);
    }
}
