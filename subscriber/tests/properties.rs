//! Properties over generated input: any event published through the broker comes back exactly
//! (CR and CRLF line breaks as LF, the spec's normalisation), and a byte stream parses to the
//! same events however it is cut into chunks.

mod support;

use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use sse_subscriber::{EventParser, SubscribeRequest, Subscription, Update};

/// Data made of the characters that break naive SSE code: line breaks of every kind, NUL,
/// U+FFFD, colons, spaces, non-ASCII, and long runs.
fn hostile_data() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("\n".to_owned()),
        Just("\r".to_owned()),
        Just("\r\n".to_owned()),
        Just("\0".to_owned()),
        Just("\u{FFFD}".to_owned()),
        Just(":".to_owned()),
        Just(" ".to_owned()),
        Just("data: x".to_owned()),
        "[a-z0-9é漢🙂]{1,8}",
        "x{100,3000}",
    ];
    prop::collection::vec(piece, 0..12).prop_map(|pieces| pieces.concat())
}

/// What a subscriber must receive for `data`: line breaks become LF.
fn normalised(data: &str) -> String {
    data.replace("\r\n", "\n").replace('\r', "\n")
}

/// Published through the real broker over HTTP, every datum comes back exactly, normalised.
#[test]
fn published_data_round_trips_through_the_subscriber() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let app = runtime.block_on(support::spawn_app(None));
    let request = SubscribeRequest::new(&app.url("/events?stream=messages")).unwrap();
    let mut subscription = Subscription::new(request);
    runtime.block_on(async { while !matches!(subscription.next().await, Some(Update::Open { .. })) {} });
    // The runner takes a `Fn`: each case takes the subscription out and puts it back.
    let subscription = std::cell::Cell::new(Some(subscription));
    let mut runner = TestRunner::new(Config { cases: 200, failure_persistence: None, ..Config::default() });
    let result = runner.run(&hostile_data(), |data| {
        app.broker
            .publish("messages", embedded_server::Publish::data(data.as_str()))
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut taken =
            subscription.take().ok_or_else(|| TestCaseError::fail("the subscription was lost"))?;
        let received = runtime.block_on(async {
            tokio::time::timeout(Duration::from_secs(5), async {
                let subscription = &mut taken;
                loop {
                    match subscription.next().await {
                        Some(Update::Event(event)) => return Ok(event.data),
                        Some(Update::Error { error, .. }) => return Err(error.to_string()),
                        Some(_) => {}
                        None => return Err("the subscription ended".to_owned()),
                    }
                }
            })
            .await
        });
        subscription.set(Some(taken));
        let received =
            received.map_err(|_| TestCaseError::fail("no event within 5 s"))?.map_err(TestCaseError::fail)?;
        prop_assert_eq!(received, normalised(&data));
        Ok(())
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
}

/// Events as a server might write them, each line ending chosen among LF, CR and CRLF.
fn stream_and_events() -> impl Strategy<Value = (Vec<u8>, Vec<(String, String, String)>)> {
    let field_text = "[a-z0-9 :é]{0,12}";
    let event = (
        prop::option::of("[a-z]{1,8}"),
        prop::collection::vec(field_text, 1..4),
        prop::option::of("[0-9]{1,4}"),
    );
    let endings = prop::collection::vec(prop_oneof![Just("\n"), Just("\r"), Just("\r\n")], 64);
    (prop::collection::vec(event, 1..8), endings, any::<bool>()).prop_map(|(events, endings, comments)| {
        let mut bytes = Vec::new();
        let mut expected = Vec::new();
        let mut last_id = String::new();
        let mut endings = endings.into_iter().cycle();
        // A CR then an LF would read as one CRLF: after a CR ending, an LF ending becomes CR.
        let mut end_line = |bytes: &mut Vec<u8>| {
            let mut ending = endings.next().unwrap_or("\n");
            if ending == "\n" && bytes.last() == Some(&b'\r') {
                ending = "\r";
            }
            bytes.extend_from_slice(ending.as_bytes());
        };
        for (kind, lines, id) in events {
            if comments {
                bytes.extend_from_slice(b": keep-alive");
                end_line(&mut bytes);
            }
            if let Some(kind) = &kind {
                bytes.extend_from_slice(format!("event: {kind}").as_bytes());
                end_line(&mut bytes);
            }
            for line in &lines {
                bytes.extend_from_slice(format!("data: {line}").as_bytes());
                end_line(&mut bytes);
            }
            if let Some(id) = &id {
                bytes.extend_from_slice(format!("id: {id}").as_bytes());
                end_line(&mut bytes);
                last_id = id.clone();
            }
            end_line(&mut bytes);
            expected.push((kind.unwrap_or_else(|| "message".to_owned()), lines.join("\n"), last_id.clone()));
        }
        (bytes, expected)
    })
}

fn parse_in_chunks(bytes: &[u8], cuts: &[usize]) -> Vec<(String, String, String)> {
    let mut parser = EventParser::default();
    let mut events = Vec::new();
    let mut start = 0;
    let mut points: Vec<usize> = cuts.iter().map(|cut| cut % (bytes.len() + 1)).collect();
    points.sort_unstable();
    points.push(bytes.len());
    for end in points {
        parser.feed(&bytes[start..end.max(start)]);
        start = end.max(start);
        while let Some(event) = parser.next_event().unwrap() {
            events.push((event.event, event.data, event.id));
        }
    }
    events
}

proptest! {
    #![proptest_config(Config { cases: 500, ..Config::default() })]

    /// However a stream is cut into chunks, the parser gives the same events, and the ones
    /// that were written.
    #[test]
    fn chunk_boundaries_do_not_change_the_events(
        (bytes, expected) in stream_and_events(),
        cuts in prop::collection::vec(any::<usize>(), 0..16),
    ) {
        prop_assert_eq!(parse_in_chunks(&bytes, &[]), expected.clone());
        prop_assert_eq!(parse_in_chunks(&bytes, &cuts), expected);
    }
}
