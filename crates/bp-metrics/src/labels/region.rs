//! Region names interned to small ids without a lock on the hot path.
//!
//! Regions come from a request header, so the set must be capped: the first
//! `max_regions` distinct valid names get their own id, everything else (and anything
//! that is not a plausible region name) shares [`RegionId::OTHER`]. Lookups scan a short
//! array of write-once slots with no lock; only the first sighting of a new name takes
//! a mutex, at most `max_regions` times in the life of the process.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};

/// Longest accepted region name; longer ones are not region names but noise.
const MAX_REGION_LEN: usize = 32;

/// The label value shared by every region beyond the cap or with an invalid name.
pub const OTHER_REGION: &str = "other";

/// A region's index in its recorder's [`RegionTable`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegionId(pub(crate) u16);

impl RegionId {
    /// The overflow region `"other"`.
    pub const OTHER: RegionId = RegionId(0);
}

/// The interning table; one per recorder.
#[derive(Debug)]
pub struct RegionTable {
    /// Slot 0 is `"other"`; slots `1..filled` hold lower-case names in arrival order.
    slots: Box<[OnceLock<Box<str>>]>,
    filled: AtomicUsize,
    insert: Mutex<()>,
}

impl RegionTable {
    /// A table that gives ids to at most `max_regions` distinct names besides `"other"`.
    pub fn new(max_regions: usize) -> RegionTable {
        let slots: Box<[OnceLock<Box<str>>]> = (0..=max_regions).map(|_| OnceLock::new()).collect();
        // Slot 0 is always present: `get` and `name` rely on it.
        let _ = slots[0].set(OTHER_REGION.into());
        RegionTable {
            slots,
            filled: AtomicUsize::new(1),
            insert: Mutex::new(()),
        }
    }

    /// The id of `name` (ASCII case-insensitive), giving it one if there is room.
    pub fn intern(&self, name: &str) -> RegionId {
        if let Some(id) = self.find(name, self.filled.load(Ordering::Acquire)) {
            return id;
        }
        if !is_region_name(name) {
            return RegionId::OTHER;
        }
        // Slow path, taken once per new name: re-check under the lock, then publish.
        let _guard = self.insert.lock().unwrap_or_else(PoisonError::into_inner);
        let filled = self.filled.load(Ordering::Acquire);
        if let Some(id) = self.find(name, filled) {
            return id;
        }
        if filled >= self.slots.len() {
            return RegionId::OTHER;
        }
        let _ = self.slots[filled].set(name.to_ascii_lowercase().into_boxed_str());
        self.filled.store(filled + 1, Ordering::Release);
        // `filled` < slots.len() <= u16::MAX + 1 is checked by the config.
        RegionId(u16::try_from(filled).unwrap_or(0))
    }

    /// The name of an id this table handed out.
    pub fn name(&self, id: RegionId) -> &str {
        self.slots
            .get(usize::from(id.0))
            .and_then(OnceLock::get)
            .map_or(OTHER_REGION, |name| name)
    }

    fn find(&self, name: &str, filled: usize) -> Option<RegionId> {
        self.slots[..filled.min(self.slots.len())]
            .iter()
            .position(|slot| slot.get().is_some_and(|s| s.eq_ignore_ascii_case(name)))
            .and_then(|i| u16::try_from(i).ok())
            .map(RegionId)
    }
}

/// `us-east`, `eu_west_1`, `ap-south`: ASCII letters, digits, `-` and `_`, 1..=32 long.
fn is_region_name(name: &str) -> bool {
    (1..=MAX_REGION_LEN).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_are_interned_case_insensitively_and_capped() {
        let table = RegionTable::new(2);
        let us = table.intern("us-east");
        assert_eq!(table.intern("US-East"), us);
        let eu = table.intern("eu-west");
        assert_ne!(us, eu);
        assert_eq!(table.intern("ap-south"), RegionId::OTHER, "beyond the cap");
        assert_eq!(table.intern("not a region!"), RegionId::OTHER);
        assert_eq!(table.intern(""), RegionId::OTHER);
        assert_eq!(table.intern("other"), RegionId::OTHER);
        assert_eq!(table.name(us), "us-east");
        assert_eq!(table.name(RegionId::OTHER), "other");
    }
}
