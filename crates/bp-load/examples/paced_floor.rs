//! The runtime's floor for benchmark B5: the least a paced client on tokio's current-thread
//! runtime (what `betterprompts load` runs on) can do per request — one keep-alive
//! connection, sleep until the due time, write `GET /health`, read the head, nothing else
//! (no histograms, no dispatch, no report). `bench/load-generator.sh` runs it beside the
//! generator so B5 reads as a same-run ratio to it.
//! `cargo run --release -p bp-load --example paced_floor -- PORT SECONDS`

use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::Instant;

const REQUEST: &[u8] = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(port), Some(secs)) = (
        args.next().and_then(|p| p.parse::<u16>().ok()),
        args.next().and_then(|s| s.parse::<u64>().ok()),
    ) else {
        eprintln!("usage: paced_floor PORT SECONDS");
        std::process::exit(2);
    };
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
    stream.set_nodelay(true)?;
    let mut buf = vec![0u8; 4096];
    let start = Instant::now();
    let mut sent = 0u64;
    while start.elapsed() < Duration::from_secs(secs) {
        tokio::time::sleep_until(start + Duration::from_millis(sent)).await;
        stream.write_all(REQUEST).await?;
        // /health's body comes with its head.
        let mut got = 0;
        while !buf[..got].windows(4).any(|w| w == b"\r\n\r\n") {
            match stream.read(&mut buf[got..]).await? {
                0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
                n => got += n,
            }
        }
        sent += 1;
    }
    println!("{sent} requests");
    Ok(())
}
