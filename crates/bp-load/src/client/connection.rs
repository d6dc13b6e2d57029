//! One virtual user's keep-alive HTTP/1.1 connection: a request written whole, the response
//! head parsed with `httparse`, the body read by its framing (length, chunked or until close).
//!
//! Why not hyper: its connection-level client costs a request queue, a body channel and
//! task wake-ups per exchange, which were most of the generator's user-space CPU per
//! request and kept it above wrk's (BENCHMARKS.md B4; `bench/runs/2026-11-27-load-generator*`).
//! A load generator sends one request at a time per connection and reads one response, so
//! the client needs only this: no pipelining, no upgrades, no `Expect: 100-continue`.

use crate::recorder::Outcome;
use bytes::Bytes;
use std::net::SocketAddr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Response heads are a few hundred bytes and bodies stream past the buffer, so this is what
/// a connection keeps between requests (memory per virtual user is BENCHMARKS.md B6).
const READ_BUFFER_BYTES: usize = 4096;
/// A response head larger than this is refused rather than buffered.
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// A body larger than this is refused: a load test's responses are small, and a broken
/// server must not exhaust the generator's memory.
const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;
const MAX_HEADERS: usize = 64;
/// A large body is read into its own buffer in steps of at most this, so a bogus
/// `Content-Length` costs nothing before the bytes arrive.
const BODY_STEP_BYTES: usize = 64 * 1024;

/// Whether the caller wants the response body or only its status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    Keep,
    Discard,
}

pub struct Connection {
    stream: TcpStream,
    /// Bytes read and not yet consumed are `buf[start..end]`.
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// Not reusable: the server said `Connection: close`, the body ran until EOF, an
    /// exchange failed, or one was dropped half-way (a timeout).
    closed: bool,
}

/// How a response body is delimited (RFC 9112 §6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Framing {
    Length(usize),
    Chunked,
    UntilClose,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Head {
    len: usize,
    status: u16,
    framing: Framing,
    keep_alive: bool,
}

/// Why a response could not be read; every one of them leaves the connection closed.
#[derive(Debug)]
struct Broken;

impl From<std::io::Error> for Broken {
    fn from(_: std::io::Error) -> Broken {
        Broken
    }
}

impl Connection {
    pub async fn open(addr: SocketAddr) -> std::io::Result<Connection> {
        let stream = TcpStream::connect(addr).await?;
        // Requests are small and latency-bound: never wait for Nagle.
        stream.set_nodelay(true)?;
        Ok(Connection {
            stream,
            buf: vec![0; READ_BUFFER_BYTES],
            start: 0,
            end: 0,
            closed: false,
        })
    }

    /// Whether a response said the connection ends (or an exchange failed): the caller
    /// drops it rather than keep a socket the server is closing.
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// Whether the connection can take the next request; `false` when the server closed it
    /// while idle and the reactor has seen the FIN, so the caller reconnects instead of
    /// losing a request to a dead socket. A FIN still in flight is not seen: that request
    /// fails as `Io`, as with any client.
    ///
    /// Free in the common case: tokio tries the read only when the socket was reported
    /// readable since the last response, i.e. when the server sent a FIN or stray bytes.
    pub fn ready(&mut self) -> bool {
        if self.closed {
            return false;
        }
        let mut probe = [0u8; 1];
        match self.stream.try_read(&mut probe) {
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => true,
            // EOF, bytes nobody asked for, or an error: this connection is done.
            _ => {
                self.closed = true;
                false
            }
        }
    }

    /// Writes `request` (a complete HTTP/1.1 request) and reads the response:
    /// `(status, body)`, the body empty with [`Body::Discard`].
    pub async fn send(&mut self, request: &[u8], body: Body) -> Result<(u16, Bytes), Outcome> {
        if self.closed {
            return Err(Outcome::Io);
        }
        // Cleared only once the response was read whole: a failed or abandoned exchange
        // leaves the stream at an unknown point.
        self.closed = true;
        self.stream
            .write_all(request)
            .await
            .map_err(|_| Outcome::Io)?;
        let (head, body) = self
            .read_response(body)
            .await
            .map_err(|Broken| Outcome::Io)?;
        self.closed = !head.keep_alive;
        Ok((head.status, body))
    }

    async fn read_response(&mut self, body: Body) -> Result<(Head, Bytes), Broken> {
        let mut head = loop {
            match parse_head(&self.buf[self.start..self.end])? {
                // 101 would switch protocols, which nothing here asked for.
                Some(head) if head.status == 101 => return Err(Broken),
                // Other 1xx are interim (103 Early Hints, say): the real response follows.
                Some(head) if (100..200).contains(&head.status) => self.start += head.len,
                Some(head) => break head,
                None => self.fill().await?,
            }
        };
        self.start += head.len;
        let bytes = match head.framing {
            Framing::Length(n) => self.read_exact_body(n, body).await?,
            Framing::Chunked => self.read_chunked_body(body).await?,
            Framing::UntilClose => self.read_body_until_close(body).await?,
        };
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        } else {
            // Bytes after a complete response, with no request outstanding: the framing
            // was wrong (a 204 with a body, a body longer than its length), so whatever
            // the next read finds would be misattributed. Not reused.
            head.keep_alive = false;
        }
        Ok((head, bytes))
    }

    /// Reads more bytes into the buffer, making room first; EOF is an error.
    async fn fill(&mut self) -> Result<(), Broken> {
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        } else if self.end == self.buf.len() {
            if self.start > 0 {
                self.buf.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
            } else if self.buf.len() < MAX_HEAD_BYTES {
                self.buf.resize(self.buf.len() * 2, 0);
            } else {
                return Err(Broken);
            }
        }
        match self.stream.read(&mut self.buf[self.end..]).await? {
            0 => Err(Broken),
            n => {
                self.end += n;
                Ok(())
            }
        }
    }

    /// Takes up to `n` buffered bytes, appending them to `out` when keeping the body.
    fn take_buffered(&mut self, n: usize, out: Option<&mut Vec<u8>>) -> usize {
        let taken = n.min(self.end - self.start);
        if let Some(out) = out {
            out.extend_from_slice(&self.buf[self.start..self.start + taken]);
        }
        self.start += taken;
        taken
    }

    async fn read_exact_body(&mut self, n: usize, body: Body) -> Result<Bytes, Broken> {
        if n > MAX_BODY_BYTES {
            return Err(Broken);
        }
        if body == Body::Discard {
            let mut left = n - self.take_buffered(n, None);
            while left > 0 {
                self.fill().await?;
                left -= self.take_buffered(left, None);
            }
            return Ok(Bytes::new());
        }
        if self.end - self.start >= n {
            // The usual case: the whole response arrived with its head.
            let bytes = Bytes::copy_from_slice(&self.buf[self.start..self.start + n]);
            self.start += n;
            return Ok(bytes);
        }
        // A body larger than what is buffered gets its own allocation, read into directly,
        // so the connection's buffer never grows to the largest response.
        let mut out = Vec::with_capacity(n.min(BODY_STEP_BYTES));
        self.take_buffered(n, Some(&mut out));
        while out.len() < n {
            let left = n - out.len();
            out.reserve(left.min(BODY_STEP_BYTES));
            // Never past this body, whatever the allocator rounded the capacity to.
            let read = (&mut self.stream)
                .take(left as u64)
                .read_buf(&mut out)
                .await?;
            if read == 0 {
                return Err(Broken);
            }
        }
        Ok(Bytes::from(out))
    }

    async fn read_chunked_body(&mut self, body: Body) -> Result<Bytes, Broken> {
        let mut out = (body == Body::Keep).then(Vec::new);
        let mut total = 0usize;
        loop {
            let size = match httparse::parse_chunk_size(&self.buf[self.start..self.end]) {
                Ok(httparse::Status::Complete((used, size))) => {
                    self.start += used;
                    usize::try_from(size).map_err(|_| Broken)?
                }
                Ok(httparse::Status::Partial) => {
                    self.fill().await?;
                    continue;
                }
                Err(_) => return Err(Broken),
            };
            if size == 0 {
                self.skip_trailers().await?;
                return Ok(out.map(Bytes::from).unwrap_or_default());
            }
            total = total.saturating_add(size);
            if total > MAX_BODY_BYTES {
                return Err(Broken);
            }
            let mut left = size;
            loop {
                left -= self.take_buffered(left, out.as_mut());
                if left == 0 {
                    break;
                }
                self.fill().await?;
            }
            // Each chunk's data ends with CRLF.
            while self.end - self.start < 2 {
                self.fill().await?;
            }
            if &self.buf[self.start..self.start + 2] != b"\r\n" {
                return Err(Broken);
            }
            self.start += 2;
        }
    }

    /// After the last chunk: trailer fields, if any, up to the empty line.
    async fn skip_trailers(&mut self) -> Result<(), Broken> {
        loop {
            let pending = &self.buf[self.start..self.end];
            match pending.windows(2).position(|w| w == b"\r\n") {
                Some(line) => {
                    self.start += line + 2;
                    if line == 0 {
                        return Ok(());
                    }
                }
                None => self.fill().await?,
            }
        }
    }

    async fn read_body_until_close(&mut self, body: Body) -> Result<Bytes, Broken> {
        let mut out = (body == Body::Keep).then(Vec::new);
        let mut total = 0usize;
        loop {
            total = total.saturating_add(self.take_buffered(usize::MAX, out.as_mut()));
            if total > MAX_BODY_BYTES {
                return Err(Broken);
            }
            self.start = 0;
            self.end = 0;
            match self.stream.read(&mut self.buf).await? {
                0 => return Ok(out.map(Bytes::from).unwrap_or_default()),
                n => self.end = n,
            }
        }
    }
}

/// The response head at the start of `bytes`, `None` while incomplete.
fn parse_head(bytes: &[u8]) -> Result<Option<Head>, Broken> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut response = httparse::Response::new(&mut headers);
    let len = match response.parse(bytes) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(_) => return Err(Broken),
    };
    let status = response.code.ok_or(Broken)?;
    let http11 = response.version == Some(1);
    let mut length = None;
    let mut transfer_encoding = None;
    let mut close = false;
    let mut keep_alive_token = false;
    for header in response.headers.iter() {
        let name = header.name;
        let tokens = || {
            header
                .value
                .split(|&b| b == b',')
                .map(<[u8]>::trim_ascii)
                .filter(|t| !t.is_empty())
        };
        if name.eq_ignore_ascii_case("content-length") {
            let n = parse_length(header.value).ok_or(Broken)?;
            // Differing lengths are how responses get smuggled: refuse them.
            if length.is_some_and(|l| l != n) {
                return Err(Broken);
            }
            length = Some(n);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            // Only whether chunked is the last coding matters (RFC 9112 §6.1); a later
            // header line continues the list.
            transfer_encoding = tokens()
                .next_back()
                .map(|t| t.eq_ignore_ascii_case(b"chunked"));
        } else if name.eq_ignore_ascii_case("connection") {
            close |= tokens().any(|t| t.eq_ignore_ascii_case(b"close"));
            keep_alive_token |= tokens().any(|t| t.eq_ignore_ascii_case(b"keep-alive"));
        }
    }
    // RFC 9112 §9.3: HTTP/1.1 persists unless closed; HTTP/1.0 only when asked to.
    let mut keep_alive = !close && (http11 || keep_alive_token);
    let framing = if (100..200).contains(&status) || status == 204 || status == 304 {
        Framing::Length(0)
    } else if let Some(chunked) = transfer_encoding {
        // RFC 9112 §6.1 and §6.3: an HTTP/1.0 message has no transfer codings; with
        // Transfer-Encoding any Content-Length is ignored and the connection not reused;
        // a last coding other than chunked runs until close.
        if !http11 {
            return Err(Broken);
        }
        if length.is_some() {
            keep_alive = false;
        }
        if chunked {
            Framing::Chunked
        } else {
            keep_alive = false;
            Framing::UntilClose
        }
    } else if let Some(n) = length {
        Framing::Length(n)
    } else {
        keep_alive = false;
        Framing::UntilClose
    };
    Ok(Some(Head {
        len,
        status,
        framing,
        keep_alive,
    }))
}

/// A `Content-Length` value: digits only (RFC 9110 §8.6), no sign, no spaces inside.
fn parse_length(value: &[u8]) -> Option<usize> {
    let digits = value.trim_ascii();
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::net::TcpListener;

    fn head(bytes: &str) -> Head {
        parse_head(bytes.as_bytes())
            .expect("a valid head")
            .expect("a complete head")
    }

    #[test]
    fn framing_follows_the_headers() {
        let h = head("HTTP/1.1 200 OK\r\ncontent-length: 12\r\n\r\n");
        assert_eq!(
            (h.status, h.framing, h.keep_alive),
            (200, Framing::Length(12), true)
        );
        assert_eq!(h.len, 39);
        let h = head("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked,\r\n\r\n");
        assert_eq!((h.framing, h.keep_alive), (Framing::Chunked, true));
        // Transfer-Encoding wins over Content-Length, and such a connection is not reused.
        let h = head("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n");
        assert_eq!((h.framing, h.keep_alive), (Framing::Chunked, false));
        let h = head("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: 3\r\n\r\n");
        assert_eq!((h.framing, h.keep_alive), (Framing::UntilClose, false));
        let h =
            head("HTTP/1.1 200 OK\r\nConnection: close, keep-alive\r\nContent-Length: 0\r\n\r\n");
        assert!(!h.keep_alive, "close is sticky");
        let h = head(
            "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
        );
        assert_eq!(
            (h.status, h.framing, h.keep_alive),
            (503, Framing::Length(0), false)
        );
        let h = head("HTTP/1.0 200 OK\r\n\r\n");
        assert_eq!((h.framing, h.keep_alive), (Framing::UntilClose, false));
        let h = head("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\n");
        assert!(h.keep_alive);
        let h = head("HTTP/1.1 204 No Content\r\n\r\n");
        assert_eq!((h.framing, h.keep_alive), (Framing::Length(0), true));
        assert_eq!(parse_head(b"HTTP/1.1 200 OK\r\nContent-Le").unwrap(), None);
        for broken in [
            "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: +1\r\n\r\n",
            "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
            "SMTP ready\r\n\r\n",
        ] {
            assert!(parse_head(broken.as_bytes()).is_err(), "{broken:?}");
        }
    }

    /// A server that answers each request (read up to its blank line) with the next of
    /// `responses`, written in pieces of `piece` bytes so every read path is taken.
    async fn scripted(responses: Vec<Vec<u8>>, piece: usize) -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            for response in responses {
                let mut request = Vec::new();
                while !request.ends_with(b"\r\n\r\n") {
                    let mut byte = [0u8; 1];
                    if socket.read(&mut byte).await.unwrap() == 0 {
                        return;
                    }
                    request.push(byte[0]);
                }
                for part in response.chunks(piece) {
                    socket.write_all(part).await.unwrap();
                    socket.flush().await.unwrap();
                    tokio::task::yield_now().await;
                }
            }
        });
        addr
    }

    const GET: &[u8] = b"GET / HTTP/1.1\r\nHost: t\r\n\r\n";

    #[tokio::test]
    async fn reads_every_framing_over_one_connection() {
        let big = "x".repeat(10_000);
        let responses = vec![
            b"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello".to_vec(),
            format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{big}", big.len()).into_bytes(),
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nwiki\r\n5;ext=1\r\npedia\r\n0\r\nX-Trailer: 1\r\n\r\n".to_vec(),
            b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found".to_vec(),
            b"HTTP/1.1 204 No Content\r\n\r\n".to_vec(),
            format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{big}", big.len()).into_bytes(),
            b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc".to_vec(),
            b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end".to_vec(),
        ];
        for piece in [1, 7, 4096] {
            let addr = scripted(responses.clone(), piece).await;
            let mut c = Connection::open(addr).await.unwrap();
            let mut next = async |body| {
                assert!(c.ready());
                let (status, bytes) = c.send(GET, body).await.unwrap();
                (status, String::from_utf8(bytes.to_vec()).unwrap())
            };
            assert_eq!(next(Body::Keep).await, (200, "hello".to_owned()));
            assert_eq!(next(Body::Keep).await, (200, big.clone()));
            assert_eq!(next(Body::Keep).await, (200, "wikipedia".to_owned()));
            assert_eq!(next(Body::Discard).await, (404, String::new()));
            assert_eq!(next(Body::Keep).await, (204, String::new()));
            assert_eq!(next(Body::Discard).await, (200, String::new()));
            assert_eq!(next(Body::Discard).await, (200, String::new()));
            assert_eq!(next(Body::Keep).await, (200, "until the end".to_owned()));
            assert!(!c.ready(), "a body read until EOF leaves nothing to reuse");
            assert_eq!(c.buf.len(), READ_BUFFER_BYTES, "the buffer never grew");
        }
    }

    #[tokio::test]
    async fn bytes_after_a_response_make_the_connection_unusable() {
        // A 204 must not have a body; one that does would be read as the next response.
        let addr = scripted(
            vec![b"HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\n\r\n".to_vec()],
            4096,
        )
        .await;
        let mut c = Connection::open(addr).await.unwrap();
        assert_eq!(c.send(GET, Body::Keep).await.unwrap().0, 204);
        assert!(c.is_closed() && !c.ready());
    }

    #[tokio::test]
    async fn a_long_head_grows_the_buffer_up_to_its_limit() {
        let long = format!(
            "HTTP/1.1 200 OK\r\nX-Pad: {}\r\nContent-Length: 2\r\n\r\nok",
            "p".repeat(9000)
        );
        let addr = scripted(vec![long.into_bytes()], 1000).await;
        let mut c = Connection::open(addr).await.unwrap();
        assert_eq!(
            c.send(GET, Body::Keep).await.unwrap(),
            (200, Bytes::from_static(b"ok"))
        );
        let huge = format!(
            "HTTP/1.1 200 OK\r\nX-Pad: {}\r\n\r\n",
            "p".repeat(MAX_HEAD_BYTES)
        );
        let addr = scripted(vec![huge.into_bytes()], 4096).await;
        let mut c = Connection::open(addr).await.unwrap();
        assert!(matches!(c.send(GET, Body::Keep).await, Err(Outcome::Io)));
    }

    #[tokio::test]
    async fn a_server_that_closes_is_noticed_before_the_next_request() {
        let addr = scripted(
            vec![b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".to_vec()],
            4096,
        )
        .await;
        let mut c = Connection::open(addr).await.unwrap();
        assert_eq!(c.send(GET, Body::Keep).await.unwrap().0, 200);
        // The script ends, the server's socket closes; the FIN reaches the reactor.
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert!(!c.ready());
        assert!(matches!(c.send(GET, Body::Keep).await, Err(Outcome::Io)));
    }

    #[tokio::test]
    async fn a_truncated_or_garbled_response_is_an_io_failure() {
        for response in [
            b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort".to_vec(),
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n".to_vec(),
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY".to_vec(),
            b"not http at all\r\n\r\n".to_vec(),
        ] {
            let addr = scripted(vec![response.clone()], 4096).await;
            let mut c = Connection::open(addr).await.unwrap();
            let result = c.send(GET, Body::Keep).await;
            assert!(
                matches!(result, Err(Outcome::Io)),
                "{response:?}: {result:?}"
            );
            assert!(!c.ready());
        }
    }
}
