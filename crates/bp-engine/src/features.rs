//! Hashed sparse features of a prompt: word unigrams, word bigrams, word prefixes and the
//! opening words.
//!
//! Feature hashing keeps the model a fixed-size table with no vocabulary to store or look up;
//! prefixes stand in for character n-grams (summarise/summarize/summary share "summa") at a
//! fraction of their cost.

use crate::text::words;
use rustc_hash::FxHasher;
use std::hash::Hasher;

/// Number of hash buckets (a power of two). 2^17 keeps collisions rare for our vocabulary
/// while the whole model stays a few MiB.
pub const N_BUCKETS: usize = 1 << 17;
const PREFIX_CHARS: usize = 5;

/// Salts keep the three feature kinds in separate hash spaces.
const SALT_UNIGRAM: u64 = 0x9e37_79b9_7f4a_7c15;
const SALT_BIGRAM: u64 = 0xc2b2_ae3d_27d4_eb4f;
const SALT_PREFIX: u64 = 0x1656_67b1_9e37_79f9;
const SALT_OPENING: u64 = 0x27d4_eb2f_1656_67c5;
/// How many leading words also count as "opening" features: how a prompt starts ("write",
/// "what is", "my … keeps") says much about what it wants.
const OPENING_WORDS: usize = 2;

fn hash_str(salt: u64, s: &str) -> u64 {
    let mut h = FxHasher::default();
    h.write_u64(salt);
    h.write(s.as_bytes());
    h.finish()
}

/// Final avalanche so the low bits used as the bucket index are well mixed.
fn bucket(h: u64) -> u32 {
    let h = (h ^ (h >> 31)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    let h = h ^ (h >> 29);
    (h as usize & (N_BUCKETS - 1)) as u32
}

/// Appends the feature buckets of `lower` (already lower-cased) to `out`, and returns the
/// number of words seen. Buckets may repeat; models decide how to count repeats.
pub fn extract(lower: &str, out: &mut Vec<u32>) -> usize {
    let mut previous: Option<u64> = None;
    let mut n_words = 0;
    for word in words(lower) {
        n_words += 1;
        let unigram = hash_str(SALT_UNIGRAM, word);
        out.push(bucket(unigram));
        if let Some(prev) = previous {
            out.push(bucket(prev.rotate_left(17) ^ unigram ^ SALT_BIGRAM));
        }
        if n_words <= OPENING_WORDS {
            out.push(bucket(unigram ^ SALT_OPENING));
        }
        previous = Some(unigram);
        if let Some((cut, _)) = word.char_indices().nth(PREFIX_CHARS) {
            out.push(bucket(hash_str(SALT_PREFIX, &word[..cut])));
        }
    }
    n_words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_text_same_features_and_prefixes_shared() {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        assert_eq!(extract("please summarise this", &mut a), 3);
        extract("please summarize this", &mut b);
        assert_eq!(a.len(), b.len());
        // "please" unigram+prefix, bigrams differ, "summa" prefix is shared.
        let shared = a.iter().filter(|x| b.contains(x)).count();
        assert!(shared >= 4, "{a:?} vs {b:?}");
        assert!(a.iter().all(|&x| (x as usize) < N_BUCKETS));
    }
}
