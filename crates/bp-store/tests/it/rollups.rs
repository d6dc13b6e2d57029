//! Conformance cases for metric rollups (upsert, range listing, order, pruning, the latest
//! window, payloads kept byte for byte) and for the fleet records stored beside them.

use crate::harness::TestDb;
use bp_store::{FleetRecord, OnConflict, RecordKind, RollupRow};

fn rollup(resolution_secs: u32, window_start_us: i64, source: &str, payload: &[u8]) -> RollupRow {
    RollupRow {
        resolution_secs,
        window_start_us,
        source: source.to_owned(),
        payload: payload.to_vec(),
    }
}

async fn all(db: &TestDb, resolution_secs: u32) -> Vec<RollupRow> {
    db.store
        .list_rollups(resolution_secs, i64::MIN, i64::MAX)
        .await
        .expect("list")
}

pub async fn rollup_upsert_replaces_the_payload(db: &TestDb) {
    db.store
        .upsert_rollups(&[
            rollup(5, 0, "a", b"first"),
            rollup(5, 0, "b", b"other instance"),
            rollup(60, 0, "a", b"other resolution"),
        ])
        .await
        .expect("upsert");
    // A restarted instance rewrites its last window; a new window arrives in the same call.
    db.store
        .upsert_rollups(&[
            rollup(5, 0, "a", b"rewritten"),
            rollup(5, 5_000_000, "a", b"next"),
        ])
        .await
        .expect("upsert again");
    assert_eq!(
        all(db, 5).await,
        [
            rollup(5, 0, "a", b"rewritten"),
            rollup(5, 0, "b", b"other instance"),
            rollup(5, 5_000_000, "a", b"next"),
        ]
    );
    assert_eq!(all(db, 60).await, [rollup(60, 0, "a", b"other resolution")]);

    // A key repeated within one call ends with its last payload.
    db.store
        .upsert_rollups(&[
            rollup(5, 0, "b", b"one"),
            rollup(5, 0, "b", b"two"),
            rollup(5, 0, "b", b"three"),
        ])
        .await
        .expect("a repeated key is fine");
    db.store.upsert_rollups(&[]).await.expect("nothing to do");
    let rows = all(db, 5).await;
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[1], rollup(5, 0, "b", b"three"));
}

pub async fn rollup_listing_is_a_half_open_range_in_order(db: &TestDb) {
    // Sources whose byte order differs from a typical locale's ("B" < "a", "a-2" < "a1").
    let sources = ["a1", "B", "a", "a-2", "é", "z"];
    let starts = [-10_000_000, 0, 5_000_000, 10_000_000, 15_000_000];
    let mut rows = Vec::new();
    // Inserted newest first and in a scrambled source order, so the order must be the store's.
    for &start in starts.iter().rev() {
        for (i, source) in sources.iter().enumerate() {
            let payload = format!("{start}/{source}/{i}");
            rows.push(rollup(5, start, source, payload.as_bytes()));
        }
    }
    rows.push(rollup(60, 5_000_000, "a", b"another resolution"));
    db.store.upsert_rollups(&rows).await.expect("upsert");

    let mut expected: Vec<RollupRow> = rows
        .iter()
        .filter(|r| r.resolution_secs == 5 && (0..10_000_000).contains(&r.window_start_us))
        .cloned()
        .collect();
    // Rust's `String` order is byte order, which is what the store promises.
    expected.sort_by(|x, y| (x.window_start_us, &x.source).cmp(&(y.window_start_us, &y.source)));
    assert_eq!(expected.len(), 2 * sources.len());
    assert_eq!(expected[0].source, "B");
    let got = db.store.list_rollups(5, 0, 10_000_000).await.expect("list");
    assert_eq!(got, expected, "from is inclusive, to exclusive");

    let list = |from, to| db.store.list_rollups(5, from, to);
    assert!(list(1, 5_000_000).await.expect("list").is_empty());
    assert!(list(0, 0).await.expect("list").is_empty());
    assert!(
        list(10, 0).await.expect("list").is_empty(),
        "an empty range"
    );
    assert_eq!(
        list(-10_000_000, -9_999_999).await.expect("list").len(),
        sources.len(),
        "negative starts are ordinary values"
    );
    assert_eq!(all(db, 5).await.len(), starts.len() * sources.len());
    assert!(all(db, 3600).await.is_empty());
}

pub async fn rollup_prune_counts_what_it_deletes(db: &TestDb) {
    let mut rows = Vec::new();
    for start in (0..10).map(|i| i * 5_000_000) {
        rows.push(rollup(5, start, "a", b"x"));
        rows.push(rollup(5, start, "b", b"y"));
        rows.push(rollup(60, start, "a", b"z"));
    }
    db.store.upsert_rollups(&rows).await.expect("upsert");

    assert_eq!(
        db.store.prune_rollups(5, 0).await.expect("prune"),
        0,
        "nothing is older than the first window"
    );
    assert_eq!(
        db.store.prune_rollups(5, 15_000_000).await.expect("prune"),
        6,
        "windows 0, 5 s and 10 s of two sources; the one starting at the bound stays"
    );
    assert_eq!(
        db.store.prune_rollups(5, 15_000_000).await.expect("prune"),
        0,
        "already gone"
    );
    let left = all(db, 5).await;
    assert_eq!(left.len(), 14);
    assert_eq!(left[0].window_start_us, 15_000_000);
    assert_eq!(all(db, 60).await.len(), 10, "other resolutions untouched");
    assert_eq!(
        db.store.prune_rollups(3600, i64::MAX).await.expect("prune"),
        0
    );
    assert_eq!(
        db.store.prune_rollups(60, i64::MAX).await.expect("prune"),
        10
    );
    assert!(all(db, 60).await.is_empty());
}

pub async fn rollup_sources_are_per_resolution_and_range(db: &TestDb) {
    let sources = |resolution, from, to| db.store.rollup_sources(resolution, from, to);
    assert_eq!(
        sources(5, 0, i64::MAX).await.expect("sources"),
        Vec::<(String, i64)>::new()
    );
    db.store
        .upsert_rollups(&[
            rollup(5, 10_000_000, "b", b""),
            rollup(5, 20_000_000, "a", b""),
            rollup(5, 15_000_000, "a", b""),
            rollup(5, 30_000_000, "c", b""),
            rollup(60, 60_000_000, "d", b""),
            // Every u32 is a valid resolution.
            rollup(u32::MAX, i64::MAX - 1, "a", b""),
        ])
        .await
        .expect("upsert");
    let owned = |v: &[(&str, i64)]| -> Vec<(String, i64)> {
        v.iter().map(|(s, t)| ((*s).to_owned(), *t)).collect()
    };
    assert_eq!(
        sources(5, 0, 30_000_000).await.expect("sources"),
        owned(&[("a", 20_000_000), ("b", 10_000_000)]),
        "newest start per source, by source, the end excluded"
    );
    assert_eq!(
        sources(5, 15_000_000, 16_000_000).await.expect("sources"),
        owned(&[("a", 15_000_000)])
    );
    assert_eq!(
        sources(60, i64::MIN, i64::MAX).await.expect("sources"),
        owned(&[("d", 60_000_000)])
    );
    assert_eq!(
        sources(u32::MAX, 0, i64::MAX).await.expect("sources"),
        owned(&[("a", i64::MAX - 1)])
    );
    db.store.prune_rollups(5, 20_000_000).await.expect("prune");
    assert_eq!(
        sources(5, 0, i64::MAX).await.expect("sources"),
        owned(&[("a", 20_000_000), ("c", 30_000_000)])
    );
}

pub async fn rollup_payloads_round_trip_exactly(db: &TestDb) {
    let every_byte: Vec<u8> = (0..=255).collect();
    // 1 MiB that no compressor shortens much, with zero bytes throughout (xorshift).
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mebibyte: Vec<u8> = (0..1 << 20)
        .map(|i| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            if i % 97 == 0 { 0 } else { state as u8 }
        })
        .collect();
    let payloads: [&[u8]; 7] = [
        b"",
        b"\0",
        b"\0\0\0",
        b"\xff\xfe not utf-8 \x80",
        b"ends with a zero\0",
        &every_byte,
        &mebibyte,
    ];
    let rows: Vec<RollupRow> = payloads
        .iter()
        .enumerate()
        .map(|(i, payload)| rollup(60, i as i64 * 60_000_000, "bytes", payload))
        .collect();
    db.store.upsert_rollups(&rows).await.expect("upsert");
    assert_eq!(all(db, 60).await, rows);

    // Replacing a large payload with an empty one, and the reverse.
    let swapped = [
        rollup(60, 0, "bytes", &mebibyte),
        rollup(60, 6 * 60_000_000, "bytes", b""),
    ];
    db.store.upsert_rollups(&swapped).await.expect("upsert");
    let got = all(db, 60).await;
    assert_eq!(got[0], swapped[0]);
    assert_eq!(got[6], swapped[1]);
}

fn record(kind: RecordKind, id: &str, at_us: i64, payload: &[u8]) -> FleetRecord {
    FleetRecord {
        kind,
        id: id.to_owned(),
        at_us,
        payload: payload.to_vec(),
    }
}

pub async fn fleet_records_replace_or_keep_list_newest_first_and_prune(db: &TestDb) {
    let store = &db.store;
    let put = |r: FleetRecord, on_conflict| async move {
        store.put_record(&r, on_conflict).await.expect("put")
    };
    use RecordKind::{Anomaly, LoadRun};
    assert!(
        put(
            record(LoadRun, "run-1", 10, b"first report"),
            OnConflict::Replace
        )
        .await
    );
    assert!(
        put(
            record(LoadRun, "run-1", 30, b"latest report"),
            OnConflict::Replace
        )
        .await
    );
    assert!(
        put(
            record(LoadRun, "run-2", 20, b"other run"),
            OnConflict::Replace
        )
        .await
    );
    // Two instances flag the same window: the first writes it, the second learns it was not.
    assert!(
        put(
            record(Anomaly, "20:error_rate", 20, b"first"),
            OnConflict::Keep
        )
        .await
    );
    assert!(
        !put(
            record(Anomaly, "20:error_rate", 20, b"second"),
            OnConflict::Keep
        )
        .await
    );
    // Same id in another kind, ties on `at_us` broken by id.
    assert!(put(record(Anomaly, "run-1", 20, b"tie"), OnConflict::Keep).await);

    let list = |kind, from, to, limit| async move {
        store
            .list_records(kind, from, to, limit)
            .await
            .expect("list")
            .into_iter()
            .map(|r| {
                assert_eq!(r.kind, kind);
                (r.id, r.at_us, String::from_utf8(r.payload).expect("utf-8"))
            })
            .collect::<Vec<_>>()
    };
    let s = |id: &str, at, p: &str| (id.to_owned(), at, p.to_owned());
    assert_eq!(
        list(LoadRun, i64::MIN, i64::MAX, 10).await,
        [s("run-1", 30, "latest report"), s("run-2", 20, "other run")]
    );
    assert_eq!(
        list(Anomaly, 0, 100, 10).await,
        [s("20:error_rate", 20, "first"), s("run-1", 20, "tie")]
    );
    // Half-open range and the limit keep the newest.
    assert_eq!(
        list(LoadRun, 20, 30, 10).await,
        [s("run-2", 20, "other run")]
    );
    assert_eq!(
        list(LoadRun, 0, 100, 1).await,
        [s("run-1", 30, "latest report")]
    );

    assert_eq!(store.prune_records(LoadRun, 30).await.expect("prune"), 1);
    assert_eq!(
        list(LoadRun, 0, 100, 10).await,
        [s("run-1", 30, "latest report")]
    );
    assert_eq!(list(Anomaly, 0, 100, 10).await.len(), 2, "other kinds stay");
}
