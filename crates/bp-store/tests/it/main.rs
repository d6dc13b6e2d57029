//! Integration tests of bp-store, in one binary: the backend conformance suite (history,
//! records, metric rollups, aggregates, migrations) and the history writer, each case run
//! against SQLite and against PostgreSQL.
//!
//! A case is an `async fn(&TestDb)` written once; `bp_testkit::both_backends!` generates
//! `sqlite::<case>` and `postgres::<case>` tests from it, so both backends answer the same
//! questions the same way. Filter with `cargo test -p bp-store sqlite::` (or `postgres::`).

mod harness;
mod history;
mod listing;
mod observe;
mod open_errors;
mod partitions;
mod records;
mod rollups;
mod scale;
mod stats;
mod upgrade;
mod writer;

bp_testkit::both_backends!(
    setup = crate::harness::TestDb::new;
    history::migrations_are_idempotent,
    history::first_opens_of_a_new_database_do_not_race,
    history::history_round_trip_keeps_every_field,
    history::owners_are_isolated,
    history::everyone_listing_spans_owners_and_keeps_filters,
    listing::keyset_pages_neither_overlap_nor_skip,
    listing::a_sparse_filter_pages_on_within_the_scan_budget,
    listing::counts_follow_inserts_deletes_and_retention,
    listing::search_is_a_case_insensitive_substring,
    listing::search_treats_like_wildcards_literally,
    listing::technique_and_intent_filters_are_exact,
    listing::primary_technique_segment_and_region_filters_are_exact,
    listing::date_range_is_inclusive_from_and_exclusive_to,
    listing::every_sort_orders_and_breaks_ties,
    history::delete_removes_only_the_owners_row,
    history::a_batch_is_all_or_nothing,
    history::a_large_batch_is_one_call,
    observe::every_call_reports_its_operation_and_timing,
    records::keys_round_trip_and_are_unique,
    records::key_lifecycle_round_trips,
    records::feedback_rules,
    records::feedback_goes_with_its_history_row,
    records::health_and_pool_stats_are_sane,
    rollups::rollup_upsert_replaces_the_payload,
    rollups::rollup_listing_is_a_half_open_range_in_order,
    rollups::rollup_prune_counts_what_it_deletes,
    rollups::rollup_sources_are_per_resolution_and_range,
    rollups::rollup_payloads_round_trip_exactly,
    rollups::fleet_records_replace_or_keep_list_newest_first_and_prune,
    stats::feedback_stats_group_by_primary_technique,
    stats::count_history_counts_every_owner,
    upgrade::a_0001_database_upgrades_to_the_current_schema,
    scale::a_page_costs_the_same_at_200k_rows_as_at_10,
    writer::concurrent_submits_are_group_committed,
    writer::a_full_queue_rejects_without_enqueuing,
    writer::shutdown_flushes_everything_queued,
    writer::a_bad_submission_does_not_fail_its_batch,
    writer::a_submission_outlives_its_writer_handle,
);
