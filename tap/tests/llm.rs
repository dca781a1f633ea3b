//! Streams through the tap read as LLM streams (`Exchange::llm`): the provider guessed from
//! the upstream URL, the milestones on the record's clock, each at the chunk that brought it;
//! a stream of no provider's format is not read as one.

mod common;

use std::time::Duration;

use common::{ended_where, exchange, raw_upstream, start_tap};
use sse_llm::{Completeness, Provider};
use sse_tap::TapConfig;

const HEAD: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n";

/// A time in the record as the milestones give it: ms, to the microsecond.
fn ms(at: Duration) -> f64 {
    (at.as_secs_f64() * 1e6).round() / 1e3
}

/// An Anthropic stream (thinking, text, a tool call) through the tap: every milestone, in
/// order; the first content is the first thinking delta (event 2, after `message_start` and an
/// empty block start), the first text event 8, the last content event 15.
#[tokio::test]
async fn a_tapped_llm_stream_has_its_milestones_on_the_records_clock() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../llm/tests/fixtures/anthropic-tools.sse");
    let fixture = std::fs::read_to_string(path).expect("the fixture");
    let mut chunks = vec![HEAD.to_vec()];
    chunks.extend(fixture.split_inclusive("\n\n").map(|block| block.as_bytes().to_vec()));
    let (upstream, _) = raw_upstream(chunks, false).await;
    let (tap, recorder, _stop) = start_tap(TapConfig::new(&format!("http://{upstream}")).unwrap()).await;
    let request =
        "POST /v1/messages HTTP/1.1\r\nHost: localhost\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}";
    exchange(tap, request).await;
    let tapped = ended_where(&recorder, "POST /v1/messages", |target| target == "/v1/messages").await;
    let summary = tapped.llm().unwrap_or_else(|| panic!("read as an LLM stream: {tapped:?}"));
    assert_eq!((summary.provider, summary.completeness), (Provider::Anthropic, Completeness::Complete));
    let m = &summary.milestones;
    let all = [
        m.request_sent,
        m.head_received,
        m.first_byte,
        m.first_event,
        m.first_content,
        m.first_text,
        m.last_content,
        m.end,
    ];
    let all: Vec<f64> = all.iter().map(|at| at.unwrap_or_else(|| panic!("every milestone: {m:?}"))).collect();
    assert!(all.windows(2).all(|pair| pair[0] <= pair[1]), "in order: {m:?}");
    let event_ms = |n: usize| ms(tapped.events[n].at);
    assert_eq!(
        (m.first_event, m.first_content, m.first_text, m.last_content),
        (Some(event_ms(0)), Some(event_ms(2)), Some(event_ms(8)), Some(event_ms(15))),
        "{m:?}"
    );
    assert_eq!(m.head_received, tapped.head_after.map(ms));
    assert_eq!(m.first_byte, tapped.first_byte_after.map(ms));
    assert_eq!(m.end, tapped.duration.map(ms));
}

/// A counter's stream is a stream, but of no provider's format: not read as an LLM's.
#[tokio::test]
async fn a_plain_stream_is_not_read_as_an_llm_stream() {
    let chunks = vec![HEAD.to_vec(), b"data: 1\n\n".to_vec(), b"data: 2\n\n".to_vec()];
    let (upstream, _) = raw_upstream(chunks, false).await;
    let (tap, recorder, _stop) = start_tap(TapConfig::new(&format!("http://{upstream}")).unwrap()).await;
    exchange(tap, "GET /events HTTP/1.1\r\nHost: localhost\r\nconnection: close\r\n\r\n").await;
    let tapped = ended_where(&recorder, "GET /events", |target| target == "/events").await;
    assert!(tapped.is_stream && tapped.events.len() == 2, "{tapped:?}");
    assert!(tapped.llm().is_none(), "{:?}", tapped.llm());
}
