//! `GET /api/v1/metrics/stream`: a WebSocket that pushes every closed window of the fleet
//! (every instance's part merged; `source=` follows one instance) as soon as the instances
//! have stored it, and again, with a higher `revision`, when a late part changed it.
//! `?since=SEQ` resumes after a reconnect (from memory, or from the stored rollups for
//! older windows), on any instance; a `{"type":"filter",...}` message narrows what the
//! client gets. A
//! client that cannot keep up is disconnected — it resumes with `since` — so it never
//! slows the others or the API. A window the anomaly detector flagged carries an
//! `anomalies` array (process-wide, whatever the client's filter).

use super::range::RangeParams;
use crate::error::ApiError;
use crate::extract::Query;
use crate::state::AppState;
use crate::telemetry::anomalies::event as anomaly_event;
use crate::telemetry::{FleetWindow, LiveWindow};
use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use bp_api::metrics::{SlaTargets, StreamMessage, WindowMessage};
use bp_metrics::{Filter, WindowSnapshot};
use serde::Deserialize;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::broadcast::error::RecvError;

/// The largest message a client may send: its only message is a filter, a few hundred
/// bytes; anything larger closes the connection instead of being buffered.
const MAX_CLIENT_MESSAGE_BYTES: usize = 16 * 1024;

/// Windows a resuming client gets at most.
const MAX_BACKLOG: u64 = 120;

/// A client that takes longer than this to accept one message is dropped.
const SEND_TIMEOUT: Duration = Duration::from_secs(2);

/// A client is pinged once per window. One that has sent nothing, not even the pong a
/// WebSocket stack sends by itself while it reads, for this many windows (and at least
/// `MIN_SILENCE`) has stopped reading and is dropped: otherwise the kernel would buffer
/// megabytes for it, over hours, before a send ever blocked.
const SILENT_WINDOWS: u32 = 4;
const MIN_SILENCE: Duration = Duration::from_secs(10);

/// Read beside [`RangeParams`] (the initial filter) from the same query string.
#[derive(Debug, Default, Deserialize)]
pub struct StreamParams {
    /// Resume after this window: everything newer is sent first.
    since: Option<u64>,
}

/// A message from the client.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ClientMessage {
    Filter(RangeParams),
}

#[utoipa::path(get, path = "/metrics/stream", tag = "metrics",
    params(("since" = Option<u64>, Query, description = "Resume after this window's seq")),
    responses((status = 101, description = "WebSocket: one JSON message per closed window (schema `StreamMessage`)"),
              (status = 503, description = "Too many stream clients; retry after `Retry-After`", body = bp_api::ErrorBody)))]
pub async fn stream(
    State(state): State<AppState>,
    Query(params): Query<StreamParams>,
    Query(range): Query<RangeParams>,
    upgrade: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    let view = ClientView {
        filter: range.filter()?,
        source: range.source,
    };
    // Each client holds a task, a broadcast receiver and socket buffers: their number is
    // bounded like requests in flight, and the one over the limit is shed.
    let slot = state
        .stream_slot()
        .ok_or_else(|| ApiError::overloaded("too many metrics stream clients; retry shortly"))?;
    // A browser that offered its key as a subprotocol (`bearer.<key>`) needs one of its
    // offers echoed, or it drops the connection.
    Ok(upgrade
        .protocols([crate::middleware::auth::STREAM_PROTOCOL])
        .max_message_size(MAX_CLIENT_MESSAGE_BYTES)
        .max_frame_size(MAX_CLIENT_MESSAGE_BYTES)
        .on_upgrade(move |socket| async move {
            serve(socket, state, params, view).await;
            drop(slot);
        }))
}

/// What a client asked to see: a label filter, and the fleet or one instance.
struct ClientView {
    filter: Filter,
    source: Option<String>,
}

async fn serve(mut socket: WebSocket, state: AppState, params: StreamParams, mut view: ClientView) {
    // Subscribe before reading the backlog, so nothing closes unseen in between.
    let mut live = state.telemetry().subscribe();
    let mut last_sent = params.since;
    for window in backlog(&state, params.since, view.source.is_some()).await {
        if !send(&mut socket, &state, &window, &view, &mut last_sent).await {
            return;
        }
    }
    let window_length = state.telemetry().config().window;
    let max_silence = (window_length * SILENT_WINDOWS).max(MIN_SILENCE);
    let mut ping =
        tokio::time::interval_at(tokio::time::Instant::now() + window_length, window_length);
    ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_heard = Instant::now();
    loop {
        tokio::select! {
            _ = ping.tick() => {
                if last_heard.elapsed() > max_silence {
                    tracing::info!(silent = ?last_heard.elapsed(), "dropping a metrics stream client that stopped reading");
                    return;
                }
                let sent = tokio::time::timeout(SEND_TIMEOUT, socket.send(Message::Ping(Default::default()))).await;
                if !matches!(sent, Ok(Ok(()))) {
                    return;
                }
            }
            received = live.recv() => match received {
                Ok(window) => {
                    if !send(&mut socket, &state, &window, &view, &mut last_sent).await {
                        return;
                    }
                }
                Err(RecvError::Lagged(_)) => {
                    let notice = StreamMessage::Lagged { resume: "reconnect with ?since=".to_owned() };
                    let notice = Message::Text(serde_json::to_string(&notice).unwrap_or_default().into());
                    // Bounded like every send: a lagging client may be a stalled one.
                    let _ = tokio::time::timeout(SEND_TIMEOUT, socket.send(notice)).await;
                    return;
                }
                Err(RecvError::Closed) => return,
            },
            incoming = socket.recv() => {
                let Some(Ok(message)) = incoming else {
                    return;
                };
                last_heard = Instant::now();
                match message {
                    Message::Text(text) => {
                        if let Ok(ClientMessage::Filter(params)) = serde_json::from_str(&text)
                            && let Ok(filter) = params.filter()
                        {
                            view = ClientView { filter, source: params.source };
                        }
                    }
                    Message::Close(_) => return,
                    _ => {}
                }
            }
        }
    }
}

/// The fleet's windows after `since`: from the store for those older than the memory ring,
/// then the ring; all from the store when the client follows one instance (the ring keeps
/// only the fleet's merge).
async fn backlog(state: &AppState, since: Option<u64>, one_instance: bool) -> Vec<LiveWindow> {
    let Some(since) = since else {
        return Vec::new();
    };
    let telemetry = state.telemetry();
    let mut windows = Vec::new();
    let window_us = u64::try_from(telemetry.config().window.as_micros())
        .unwrap_or(5_000_000)
        .max(1);
    // A client back after a long absence gets the last MAX_BACKLOG windows, not all of
    // them: more than a live chart shows, and bounded work per reconnect. (Older ones are
    // skipped without a marker; the range queries have them.)
    let since = since.max((crate::telemetry::now_us() / window_us).saturating_sub(MAX_BACKLOG));
    let oldest_live = telemetry.oldest_live_seq().filter(|_| !one_instance);
    if oldest_live.is_none_or(|oldest| since + 1 < oldest) {
        // seq is the window's index since the epoch, so it maps straight to a time.
        let from_us = i64::try_from((since + 1).saturating_mul(window_us)).unwrap_or(i64::MAX);
        let to_us = oldest_live.map_or(i64::MAX, |o| {
            i64::try_from(o.saturating_mul(window_us)).unwrap_or(i64::MAX)
        });
        let resolution = u32::try_from(telemetry.config().window.as_secs()).unwrap_or(5);
        if let Ok(rows) = state.store().list_rollups(resolution, from_us, to_us).await {
            // Rows come by start, then source: one fleet window per start.
            let mut parts: Vec<(String, Arc<WindowSnapshot>)> = Vec::new();
            let mut rows = rows.into_iter().peekable();
            while let Some(row) = rows.next() {
                let start = row.window_start_us;
                if let Ok(w) = WindowSnapshot::from_bytes(&row.payload) {
                    parts.push((row.source, Arc::new(w)));
                }
                if rows.peek().is_none_or(|next| next.window_start_us != start)
                    && let Some(window) = fleet_of(std::mem::take(&mut parts))
                {
                    windows.push(Arc::new(window));
                }
            }
        }
    }
    if !one_instance {
        windows.extend(telemetry.recent_since(since));
    }
    windows
}

/// The fleet window of one span's stored parts.
fn fleet_of(parts: Vec<(String, Arc<WindowSnapshot>)>) -> Option<FleetWindow> {
    let merged = bp_metrics::merge_instances(
        parts.iter().map(|(_, w)| w.as_ref().clone()),
        super::MAX_FLEET_SERIES,
    )
    .pop()?;
    Some(FleetWindow {
        seq: merged.seq,
        revision: 0,
        instances: u32::try_from(parts.len()).unwrap_or(u32::MAX),
        merged,
        parts,
    })
}

/// Sends one window (never one already sent, but every correction); false when the client
/// is gone or too slow.
async fn send(
    socket: &mut WebSocket,
    state: &AppState,
    fleet: &FleetWindow,
    view: &ClientView,
    last_sent: &mut Option<u64>,
) -> bool {
    if fleet.revision == 0 && last_sent.is_some_and(|s| fleet.seq <= s) {
        return true;
    }
    let Some(window) = fleet.view(view.source.as_deref()) else {
        return true;
    };
    let filter = &view.filter;
    let snapshots = std::slice::from_ref(window);
    let message = StreamMessage::Window(Box::new(WindowMessage {
        seq: fleet.seq,
        revision: fleet.revision,
        instances: if view.source.is_some() {
            1
        } else {
            fleet.instances
        },
        window_start: rfc3339(window.start_unix_us),
        window_end: rfc3339(window.end_unix_us),
        summary: bp_metrics::summary(snapshots, filter),
        sla: bp_metrics::evaluate_sla(snapshots, &SlaTargets::default(), filter),
        anomalies: state
            .telemetry()
            .anomalies_of(window.seq)
            .iter()
            .map(anomaly_event)
            .collect(),
    }));
    let Ok(text) = serde_json::to_string(&message) else {
        return false;
    };
    match tokio::time::timeout(SEND_TIMEOUT, socket.send(Message::Text(text.into()))).await {
        Ok(Ok(())) => {
            *last_sent = Some(last_sent.map_or(fleet.seq, |s| s.max(fleet.seq)));
            true
        }
        _ => false,
    }
}

pub use crate::telemetry::rfc3339;
