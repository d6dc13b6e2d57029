//! The one error type of the store, and its protocol-neutral [`ErrorCode`].
//!
//! Errors are `Clone` because the group-commit writer hands the outcome of one transaction to
//! every submitter whose rows were in it; causes are therefore kept behind an `Arc`.

use bp_api::ErrorCode;
use std::sync::Arc;

/// The cause of a backend failure, shareable between the submitters of one batch.
pub type Cause = Arc<dyn std::error::Error + Send + Sync + 'static>;

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    /// The row does not exist, or belongs to someone else (the two are indistinguishable on
    /// purpose: callers answer 404 either way and leak nothing).
    #[error("not found")]
    NotFound,
    /// A uniqueness rule was violated; the message names the rule, never the data.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The history writer's bounded queue has no room for the submitted rows.
    #[error("the history write queue is full")]
    QueueFull,
    /// The store or the writer has been shut down.
    #[error("the store is shut down")]
    Closed,
    /// The configuration cannot work (bad URL, bad schema name, ...).
    #[error("invalid store configuration: {0}")]
    InvalidConfig(String),
    /// The database cannot be reached or is temporarily unable to serve: retrying later may
    /// succeed (connection lost, pool timeout, database busy, disk full).
    #[error("database unavailable while trying to {operation}")]
    Unavailable {
        operation: &'static str,
        #[source]
        source: Cause,
    },
    /// A call ran out of its time (a listing past its statement timeout, a read that waited
    /// too long for a connection): the server is busy; retrying shortly may succeed.
    #[error("timed out while trying to {operation}")]
    TimedOut { operation: &'static str },
    /// The database rejected a statement: a bug or a corrupt database, retrying will not help.
    #[error("database error while trying to {operation}")]
    Backend {
        operation: &'static str,
        #[source]
        source: Cause,
    },
    /// A stored value could not be decoded (an unknown enum id, a timestamp out of range).
    #[error("corrupt stored value in column `{column}`")]
    Corrupt {
        column: &'static str,
        #[source]
        source: Cause,
    },
    /// A database task panicked; the panic itself was logged where it happened.
    #[error("a database task panicked while trying to {operation}")]
    Panicked { operation: &'static str },
}

impl StoreError {
    /// The protocol-neutral code the server maps to an HTTP status.
    pub fn code(&self) -> ErrorCode {
        match self {
            StoreError::NotFound => ErrorCode::NotFound,
            StoreError::Conflict(_) => ErrorCode::Conflict,
            StoreError::QueueFull | StoreError::TimedOut { .. } => ErrorCode::Overloaded,
            StoreError::Closed | StoreError::Unavailable { .. } => ErrorCode::Unavailable,
            StoreError::InvalidConfig(_)
            | StoreError::Backend { .. }
            | StoreError::Corrupt { .. }
            | StoreError::Panicked { .. } => ErrorCode::Internal,
        }
    }

    pub(crate) fn unavailable(
        operation: &'static str,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        StoreError::Unavailable {
            operation,
            source: Arc::new(source),
        }
    }

    pub(crate) fn backend(
        operation: &'static str,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        StoreError::Backend {
            operation,
            source: Arc::new(source),
        }
    }

    pub(crate) fn corrupt(
        column: &'static str,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        StoreError::Corrupt {
            column,
            source: Arc::new(source),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    #[test]
    fn every_variant_maps_to_the_documented_code() {
        let io = || std::io::Error::other("boom");
        let cases = [
            (StoreError::NotFound, ErrorCode::NotFound),
            (StoreError::Conflict("dup".into()), ErrorCode::Conflict),
            (StoreError::QueueFull, ErrorCode::Overloaded),
            (StoreError::Closed, ErrorCode::Unavailable),
            (
                StoreError::unavailable("ping", io()),
                ErrorCode::Unavailable,
            ),
            (StoreError::backend("ping", io()), ErrorCode::Internal),
            (StoreError::corrupt("intent", io()), ErrorCode::Internal),
            (StoreError::InvalidConfig("x".into()), ErrorCode::Internal),
            (
                StoreError::Panicked { operation: "ping" },
                ErrorCode::Internal,
            ),
        ];
        for (error, code) in cases {
            assert_eq!(error.code(), code, "{error}");
        }
    }

    #[test]
    fn backend_errors_keep_their_cause_as_source() {
        let error = StoreError::backend("insert history", std::io::Error::other("disk on fire"));
        assert_eq!(
            error.to_string(),
            "database error while trying to insert history"
        );
        let source = error.source().expect("a source");
        assert_eq!(source.to_string(), "disk on fire");
        // Cloning shares the cause rather than losing it.
        assert!(error.clone().source().is_some());
    }
}
