//! A connection's stream read as an LLM's, as the window's LLM panel gets it: the provider's
//! fixture (llm/tests/fixtures) served over real HTTP, a few milliseconds an event, the
//! reports' pieces adding up to the whole answer; a cut stream truncated; the choice changed
//! on a stream already read; the same exchange timed alike through a tap, live and after it
//! ended, and by a connection of its own.

mod support;

use std::sync::Arc;
use std::time::Duration;

use sse_connections::{
    ConnectionSpec, ConnectionUpdate, LlmReport, ReconnectOptions, RunningConnections, RunningTaps, TapSpec,
};
use sse_llm::{BlockKind, Completeness, Provider};
use sse_test_support::{RawAnswer, RawServer};
use tokio::sync::mpsc;

type Updates = mpsc::UnboundedReceiver<ConnectionUpdate>;

fn fixture(name: &str) -> String {
    let path = format!("{}/../llm/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Serves `body` once as `content_type`, an event (or NDJSON line) every `pace`, then closes.
async fn serve(body: String, content_type: &'static str, pace: Duration) -> std::net::SocketAddr {
    let head = format!("HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\nconnection: close\r\n\r\n");
    let separator = if content_type == "text/event-stream" { "\n\n" } else { "\n" };
    let mut pieces = vec![(Duration::ZERO, head.into_bytes())];
    pieces.extend(body.split_inclusive(separator).map(|piece| (pace, piece.as_bytes().to_vec())));
    RawServer::start(RawAnswer { pieces, ..RawAnswer::default() }).await.addr
}

fn open(connections: &RunningConnections, url: String) -> (u64, Updates) {
    let (tx, rx) = mpsc::unbounded_channel();
    let spec = ConnectionSpec {
        url,
        reconnect: ReconnectOptions { enabled: false, ..ReconnectOptions::default() },
        ..ConnectionSpec::default()
    };
    let id = connections.open(spec, Arc::new(move |update| tx.send(update).is_ok())).unwrap();
    (id, rx)
}

/// What the window does with the reports: a fresh one replaces the blocks' text, the others
/// add their pieces.
#[derive(Default)]
struct Folded {
    texts: Vec<String>,
    reports: usize,
    pieces_added: usize,
}

impl Folded {
    fn add(&mut self, report: &LlmReport) {
        self.reports += 1;
        if report.fresh {
            self.texts.clear();
        }
        let Some(summary) = &report.summary else { return };
        for (index, block) in summary.blocks.iter().enumerate() {
            match self.texts.get_mut(index) {
                Some(text) => {
                    self.pieces_added += usize::from(!block.text.is_empty());
                    text.push_str(&block.text);
                }
                None => self.texts.push(block.text.clone()),
            }
        }
    }
}

/// Folds reports until one's stream is no longer streaming; that last report.
async fn until_settled(updates: &mut Updates, folded: &mut Folded) -> LlmReport {
    until(updates, folded, "the stream settled", |summary| summary.completeness != Completeness::Streaming)
        .await
}

/// Folds reports until one's summary is `done`, 10 s at most; that last report.
async fn until(
    updates: &mut Updates,
    folded: &mut Folded,
    what: &str,
    done: impl Fn(&sse_llm::Summary) -> bool,
) -> LlmReport {
    tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            if let ConnectionUpdate::Llm { report } = updates.recv().await.expect("still reporting") {
                folded.add(&report);
                if report.summary.as_ref().is_some_and(&done) {
                    return *report;
                }
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("waited 10 s for a report saying {what}"))
}

/// Folds reports until the stream's end is among its milestones; that last report.
async fn until_ended(updates: &mut Updates) -> LlmReport {
    until(updates, &mut Folded::default(), "the stream ended", |summary| summary.milestones.end.is_some())
        .await
}

/// An Anthropic stream, recognised by its URL, arrives in pieces that add up to the whole
/// answer (thinking, text and the tool call's arguments apart), complete at message_stop.
#[tokio::test]
async fn pieces_add_up_to_the_whole_answer() {
    let addr = serve(fixture("anthropic-tools.sse"), "text/event-stream", Duration::from_millis(40)).await;
    let connections = RunningConnections::new(tokio::runtime::Handle::current());
    let (id, mut updates) = open(&connections, format!("http://{addr}/v1/messages"));
    let mut folded = Folded::default();
    let last = until_settled(&mut updates, &mut folded).await;
    assert_eq!(last.found, "guessed from the URL");
    let summary = last.summary.unwrap();
    assert_eq!(summary.provider, Provider::Anthropic);
    assert_eq!(summary.completeness, Completeness::Complete, "{}", summary.detail);
    assert!(folded.reports >= 3 && folded.pieces_added > 0, "came in pieces: {} reports", folded.reports);

    // Read again whole: the same text, block by block.
    let whole = connections.choose_llm(id, "").unwrap();
    assert!(whole.fresh);
    let blocks = whole.summary.unwrap().blocks;
    let texts: Vec<&str> = blocks.iter().map(|block| block.text.as_str()).collect();
    assert_eq!(folded.texts, texts);
    let kinds: Vec<BlockKind> = blocks.iter().map(|block| block.kind).collect();
    assert_eq!(kinds, [BlockKind::Reasoning, BlockKind::Text, BlockKind::ToolCall]);
    assert_eq!(texts[0], "The user wants the weather in San Francisco.");
    assert!(blocks[2].arguments.is_some(), "the tool call's arguments were checked");
}

/// A Chat Completions stream at a URL that names no provider is guessed from its first event;
/// cut before `[DONE]`, it is truncated, not complete. Switched off it has no reading; read
/// as another provider's it says that the events do not fit.
#[tokio::test]
async fn a_cut_stream_is_truncated_and_the_choice_can_change() {
    let addr =
        serve(fixture("openai-chat-truncated.sse"), "text/event-stream", Duration::from_millis(5)).await;
    let connections = RunningConnections::new(tokio::runtime::Handle::current());
    let (id, mut updates) = open(&connections, format!("http://{addr}/stream"));
    let last = until_settled(&mut updates, &mut Folded::default()).await;
    assert_eq!(last.found, "guessed from the first event");
    let summary = last.summary.unwrap();
    assert_eq!(summary.completeness, Completeness::Truncated);
    assert!(summary.detail.contains("without [DONE]"), "{}", summary.detail);

    let off = connections.choose_llm(id, "off").unwrap();
    assert!(off.summary.is_none() && off.found.starts_with("off"), "{off:?}");
    let gemini = connections.choose_llm(id, "gemini").unwrap();
    assert_eq!(gemini.found, "chosen");
    assert!(!gemini.summary.unwrap().fits, "Chat Completions events are not Gemini's");
    let wrong = connections.choose_llm(id, "claude").unwrap_err().to_string();
    assert!(wrong.contains("anthropic"), "{wrong}");
}

/// Ollama's native API is NDJSON: the connection reads a line an event, and the answer is
/// complete at `done: true`.
#[tokio::test]
async fn an_ollama_ndjson_stream_is_read_line_by_line() {
    let addr = serve(fixture("ollama-chat.ndjson"), "application/x-ndjson", Duration::from_millis(5)).await;
    let connections = RunningConnections::new(tokio::runtime::Handle::current());
    let (_, mut updates) = open(&connections, format!("http://{addr}/api/chat"));
    let mut folded = Folded::default();
    let last = until_settled(&mut updates, &mut folded).await;
    let summary = last.summary.unwrap();
    assert_eq!(summary.provider, Provider::Ollama);
    assert_eq!(summary.completeness, Completeness::Complete, "{}", summary.detail);
    assert!(folded.texts.iter().any(|text| !text.is_empty()), "{:?}", folded.texts);
}

/// Serves `body` (SSE) to every request: the head after `head_after`, the first event
/// `first_after` later, then an event every 30 ms, then closes.
async fn serve_paced(body: String, head_after: Duration, first_after: Duration) -> std::net::SocketAddr {
    let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n";
    let answer = RawAnswer::paced_events(head, &body, head_after, first_after, Duration::from_millis(30));
    RawServer::start(RawAnswer { every_connection: true, ..answer }).await.addr
}

/// A settled report's milestones, in ms: the head, the first byte, the first content (TTFT)
/// and the end.
fn milestones(report: &LlmReport) -> [f64; 4] {
    let m = &report.summary.as_ref().expect("read as Chat Completions").milestones;
    [m.head_received, m.first_byte, m.first_content, m.end].map(|at| at.expect("every milestone came"))
}

/// Opens exchange `exchange` of `tap` in the inspector and reads it to its end.
async fn tapped_timing(
    connections: &RunningConnections,
    taps: &RunningTaps,
    tap: u64,
    exchange: u64,
) -> [f64; 4] {
    let (tx, mut updates) = mpsc::unbounded_channel();
    let recorder = taps.recorder(tap).unwrap();
    connections.open_tapped(recorder, exchange, Arc::new(move |update| tx.send(update).is_ok())).unwrap();
    milestones(&until_ended(&mut updates).await)
}

/// One exchange through a tap shows the same milestones (head, first byte, TTFT, end) to the
/// millisecond opened while it streams and opened after it ended (its times are the tap's
/// record's, not the moment it was opened), and a connection of its own to the same paced
/// server agrees within 20 ms.
#[tokio::test]
async fn a_tapped_exchange_is_timed_alike_live_after_it_ended_and_directly() {
    let head_after = Duration::from_millis(150);
    let addr = serve_paced(fixture("openai-chat-text.sse"), head_after, Duration::from_millis(600)).await;
    let taps = RunningTaps::new(tokio::runtime::Handle::current());
    let connections = RunningConnections::new(tokio::runtime::Handle::current());
    let (emit, mut rows) = support::emitter();
    let spec = TapSpec { upstream: format!("http://{addr}"), ..TapSpec::default() };
    let tap = taps.open(&spec, emit).unwrap();
    let head = "GET /v1/chat/completions HTTP/1.1\r\nHost: {host}\r\n\r\n";
    let client = tokio::spawn(support::request(tap.port, head, "[DONE]"));

    // Live: opened once its head is in, before its first event.
    let row = support::next_row(&mut rows, |row| row.is_stream).await;
    assert_eq!(row.events, 0, "opened before the first event: {row:?}");
    let live = tapped_timing(&connections, &taps, tap.id, row.id).await;
    drop(client.await.expect("the client read the stream to [DONE]"));
    support::next_row(&mut rows, |candidate| candidate.id == row.id && candidate.ending.is_some()).await;
    let after = tapped_timing(&connections, &taps, tap.id, row.id).await;
    assert_eq!(live, after, "live [head, first byte, TTFT, end] and after it ended, in ms");
    let [head, first_byte, first_content, end] = live;
    assert!(head >= head_after.as_millis() as f64, "the head at {head} ms counts from the request");
    assert!(
        first_byte >= head + 600.0,
        "the body's first byte at {first_byte} ms, 600 ms after the head at {head} ms"
    );
    // The first event is role-only: the content comes with the next, 30 ms later.
    assert!(first_content >= first_byte + 30.0, "TTFT {first_content} ms, the first byte {first_byte} ms");
    assert!(end >= first_content, "the end at {end} ms, TTFT {first_content} ms");

    let (id, mut updates) = open(&connections, format!("http://{addr}/v1/chat/completions"));
    let direct = milestones(&until_ended(&mut updates).await);
    assert!(connections.close(id), "the direct connection was open");
    for (name, (direct, tapped)) in ["head", "first byte", "TTFT", "end"].iter().zip(direct.iter().zip(live))
    {
        assert!((direct - tapped).abs() <= 20.0, "{name}: directly {direct} ms, tapped {tapped} ms");
    }
}
