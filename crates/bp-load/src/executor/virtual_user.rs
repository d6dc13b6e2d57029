//! The loop every virtual user runs, whatever the model: ask the pacer when to fire, pick
//! an endpoint and a prompt, send over the user's own connection (reconnecting when needed),
//! check the response, record the sample.

use super::Shared;
use super::pacer::Pacer;
use crate::client::{Body, Connection, technique_check};
use crate::mix::Endpoint;
use crate::recorder::{Outcome, Sample};
use crate::schedule::Model;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use tokio::time::Instant;

/// The loop every virtual user runs, whatever the model.
pub(super) async fn virtual_user(
    shared: Arc<Shared>,
    scenario: usize,
    index: u32,
    user: usize,
    seed: u64,
) {
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut pacer = Pacer::new(&shared, scenario, index);
    let mut connection: Option<Connection> = None;
    let think_time = match shared.plan.scenarios[scenario].schedule.model {
        Model::Closed { think_time } => Some(think_time),
        Model::Open { .. } => None,
    };
    let region = shared.regions[scenario].as_deref();
    // The user's request buffer, reused: it grows to its largest request and stays there.
    let mut request = Vec::new();
    // One timer per user, moved only when less than one timeout is left: arming a fresh
    // timer per request was a measurable share of the CPU per request, and a timeout only
    // has to bound a request, not time it. So a request is cut after between one and two
    // timeouts.
    let timeout = shared.request_timeout;
    let mut deadline = Box::pin(tokio::time::sleep(2 * timeout));
    while let Some(slot) = pacer.next(&shared, &mut rng).await {
        if shared.claimed.fetch_add(1, Ordering::Relaxed) >= shared.max_requests {
            break;
        }
        shared.in_flight.fetch_add(1, Ordering::Relaxed);
        if think_time.is_none() {
            shared.open_in_flight.fetch_add(1, Ordering::Relaxed);
        }
        let endpoint = shared.mix.pick(&mut rng);
        let cursor = rng.random_range(0..shared.prompts.len());
        shared.parts.write(
            &mut request,
            user,
            endpoint,
            region,
            &shared.prompts,
            cursor,
        );
        // Only enhance and batch responses are checked against the labels.
        let body = match endpoint {
            Endpoint::Enhance | Endpoint::Batch => Body::Keep,
            _ => Body::Discard,
        };
        let exchange = async {
            let reusable = match connection.take() {
                Some(mut c) => c.ready().then_some(c),
                None => None,
            };
            let mut conn = match reusable {
                Some(c) => c,
                None => Connection::open(shared.parts.addr())
                    .await
                    .map_err(|_| Outcome::Connect)?,
            };
            let result = conn.send(&request, body).await;
            // A connection the response closed goes now, not at the next request.
            if result.is_ok() && !conn.is_closed() {
                connection = Some(conn);
            }
            result
        };
        if deadline.deadline() < slot.started + timeout {
            deadline.as_mut().reset(slot.started + 2 * timeout);
        }
        let result = tokio::select! {
            biased;
            result = exchange => Some(result),
            () = deadline.as_mut() => None,
        };
        let (outcome, checked, correct) = match result {
            None => (Outcome::Timeout, 0, 0),
            Some(Err(outcome)) => (outcome, 0, 0),
            Some(Ok((status, body))) if (200..300).contains(&status) => {
                let (checked, correct) = technique_check(endpoint, &body, &shared.prompts, cursor);
                (Outcome::Ok, checked, correct)
            }
            Some(Ok((status, _))) => (Outcome::Status(status), 0, 0),
        };
        let ended = Instant::now();
        let latency = ended.saturating_duration_since(slot.measure_from);
        shared.recorder.record(
            user,
            &Sample {
                scenario,
                endpoint,
                latency_us: latency.as_micros() as u64,
                outcome,
                lag_us: slot.lag.as_micros() as u64,
                overdue_us: slot.overdue.as_micros() as u64,
                checked,
                correct,
            },
        );
        shared.in_flight.fetch_sub(1, Ordering::Relaxed);
        if think_time.is_none() {
            shared.open_in_flight.fetch_sub(1, Ordering::Relaxed);
        }
        pacer.finished(ended, &mut rng, think_time);
    }
}
