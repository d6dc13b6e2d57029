//! Labels that cross crate boundaries without being request fields: what the store reports
//! its calls as, read by the metrics and shown by the API (`/metrics` and the database
//! panel). Here so the store and the metrics both depend on the wire types only.

crate::vocabulary!(
    /// What a database call was for: the `operation` label of the query-time histogram.
    /// Closed and coarse (a class of statements, never a statement text), so the label
    /// stays low-cardinality.
    #[derive(utoipa::ToSchema)]
    DbOperation, "database operation", {
        /// A group commit of history rows.
        HistoryCommit => "history_commit",
        /// Reading one history row or a page of them.
        HistoryRead => "history_read",
        /// Deleting history rows: one by its owner, or past the retention.
        HistoryDelete => "history_delete",
        /// Preparing history's storage for the coming days (PostgreSQL's day partitions).
        HistoryMaintain => "history_maintain",
        /// Resolving an API key (behind the server's key cache).
        KeyLookup => "key_lookup",
        KeyWrite => "key_write",
        FeedbackWrite => "feedback_write",
        /// Whole-table aggregates: feedback statistics, history counts.
        Aggregate => "aggregate",
        /// Storing and pruning metric rollups.
        RollupWrite => "rollup_write",
        /// Reading metric rollups (queries, downsampling, stream resumes).
        RollupRead => "rollup_read",
        /// Storing and pruning fleet records (load runs, anomalies).
        RecordWrite => "record_write",
        /// Listing fleet records.
        RecordRead => "record_read",
        /// Readiness probes.
        Ping => "ping",
    }
);
