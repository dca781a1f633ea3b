//! Fault rules through the tap (`--faults`), against an upstream nobody here wrote (PyPI
//! sse-starlette, which ends lines with CRLF): a raw socket client shows that the bytes it gets
//! are exactly what each fault says and the rest is byte for byte what the upstream sent (as
//! the tap's own record of the upstream has it), and that unselected exchanges pass untouched.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use sse_faults::FaultRules;
use sse_tap::{Ending, Exchange, Recorder, TapConfig};
use sse_test_support::{RawAnswer, RawServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

mod common;
use common::starlette::Starlette;
use common::{dechunk, start_tap};

/// What a raw socket client got.
struct Got {
    head: String,
    /// The body, de-chunked.
    body: Vec<u8>,
    /// The body ended as its framing says (the last chunk came).
    ended: bool,
    /// When each read came (since the request was sent) and the body's length after it.
    reads: Vec<(Duration, usize)>,
}

impl Got {
    /// When the body first held `len` bytes.
    fn when_it_had(&self, len: usize) -> Duration {
        self.reads.iter().find(|(_, had)| *had >= len).map(|(at, _)| *at).expect("the body got that far")
    }
}

/// Sends a GET for `target` with `headers` and reads until the tap closes the connection.
async fn raw_get(tap: SocketAddr, target: &str, headers: &[&str]) -> Got {
    let mut socket = TcpStream::connect(tap).await.expect("the tap accepts");
    let mut request = format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    for header in headers {
        request.push_str(&format!("{header}\r\n"));
    }
    request.push_str("\r\n");
    let sent = Instant::now();
    socket.write_all(request.as_bytes()).await.expect("send the request");
    let mut raw = Vec::new();
    let mut reads = Vec::new();
    let mut buffer = vec![0u8; 64 * 1024];
    let read_all = async {
        loop {
            match socket.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    raw.extend_from_slice(&buffer[..n]);
                    reads.push((sent.elapsed(), raw.clone()));
                }
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(20), read_all)
        .await
        .expect("the tap closes the connection within 20 s");
    let at = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a response head");
    let head = String::from_utf8_lossy(&raw[..at]).into_owned();
    let chunked = head.to_ascii_lowercase().contains("transfer-encoding: chunked");
    let (body, ended) = if chunked { dechunk(&raw[at + 4..]) } else { (raw[at + 4..].to_vec(), true) };
    let body_after = |raw: &[u8]| match raw.get(at + 4..) {
        Some(rest) if chunked => dechunk(rest).0.len(),
        Some(rest) => rest.len(),
        None => 0,
    };
    let reads = reads.iter().map(|(when, raw)| (*when, body_after(raw))).collect();
    Got { head, body, ended, reads }
}

/// A tap to `upstream` with `rules`.
async fn tap_with(upstream: &str, rules: &str) -> (SocketAddr, Recorder, tokio::sync::oneshot::Sender<()>) {
    let mut config = TapConfig::new(upstream).expect("a valid upstream");
    config.faults = FaultRules::parse(rules.as_bytes()).expect("valid rules");
    start_tap(config).await
}

/// The exchange for `target` once it ended (waited for, 10 s at most).
async fn ended(recorder: &Recorder, target: &str) -> Exchange {
    common::ended_where(recorder, target, |sent| sent == target).await
}

/// The upstream's body as the tap recorded it (decoded).
fn upstream_body(exchange: &Exchange) -> Vec<u8> {
    assert_eq!(exchange.raw_dropped, 0, "the whole upstream body is in the record");
    exchange.raw.iter().flat_map(|(_, bytes)| bytes.to_vec()).collect()
}

/// `body` up to the end of its `n`th event block (a block with a `data` field).
fn through_events(body: &[u8], n: usize) -> Vec<u8> {
    let mut end = 0;
    let mut seen = 0;
    for block in body.split_inclusive_blocks() {
        end += block.len();
        if block.windows(5).any(|w| w == b"data:") {
            seen += 1;
            if seen == n {
                return body[..end].to_vec();
            }
        }
    }
    panic!("the upstream sent fewer than {n} events: {}", String::from_utf8_lossy(body));
}

/// sse-starlette's blocks, each up to its CRLF blank line.
trait Blocks {
    fn split_inclusive_blocks(&self) -> Vec<&[u8]>;
}

impl Blocks for [u8] {
    fn split_inclusive_blocks(&self) -> Vec<&[u8]> {
        let mut blocks = Vec::new();
        let mut rest = self;
        while let Some(at) = rest.windows(4).position(|w| w == b"\r\n\r\n") {
            blocks.push(&rest[..at + 4]);
            rest = &rest[at + 4..];
        }
        if !rest.is_empty() {
            blocks.push(rest);
        }
        blocks
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A cut after 3 events gives the client exactly the upstream's bytes through its third event,
/// closes its connection without the last chunk, and closes the upstream request with it; the
/// record and the line say what the rule did.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cut_after_events_gives_those_events_and_closes_both_sides() {
    let mut upstream = Starlette::start().await;
    let (tap, recorder, _stop) =
        tap_with(&upstream.url, r#"[{"path": "/events*", "cutAfterEvents": 3}]"#).await;
    let got = raw_get(tap, "/events?count=50", &[]).await;
    let exchange = ended(&recorder, "/events?count=50").await;
    let sent = upstream_body(&exchange);
    assert_eq!(text(&got.body), text(&through_events(&sent, 3)));
    assert!(!got.ended, "a cut never ends the body");
    assert_eq!(exchange.ending, Some(Ending::CutByFault { after_bytes: got.body.len() as u64 }));
    let fault = exchange.fault.clone().expect("the rule is recorded");
    assert_eq!(fault.line(), format!("rule 1: cut after 3 events at byte {}", got.body.len()));
    let closed = upstream.next_closed().await;
    assert!(closed["sent"].as_u64().expect("a count") < 50, "the upstream request was closed: {closed}");
    assert!(exchange.summary().to_string().ends_with(&format!("; {}", fault.line())));
}

/// A cut at a byte falls exactly there, inside a line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cut_at_a_byte_falls_exactly_there() {
    let upstream = Starlette::start().await;
    let (tap, recorder, _stop) = tap_with(&upstream.url, r#"[{"cutAfterBytes": 37}]"#).await;
    let got = raw_get(tap, "/events?count=5", &[]).await;
    let exchange = ended(&recorder, "/events?count=5").await;
    let sent = upstream_body(&exchange);
    assert_eq!(got.body, sent[..37]);
    assert!(!got.ended);
}

/// `retryMs`, `bom`, `lineEnding` and `errorEventAfter` add or change only what they say: the
/// rest is the upstream's stream, which still ends as the upstream ended it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rewrites_change_only_what_they_say() {
    let upstream = Starlette::start().await;
    let rules = r#"[{"retryMs": 250, "bom": true, "lineEnding": "lf", "errorEventAfter": 1}]"#;
    let (tap, recorder, _stop) = tap_with(&upstream.url, rules).await;
    let got = raw_get(tap, "/events?count=4", &[]).await;
    let exchange = ended(&recorder, "/events?count=4").await;
    let sent = upstream_body(&exchange);
    let first = through_events(&sent, 1);
    let lf = |bytes: &[u8]| text(bytes).replace("\r\n", "\n");
    let expected = format!(
        "\u{feff}retry: 250\n\n{}event: error\ndata: a fault profile sent this error event\n\n{}",
        lf(&first),
        lf(&sent[first.len()..])
    );
    assert_eq!(text(&got.body), expected);
    assert!(got.ended, "the upstream ended the stream, and so does the tap");
    assert_eq!(exchange.ending, Some(Ending::Completed));
    let line = exchange.fault.expect("recorded").line();
    assert!(
        line.contains("wrote LF line endings") && line.contains("sent an error event after 1 event"),
        "{line}"
    );
}

/// `ids: reset` numbers the upstream's ids from 1 on this connection, and a stall holds the
/// stream before the second event.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ids_reset_and_a_stall_holds_the_stream() {
    let upstream = Starlette::start().await;
    let rules = r#"[{"ids": "reset", "stall": {"afterEvents": 1, "ms": 400}}]"#;
    let (tap, recorder, _stop) = tap_with(&upstream.url, rules).await;
    let got = raw_get(tap, "/events?count=3&every=5", &["Last-Event-ID: 10"]).await;
    let exchange = ended(&recorder, "/events?count=3&every=5").await;
    let sent = text(&upstream_body(&exchange));
    assert!(sent.contains("id: 11\r\n"), "the upstream resumed after 10: {sent}");
    let expected = sent
        .replace("id: 11\r\n", "id: 1\r\n")
        .replace("id: 12\r\n", "id: 2\r\n")
        .replace("id: 13\r\n", "id: 3\r\n");
    assert_eq!(text(&got.body), expected);
    let first = through_events(sent.as_bytes(), 1).len() - 1;
    let held = got.when_it_had(first + 2).saturating_sub(got.when_it_had(first));
    assert!(held >= Duration::from_millis(400), "the second event came {held:?} after the first");
}

/// A reconnect (it carries Last-Event-ID) a rule answers gets the rule's answer from the tap,
/// and the upstream never hears of it; the next request goes upstream as usual.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reconnect_is_answered_without_going_upstream() {
    let mut upstream = Starlette::start().await;
    let rules = r#"[{"path": "/events*", "onReconnect": {"status": 503}}]"#;
    let (tap, recorder, _stop) = tap_with(&upstream.url, rules).await;
    let got = raw_get(tap, "/events?count=1&n=1", &["Last-Event-ID: 3", "Origin: http://127.0.0.1:9"]).await;
    assert!(got.head.starts_with("HTTP/1.1 503"), "{}", got.head);
    let head = got.head.to_ascii_lowercase();
    assert!(head.contains("access-control-allow-origin: http://127.0.0.1:9"), "{head}");
    assert!(text(&got.body).contains("retry: 2345\n"), "{}", text(&got.body));
    let answered = ended(&recorder, "/events?count=1&n=1").await;
    assert_eq!(answered.ending, Some(Ending::AnsweredByFault));
    assert_eq!(
        answered.fault.expect("recorded").line(),
        "rule 1: answered the reconnect with 503 instead of going upstream"
    );
    let next = raw_get(tap, "/events?count=1&n=2", &["Last-Event-ID: 3"]).await;
    assert!(next.head.starts_with("HTTP/1.1 200"), "the answer was the next reconnect's only");
    let request = upstream.next_request().await;
    assert_eq!(request["request"], "/events?count=1&n=2", "the answered one never went upstream");
}

/// In an NDJSON stream each line is an event for a cut, and the SSE rewrites are skipped and
/// said; a body that is no stream takes only the byte faults.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ndjson_and_other_bodies_take_only_the_faults_that_fit() {
    let upstream = Starlette::start().await;
    let rules = r#"[{"path": "/ndjson*", "cutAfterEvents": 2, "retryMs": 5},
                    {"path": "/json", "cutAfterBytes": 10, "cutAfterEvents": 1}]"#;
    let (tap, recorder, _stop) = tap_with(&upstream.url, rules).await;
    let lines = raw_get(tap, "/ndjson?count=5", &[]).await;
    assert_eq!(text(&lines.body), "{\"n\": 1}\n{\"n\": 2}\n");
    assert!(!lines.ended);
    let ndjson = ended(&recorder, "/ndjson?count=5").await.fault.expect("recorded");
    assert_eq!(ndjson.skipped, ["`retryMs` skipped: an NDJSON stream has no SSE fields to rewrite"]);
    let plain = raw_get(tap, "/json", &[]).await;
    let exchange = ended(&recorder, "/json").await;
    assert_eq!(plain.body, exchange.response_body[..10]);
    let fault = exchange.fault.expect("recorded");
    assert!(
        fault.skipped[0]
            .starts_with("`cutAfterEvents` skipped: the response is not an event stream (application/json)"),
        "{:?}",
        fault.skipped
    );
}

/// A rule for a tagged client leaves every other exchange byte for byte as the upstream sent
/// it (the upstream's own `client=` included); the tag it names is taken off the query, and
/// the `X-SSE-Client` header never goes upstream.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_selected_exchange_is_touched_and_its_tag_stays_here() {
    let mut upstream = Starlette::start().await;
    let rules = r#"[{"path": "/events*", "client": "under-test", "cutAfterEvents": 1}]"#;
    let (tap, recorder, _stop) = tap_with(&upstream.url, rules).await;
    let other = raw_get(tap, "/events?count=3&client=theirs", &[]).await;
    let exchange = ended(&recorder, "/events?count=3&client=theirs").await;
    assert_eq!(other.body, upstream_body(&exchange), "untouched");
    assert!(other.ended && exchange.fault.is_none());
    assert_eq!(upstream.next_request().await["request"], "/events?count=3&client=theirs");
    let tagged = raw_get(tap, "/events?count=3&client=under-test", &["X-SSE-Client: someone"]).await;
    let exchange = ended(&recorder, "/events?count=3&client=under-test").await;
    assert_eq!(text(&tagged.body), text(&through_events(&upstream_body(&exchange), 1)));
    let request = upstream.next_request().await;
    assert_eq!((request["request"].as_str(), request["client"].as_str()), (Some("/events?count=3"), None));
}

/// A compressed stream a rule selects is decoded first and reaches the client uncompressed,
/// without its Content-Encoding, and the record says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_compressed_stream_is_decoded_for_the_faults() {
    use flate2::write::GzEncoder;
    use std::io::Write;
    let plain = "id: 1\ndata: one\n\nid: 2\ndata: two\n\n";
    let mut gzip = GzEncoder::new(Vec::new(), flate2::Compression::default());
    gzip.write_all(plain.as_bytes()).expect("compress");
    let body = gzip.finish().expect("compress");
    let mut head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-encoding: gzip\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    head.extend_from_slice(&body);
    let upstream = RawServer::start(RawAnswer::once(head)).await;
    let (tap, recorder, _stop) = tap_with(&upstream.url(""), r#"[{"retryMs": 100}]"#).await;
    let got = raw_get(tap, "/events", &[]).await;
    assert!(!got.head.to_ascii_lowercase().contains("content-encoding"), "{}", got.head);
    assert_eq!(text(&got.body), format!("retry: 100\n\n{plain}"));
    let fault = ended(&recorder, "/events").await.fault.expect("recorded");
    assert_eq!(fault.decoded.as_deref(), Some("gzip"));
    assert!(fault.line().contains("decoded gzip for the client"), "{}", fault.line());
}

/// A drip hands the upstream's bytes on unchanged, a tenth of a second's worth at a time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_drip_paces_bytes_it_leaves_untouched() {
    let upstream = Starlette::start().await;
    let (tap, recorder, _stop) = tap_with(&upstream.url, r#"[{"dripBytesPerSecond": 1000}]"#).await;
    let got = raw_get(tap, "/events?count=3&every=1", &[]).await;
    let exchange = ended(&recorder, "/events?count=3&every=1").await;
    assert_eq!(got.body, upstream_body(&exchange));
    // Pieces of 100 bytes, each followed by a tenth of a second.
    let pauses = (got.body.len().div_ceil(100) - 1) as u32;
    let took = got.when_it_had(got.body.len());
    assert!(took >= Duration::from_millis(100) * pauses, "{} bytes in {took:?}", got.body.len());
    assert!(exchange.fault.expect("recorded").line().starts_with("rule 1: dripped at 1,000 B/s"));
}

/// `commentFlood`, `oversizedEventBytes`, `ids: repeat` and `lineEnding: cr` add or change
/// only what they say: every event keeps the first one's id, two comments go before each, an
/// oversized event opens the body, and every line ends with CR.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn floods_an_oversized_event_repeated_ids_and_cr_endings() {
    let upstream = Starlette::start().await;
    let rules = r#"[{"commentFlood": 2, "oversizedEventBytes": 10, "ids": "repeat", "lineEnding": "cr"}]"#;
    let (tap, recorder, _stop) = tap_with(&upstream.url, rules).await;
    let got = raw_get(tap, "/events?count=3", &[]).await;
    let exchange = ended(&recorder, "/events?count=3").await;
    let sent = upstream_body(&exchange);
    let mut expected = String::from("event: oversized\rdata: xxxxxxxxxx\r\r");
    for block in sent.split_inclusive_blocks() {
        let block = text(block);
        if block.contains("data:") {
            expected.push_str(": flood\r\r: flood\r\r");
        }
        let first_id = block.lines().next().filter(|line| line.starts_with("id: ")).map(|_| "id: 1");
        let mut rewritten = block.replace("\r\n", "\r");
        if let (Some(id), Some(line)) = (first_id, rewritten.split('\r').next().map(str::to_owned)) {
            rewritten = rewritten.replacen(&line, id, 1);
        }
        expected.push_str(&rewritten);
    }
    assert_eq!(text(&got.body), expected);
    let line = exchange.fault.expect("recorded").line();
    assert!(
        line.contains("repeated the first id over 3 ids")
            && line.contains("sent 2 comments before each event"),
        "{line}"
    );
}

/// A seeded random cut falls at the same byte on every exchange, within the bound.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_seeded_random_cut_falls_at_the_same_byte_each_time() {
    let upstream = Starlette::start().await;
    let (tap, recorder, _stop) =
        tap_with(&upstream.url, r#"[{"cutRandomlyWithinBytes": 60, "seed": 7}]"#).await;
    let first = raw_get(tap, "/events?count=5&n=1", &[]).await;
    let second = raw_get(tap, "/events?count=5&n=2", &[]).await;
    assert!((1..=60).contains(&first.body.len()), "{}", first.body.len());
    assert_eq!(first.body.len(), second.body.len(), "the seed decides the byte");
    let sent = upstream_body(&ended(&recorder, "/events?count=5&n=1").await);
    assert_eq!(first.body, sent[..first.body.len()]);
    assert!(!first.ended && !second.ended);
}

/// Each reconnect answer is the tap's own: a 204, a redirect, another Content-Type; none of
/// them reaches the upstream.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_of_reconnect_answer_comes_from_the_tap() {
    let mut upstream = Starlette::start().await;
    let rules = r#"[{"path": "/a*", "onReconnect": {"status": 204}},
                    {"path": "/b*", "onReconnect": {"redirect": "/events?count=1"}},
                    {"path": "/c*", "onReconnect": {"contentType": "text/html"}}]"#;
    let (tap, _recorder, _stop) = tap_with(&upstream.url, rules).await;
    let gone = raw_get(tap, "/a", &["Last-Event-ID: 1"]).await;
    assert!(gone.head.starts_with("HTTP/1.1 204"), "{}", gone.head);
    let moved = raw_get(tap, "/b", &["Last-Event-ID: 1"]).await;
    assert!(moved.head.starts_with("HTTP/1.1 307"), "{}", moved.head);
    assert!(moved.head.to_ascii_lowercase().contains("location: /events?count=1"), "{}", moved.head);
    let typed = raw_get(tap, "/c", &["Last-Event-ID: 1"]).await;
    assert!(
        typed.head.starts_with("HTTP/1.1 200")
            && typed.head.to_ascii_lowercase().contains("content-type: text/html"),
        "{}",
        typed.head
    );
    let passed = raw_get(tap, "/events?count=1", &[]).await;
    assert!(passed.ended);
    assert_eq!(
        upstream.next_request().await["request"],
        "/events?count=1",
        "the answered ones never went upstream"
    );
}

/// A body that is no stream can still be held before its first byte; it then passes whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stall_holds_a_plain_body_before_its_first_byte() {
    let upstream = Starlette::start().await;
    let (tap, recorder, _stop) =
        tap_with(&upstream.url, r#"[{"path": "/json", "stall": {"afterEvents": 0, "ms": 300}}]"#).await;
    let got = raw_get(tap, "/json", &[]).await;
    let exchange = ended(&recorder, "/json").await;
    assert_eq!(got.body, exchange.response_body);
    assert!(
        got.when_it_had(1) >= Duration::from_millis(300),
        "the first byte came after {:?}",
        got.when_it_had(1)
    );
    assert_eq!(exchange.fault.expect("recorded").did, ["stalled 300 ms before the body"]);
}

/// A client that never sends Last-Event-ID is tried on reconnect answers too: its next request
/// for the stream after the tap cut it is a reconnect, answered by the rule.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_next_request_after_a_cut_is_a_reconnect_without_last_event_id() {
    let mut upstream = Starlette::start().await;
    let rules = r#"[{"path": "/events*", "cutAfterEvents": 1, "onReconnect": {"status": 204}}]"#;
    let (tap, _recorder, _stop) = tap_with(&upstream.url, rules).await;
    let first = raw_get(tap, "/events?count=3", &[]).await;
    assert!(first.head.starts_with("HTTP/1.1 200") && !first.ended, "cut: {}", first.head);
    let again = raw_get(tap, "/events?count=3", &[]).await;
    assert!(again.head.starts_with("HTTP/1.1 204"), "a reconnect without the header: {}", again.head);
    let other = raw_get(tap, "/events?count=2", &[]).await;
    assert!(other.head.starts_with("HTTP/1.1 200"), "another stream is not a reconnect: {}", other.head);
    assert_eq!(upstream.next_request().await["request"], "/events?count=3");
    assert_eq!(upstream.next_request().await["request"], "/events?count=2", "the 204 never went upstream");
}
