//! One virtual user's keep-alive HTTP/1.1 connection.
//!
//! hyper's connection-level client splits a connection into a `SendRequest` handle and a
//! `Connection` future that does the IO; the usual pattern spawns the latter as its own task.
//! Here the virtual user polls it itself, alongside its request: no second task per user, and
//! no cross-task wake-ups per request (measured: they were a visible share of the generator's
//! CPU per request against wrk).

use crate::recorder::Outcome;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::pin::Pin;
use tokio::net::TcpStream;

const READ_BUFFER_BYTES: usize = 4096;

/// hyper queues requests to its connection through a tokio channel that allocates blocks of
/// 32 slots (~9 KiB each here) and keeps a second one for reuse once more than 32 requests
/// went through: +9 KiB per user for as long as the connection lives, a third of the memory
/// budget per virtual user. A connection that served a full block and is old enough is
/// therefore replaced; at one request per second that is one reconnect per user every ~32 s,
/// at full speed one every 30 s, both negligible in CPU.
const RECYCLE_AFTER_REQUESTS: u32 = 32;
const RECYCLE_MIN_AGE: std::time::Duration = std::time::Duration::from_secs(30);

type Driver = http1::Connection<TokioIo<TcpStream>, Full<Bytes>>;

pub struct Connection {
    sender: http1::SendRequest<Full<Bytes>>,
    driver: Pin<Box<Driver>>,
    /// The driver finished (the peer closed, or an error): it must not be polled again.
    closed: bool,
    served: u32,
    opened: tokio::time::Instant,
}

impl Connection {
    pub async fn open(addr: SocketAddr) -> std::io::Result<Connection> {
        let stream = TcpStream::connect(addr).await?;
        // Requests are small and latency-bound: never wait for Nagle.
        stream.set_nodelay(true)?;
        let (sender, driver) = http1::Builder::new()
            // A fixed 4 KiB read buffer instead of hyper's adaptive one from 8 KiB: response
            // heads are far smaller, bodies stream through it, and memory per virtual user is a
            // budget (≤ 32 KiB, BENCHMARKS.md B6).
            .read_buf_exact_size(Some(READ_BUFFER_BYTES))
            .handshake(TokioIo::new(stream))
            .await
            .map_err(std::io::Error::other)?;
        Ok(Connection {
            sender,
            driver: Box::pin(driver),
            closed: false,
            served: 0,
            opened: tokio::time::Instant::now(),
        })
    }

    /// Whether the connection can take the next request; `false` when the server closed it
    /// (e.g. after `Connection: close`), so the caller reconnects without losing a request.
    pub async fn ready(&mut self) -> bool {
        if self.closed || self.sender.is_closed() {
            return false;
        }
        if self.served >= RECYCLE_AFTER_REQUESTS && self.opened.elapsed() >= RECYCLE_MIN_AGE {
            return false;
        }
        let Connection {
            sender,
            driver,
            closed,
            ..
        } = self;
        // The driver first: it moves the connection to idle, which is what `ready` waits for,
        // so one poll usually settles both.
        tokio::select! {
            biased;
            _ = driver.as_mut() => {
                *closed = true;
                false
            }
            ready = sender.ready() => ready.is_ok(),
        }
    }

    /// Sends one request and reads the whole response body.
    pub async fn send(&mut self, request: Request<Full<Bytes>>) -> Result<(u16, Bytes), Outcome> {
        if self.closed {
            return Err(Outcome::Io);
        }
        self.served = self.served.saturating_add(1);
        let Connection {
            sender,
            driver,
            closed,
            ..
        } = self;
        let exchange = async {
            // Immediate when the caller checked `ready`; a fresh connection may need a poll.
            sender.ready().await.map_err(|_| Outcome::Io)?;
            let response = sender
                .send_request(request)
                .await
                .map_err(|_| Outcome::Io)?;
            let status = response.status().as_u16();
            let body = response
                .into_body()
                .collect()
                .await
                .map_err(|_| Outcome::Io)?
                .to_bytes();
            Ok((status, body))
        };
        let mut exchange = std::pin::pin!(exchange);
        // The driver first: it reads the response and hands it over, so the exchange polled
        // right after finds it, in the same wake-up, instead of one wake-up later.
        tokio::select! {
            biased;
            // The connection ended, possibly right after delivering a complete response (as
            // with `Connection: close`): what was delivered is still waiting in `exchange`,
            // and anything that was not fails there with hyper's own error.
            _ = driver.as_mut() => *closed = true,
            result = &mut exchange => return result,
        }
        exchange.await
    }
}
