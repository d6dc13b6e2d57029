//! A pooled connection lent to one call, timed for the store's observer: the wait for the
//! connection, and the time the call then held it.

use super::{PostgresStore, pool_error};
use crate::error::{StoreError, StoreResult};
use crate::observe::{DbOperation, Observer};
use deadpool_postgres::Object;
use std::ops::{Deref, DerefMut};
use std::time::{Duration, Instant};

/// A pooled connection lent to one call. When dropped (the call finished, failed or was
/// cancelled) it reports the call's connection wait and its time on the connection.
pub(super) struct Checkout<'a> {
    client: Object,
    op: DbOperation,
    acquire: Duration,
    acquired_at: Instant,
    observer: &'a Observer,
}

impl Deref for Checkout<'_> {
    type Target = Object;

    fn deref(&self) -> &Object {
        &self.client
    }
}

impl DerefMut for Checkout<'_> {
    fn deref_mut(&mut self) -> &mut Object {
        &mut self.client
    }
}

impl Drop for Checkout<'_> {
    fn drop(&mut self) {
        self.observer
            .db_call(self.op, self.acquire, self.acquired_at.elapsed());
    }
}

/// How long a checkout may wait for a pooled connection.
#[derive(Clone, Copy)]
enum Wait {
    /// The pool's own wait timeout; past it the store is `Unavailable`.
    Pool,
    /// `READ_WAIT_TIMEOUT`; past it the call is `TimedOut` (shed, not failed).
    Read,
}

impl PostgresStore {
    /// A connection for one call of class `op`; the wait for it is measured from here.
    pub(super) async fn client(
        &self,
        op: DbOperation,
        operation: &'static str,
    ) -> StoreResult<Checkout<'_>> {
        self.checkout(op, operation, Wait::Pool).await
    }

    /// Like `client`, for a read that should rather fail (`TimedOut`) than wait long for a
    /// connection.
    pub(super) async fn read_client(
        &self,
        op: DbOperation,
        operation: &'static str,
    ) -> StoreResult<Checkout<'_>> {
        self.checkout(op, operation, Wait::Read).await
    }

    async fn checkout(
        &self,
        op: DbOperation,
        operation: &'static str,
        wait: Wait,
    ) -> StoreResult<Checkout<'_>> {
        let called_at = Instant::now();
        let got = match wait {
            Wait::Pool => self.pool.get().await,
            Wait::Read => {
                let timeouts = deadpool_postgres::Timeouts {
                    wait: Some(super::READ_WAIT_TIMEOUT),
                    ..self.pool.timeouts()
                };
                self.pool.timeout_get(&timeouts).await
            }
        };
        let client = got.map_err(|e| {
            // A call that never got a connection still waited for one.
            self.observer
                .db_call(op, called_at.elapsed(), Duration::ZERO);
            match (wait, e) {
                (
                    Wait::Read,
                    deadpool_postgres::PoolError::Timeout(deadpool_postgres::TimeoutType::Wait),
                ) => StoreError::TimedOut {
                    operation: "wait for a database connection",
                },
                (_, other) => pool_error(operation, other),
            }
        })?;
        let acquired_at = Instant::now();
        Ok(Checkout {
            client,
            op,
            acquire: acquired_at - called_at,
            acquired_at,
            observer: &self.observer,
        })
    }
}
