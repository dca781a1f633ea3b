//! Ingest benchmark: how fast the subscriber turns bytes into events, beside bare
//! `eventsource-stream` (the named baseline) on the same bytes, in the same run.
//!
//! `cargo bench -p sse-subscriber --bench ingest` (add `-- --quick` for a short run).
//! Two rounds: the parser alone on an in-memory stream (64 KiB chunks), and end to end over
//! loopback HTTP from a server that writes a prepared stream as fast as it can.

use std::time::{Duration, Instant};

use eventsource_stream::Eventsource;
use futures_util::StreamExt;
use sse_subscriber::{EventParser, SubscribeRequest, Subscription, Update};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

struct Workload {
    name: &'static str,
    events: usize,
    stream: Vec<u8>,
}

fn workload(name: &'static str, events: usize, data_len: usize) -> Workload {
    let data = "x".repeat(data_len);
    let mut stream = Vec::new();
    for id in 0..events {
        stream.extend_from_slice(format!("id: {id}\ndata: {data}\n\n").as_bytes());
    }
    Workload { name, events, stream }
}

struct Figure {
    events: usize,
    elapsed: Duration,
    bytes: usize,
}

impl Figure {
    fn events_per_sec(&self) -> f64 {
        self.events as f64 / self.elapsed.as_secs_f64()
    }
    fn mb_per_sec(&self) -> f64 {
        self.bytes as f64 / self.elapsed.as_secs_f64() / 1e6
    }
}

const CHUNK: usize = 64 * 1024;

fn ours_in_memory(work: &Workload) -> Figure {
    let started = Instant::now();
    let mut parser = EventParser::default();
    let mut events = 0;
    for chunk in work.stream.chunks(CHUNK) {
        parser.feed(chunk);
        while let Ok(Some(_)) = parser.next_event() {
            events += 1;
        }
    }
    Figure { events, elapsed: started.elapsed(), bytes: work.stream.len() }
}

async fn baseline_in_memory(work: &Workload) -> Figure {
    let started = Instant::now();
    let chunks = work.stream.chunks(CHUNK).map(|c| Ok::<_, std::convert::Infallible>(c.to_vec()));
    let mut stream = futures_util::stream::iter(chunks).eventsource();
    let mut events = 0;
    while let Some(Ok(_)) = stream.next().await {
        events += 1;
    }
    Figure { events, elapsed: started.elapsed(), bytes: work.stream.len() }
}

/// Serves `stream` to every connection, then closes it.
async fn serve(stream: Vec<u8>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let addr = listener.local_addr().expect("local address");
    let stream = std::sync::Arc::new(stream);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let stream = stream.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                let head = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n";
                let _ = socket.write_all(head).await;
                let _ = socket.write_all(&stream).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    format!("http://{addr}/")
}

async fn ours_over_http(url: &str, work: &Workload) -> Figure {
    let request = SubscribeRequest::new(url).expect("url").reconnect(false);
    let started = Instant::now();
    let mut subscription = Subscription::new(request);
    let mut events = 0;
    while let Some(update) = subscription.next().await {
        match update {
            Update::Event(_) => events += 1,
            Update::Error { error, .. } => panic!("benchmark stream failed: {error}"),
            _ => {}
        }
    }
    Figure { events, elapsed: started.elapsed(), bytes: work.stream.len() }
}

async fn baseline_over_http(url: &str, work: &Workload) -> Figure {
    let started = Instant::now();
    let response = reqwest::get(url).await.expect("baseline request");
    let mut stream = response.bytes_stream().eventsource();
    let mut events = 0;
    while let Some(Ok(_)) = stream.next().await {
        events += 1;
    }
    Figure { events, elapsed: started.elapsed(), bytes: work.stream.len() }
}

fn row(work: &Workload, path: &str, ours: &Figure, baseline: &Figure) {
    assert_eq!(ours.events, work.events, "ours lost events on {}", work.name);
    assert_eq!(baseline.events, work.events, "baseline lost events on {}", work.name);
    println!(
        "| {:<22} | {:<9} | {:>12.0} | {:>8.1} | {:>12.0} | {:>8.1} | {:>5.2}x |",
        work.name,
        path,
        ours.events_per_sec(),
        ours.mb_per_sec(),
        baseline.events_per_sec(),
        baseline.mb_per_sec(),
        ours.events_per_sec() / baseline.events_per_sec()
    );
}

/// Best of `runs`: the least disturbed measurement.
fn best(figures: Vec<Figure>) -> Figure {
    figures.into_iter().min_by_key(|f| f.elapsed).expect("at least one run")
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let scale = if quick { 10 } else { 1 };
    let runs = if quick { 1 } else { 3 };
    let workloads = [
        workload("small (id + 5 B data)", 2_000_000 / scale, 5),
        workload("64 KiB data", 2_000 / scale, 64 * 1024),
    ];
    println!("| workload               | path      | ours ev/s    | ours MB/s | eventsource-stream ev/s | MB/s | ratio |");
    println!("|---|---|---:|---:|---:|---:|---:|");
    for work in &workloads {
        let ours = best((0..runs).map(|_| ours_in_memory(work)).collect());
        let mut baselines = Vec::new();
        for _ in 0..runs {
            baselines.push(baseline_in_memory(work).await);
        }
        row(work, "in memory", &ours, &best(baselines));

        let url = serve(work.stream.clone()).await;
        let (mut ours, mut baselines) = (Vec::new(), Vec::new());
        for _ in 0..runs {
            ours.push(ours_over_http(&url, work).await);
            baselines.push(baseline_over_http(&url, work).await);
        }
        row(work, "loopback", &best(ours), &best(baselines));
    }
}
