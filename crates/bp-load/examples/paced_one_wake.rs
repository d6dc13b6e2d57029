//! The least CPU any client can spend on a paced 1000 req/s, for benchmark B5's same-run
//! reference: one keep-alive connection on a plain std socket, **one wake-up per request**.
//! At each due time it reads the previous answer without waiting (it came while the thread
//! slept) and writes the next `GET /health`; nothing else (no histograms, no timing of the
//! answers, no report). A real generator also wakes for each answer, to time it: this is
//! below what a generator can do, so a budget it misses is out of reach for any client.
//! `cargo run --release -p bp-load --example paced_one_wake -- PORT SECONDS`

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

const REQUEST: &[u8] = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(port), Some(secs)) = (
        args.next().and_then(|p| p.parse::<u16>().ok()),
        args.next().and_then(|s| s.parse::<u64>().ok()),
    ) else {
        eprintln!("usage: paced_one_wake PORT SECONDS");
        std::process::exit(2);
    };
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_nodelay(true)?;
    stream.set_nonblocking(true)?;
    let mut buf = vec![0u8; 4096];
    let (start, end) = (Instant::now(), Duration::from_secs(secs));
    let (mut sent, mut waited) = (0u64, 0u64);
    while start.elapsed() < end {
        let due = start + Duration::from_millis(sent);
        std::thread::sleep(due.saturating_duration_since(Instant::now()));
        if sent > 0 {
            // /health's body comes with its head.
            let mut got = 0;
            while !buf[..got].windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf[got..]) {
                    Ok(0) => return Err(ErrorKind::UnexpectedEof.into()),
                    Ok(n) => got += n,
                    // Rare: the answer is later than the next due time; wait for it.
                    Err(e) if e.kind() == ErrorKind::WouldBlock => {
                        waited += 1;
                        stream.set_nonblocking(false)?;
                        got += stream.read(&mut buf[got..])?;
                        stream.set_nonblocking(true)?;
                    }
                    Err(e) => return Err(e),
                }
            }
        }
        stream.write_all(REQUEST)?;
        sent += 1;
    }
    println!("{sent} requests, {waited} answers waited for");
    Ok(())
}
