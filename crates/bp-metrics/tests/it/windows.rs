//! Window alignment, boundaries, gaps, sequence numbers and late samples.

use crate::support::{SECOND_US, sample};
use bp_metrics::{Recorder, RecorderConfig};
use std::time::Duration;

fn recorder(window_secs: u64, start_us: u64) -> Recorder {
    let config = RecorderConfig {
        window: Duration::from_secs(window_secs),
        ..RecorderConfig::default()
    };
    Recorder::new(config, start_us).expect("valid config")
}

#[test]
fn windows_are_aligned_to_multiples_of_their_length() {
    // Starting mid-window: the first window is still the aligned one containing the start.
    let start = 1_700_000_003 * SECOND_US + 123_456;
    let rec = recorder(5, start);
    let windows = rec.close_until(start + 60 * SECOND_US);
    assert!(!windows.is_empty());
    for w in &windows {
        assert_eq!(w.start_unix_us % (5 * SECOND_US), 0);
        assert_eq!(w.end_unix_us - w.start_unix_us, 5 * SECOND_US);
        assert!(w.end_unix_us <= start + 60 * SECOND_US);
    }
    assert!(windows[0].start_unix_us <= start && start < windows[0].end_unix_us);
    for pair in windows.windows(2) {
        assert_eq!(pair[0].end_unix_us, pair[1].start_unix_us, "no gaps");
        assert_eq!(
            pair[0].seq + 1,
            pair[1].seq,
            "seq strictly increasing by one"
        );
    }
}

#[test]
fn a_sample_exactly_at_a_boundary_goes_to_the_later_window() {
    let rec = recorder(5, 0);
    rec.record(&sample(5 * SECOND_US - 1, 100)); // last microsecond of window 0
    rec.record(&sample(5 * SECOND_US, 200)); // first microsecond of window 1
    rec.record(&sample(10 * SECOND_US - 1, 300));
    let windows = rec.close_until(10 * SECOND_US);
    assert_eq!(windows.len(), 2);
    assert_eq!(windows[0].total.requests(), 1);
    assert_eq!(windows[0].total.latency.max_us(), Some(100));
    assert_eq!(windows[1].total.requests(), 2);
    assert_eq!(windows[1].total.latency.min_us(), Some(200));
}

#[test]
fn close_until_returns_each_ended_window_once_including_empty_gaps() {
    let rec = recorder(1, 100 * SECOND_US);
    rec.record(&sample(100 * SECOND_US + 10, 50));
    rec.record(&sample(104 * SECOND_US + 10, 50));
    // Not yet ended: nothing.
    assert!(rec.close_until(100 * SECOND_US + 999_999).is_empty());
    let first = rec.close_until(101 * SECOND_US);
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].seq, 0);
    // Called again at the same time: nothing new.
    assert!(rec.close_until(101 * SECOND_US).is_empty());
    // Four seconds later: windows 101..=104 ended, three of them empty.
    let rest = rec.close_until(105 * SECOND_US + 500_000);
    let counts: Vec<u64> = rest.iter().map(|w| w.total.requests()).collect();
    assert_eq!(counts, [0, 0, 0, 1]);
    let seqs: Vec<u64> = rest.iter().map(|w| w.seq).collect();
    assert_eq!(seqs, [1, 2, 3, 4]);
    assert_eq!(rec.next_close_at_us(), 106 * SECOND_US);
}

#[test]
fn first_seq_continues_a_stream_after_a_restart() {
    let config = RecorderConfig {
        first_seq: 41,
        ..RecorderConfig::default()
    };
    let rec = Recorder::new(config, 0).unwrap();
    let windows = rec.close_until(10 * SECOND_US);
    assert_eq!(windows.iter().map(|w| w.seq).collect::<Vec<_>>(), [41, 42]);
}

#[test]
fn late_samples_count_in_the_oldest_open_window_and_are_reported() {
    let rec = recorder(5, 0);
    rec.record(&sample(SECOND_US, 100));
    let closed = rec.close_until(5 * SECOND_US);
    assert_eq!(closed[0].total.requests(), 1);
    // Completed in window 0 (closed), recorded after: lands in window 1, flagged late.
    rec.record(&sample(2 * SECOND_US, 100));
    rec.record(&sample(6 * SECOND_US, 100));
    let next = rec.close_until(10 * SECOND_US);
    assert_eq!(next[0].total.requests(), 2);
    assert_eq!(next[0].late_samples, 1);
    assert_eq!(closed[0].late_samples, 0);
}

#[test]
fn a_recorder_started_mid_window_covers_only_what_it_observed() {
    let start = 1_700_000_003 * SECOND_US + 250_000;
    let rec = recorder(5, start);
    let windows = rec.close_until(1_700_000_010 * SECOND_US);
    assert_eq!(windows.len(), 2);
    // Window [1_700_000_000, 1_700_000_005): observed from 3.25 s in.
    assert_eq!(windows[0].covered_us, 1_750_000);
    assert_eq!(windows[1].covered_us, 5 * SECOND_US);
}

#[test]
fn close_all_cuts_the_open_window_at_now_and_keeps_its_samples() {
    let rec = recorder(5, 0);
    rec.record(&sample(3 * SECOND_US, 100));
    rec.record(&sample(6 * SECOND_US, 200));
    rec.record(&sample(7 * SECOND_US, 300));
    let windows = rec.close_all(7 * SECOND_US + 500_000);
    assert_eq!(windows.len(), 2, "the ended window and the open one");
    assert_eq!(windows[0].total.requests(), 1);
    assert_eq!(windows[0].covered_us, 5 * SECOND_US);
    assert_eq!(windows[1].total.requests(), 2);
    assert_eq!(windows[1].end_unix_us, 10 * SECOND_US, "still aligned");
    assert_eq!(windows[1].covered_us, 2_500_000, "observed up to now only");
    assert_eq!(windows[1].seq, windows[0].seq + 1);
    assert!(
        rec.close_all(8 * SECOND_US).is_empty(),
        "nothing left to close"
    );
}
