//! A subscription written with a fault profile: its blocks handed to the fault engine
//! (`sse_faults`), and the engine's steps taken on this one connection (write, wait, cut).
//! What the broker holds is never changed. Unfaulted subscriptions never come here: they keep
//! the lean path of `lean_sse.rs`.

use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use sse_faults::{
    is_reconnect, BlockSplitter, BodyKind, FaultEngine, FaultProfile, ReconnectAnswer, SourceBlock, Step,
};
use sse_report_card::client_tag;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use crate::access::HttpState;
use crate::answer_headers::{write_header_lines, READ_HEADERS};
use crate::clients::{opening, AttemptEnd, AttemptRecord, Delivered};
use crate::http::EventsQuery;
use crate::lean_sse::{
    self, end_body, next_while_connected, open_recorded, response_head, write_all_parts, write_failed,
    write_framed, Framing, Next, SubscribeRequest,
};
use crate::subscription::{greeting, Subscription};

/// Serves a subscribe request while some fault profile is set: a reconnect a profile answers is
/// answered instead, a subscription a profile targets is faulted, any other keeps the lean path.
/// Gives the connection and its head back when the subscription does not open (the router
/// answers that).
pub(crate) async fn serve_subscribe(
    socket: TcpStream,
    head: Vec<u8>,
    request: SubscribeRequest,
    state: &HttpState,
    write_stall: Duration,
) -> Option<(TcpStream, Vec<u8>)> {
    let (stream, client) = target(&request.query, &request.headers);
    let peer = socket.peer_addr().ok().map(|addr| addr.ip());
    let client_parameter = request.query.client.as_deref();
    let kept = state.clients.keep(&opening("GET", &request.uri, &request.headers, client_parameter, peer));
    // A reconnect (after an end there, or with Last-Event-ID) a profile answers instead.
    let last_event_id = request.headers.get("last-event-id").map(|value| value.as_bytes());
    if is_reconnect(last_event_id, state.clients.ended_there(&kept)) {
        if let Some(answer) = state.faults.reconnect_answer(&stream, client.as_deref()) {
            let record = state.clients.open_kept(kept, answer.recorded());
            // Ended before a byte goes: a client that follows a redirect at once could otherwise
            // be seen starting while this attempt is still open, and be taken for another
            // EventSource (a new instance) on a busy machine.
            record.finish(Delivered::default(), AttemptEnd::Answered, None);
            answer_instead(socket, answer).await;
            return None;
        }
    }
    let framing = request.framing;
    // Taken once the subscription opened, so a `once` profile is not spent on a refusal.
    let mut profile = None;
    let take_profile = || {
        profile = state.faults.take_for(&stream, client.as_deref());
        profile.as_ref().and_then(|profile| serde_json::to_string(profile).ok())
    };
    let Some((subscription, record)) = open_recorded(state, request, peer, take_profile) else {
        return Some((socket, head));
    };
    drop(head);
    match profile {
        Some(profile) => stream_faulted(socket, subscription, framing, write_stall, profile, record).await,
        None => lean_sse::stream_events(socket, subscription, framing, write_stall, record).await,
    }
    None
}

/// Whom a subscribe request is from, for fault profiles: its stream, and its `client` query
/// parameter or `X-SSE-Client` header.
fn target(query: &EventsQuery, headers: &HeaderMap) -> (String, Option<String>) {
    let header = headers.get("x-sse-client").and_then(|value| value.to_str().ok());
    let client = client_tag(query.client.as_deref(), header).map(|(tag, _)| tag.to_owned());
    (query.stream.clone().unwrap_or_default(), client)
}

/// Answers a reconnect as a profile says (a whole response), and closes the connection.
async fn answer_instead(mut socket: TcpStream, answer: ReconnectAnswer) {
    let _ = socket.write_all(&instead_response(&answer)).await;
    let _ = socket.shutdown().await;
}

/// A profile's answer as a whole HTTP/1.1 response that closes the connection, with the
/// headers of every answer to `/events` (a page on another origin, the app's webview, must see
/// this one too, and may follow the redirect).
fn instead_response(answer: &ReconnectAnswer) -> Vec<u8> {
    let answer = answer.instead();
    let reason = axum::http::StatusCode::from_u16(answer.status)
        .ok()
        .and_then(|status| status.canonical_reason())
        .unwrap_or("");
    let mut response = format!("HTTP/1.1 {} {reason}\r\n", answer.status).into_bytes();
    let length = answer.body.len().to_string();
    let content_type = answer.content_type.as_deref().map(|value| ("content-type", value));
    let location = answer.location.as_deref().map(|value| ("location", value));
    let framing = [("content-length", length.as_str()), ("connection", "close")];
    let fields = content_type.iter().chain(&location).chain(READ_HEADERS.iter()).chain(&framing);
    write_header_lines(&mut response, fields);
    response.extend_from_slice(b"\r\n");
    response.extend_from_slice(answer.body.as_bytes());
    response
}

/// Streams a subscription to the socket as `profile` says. A cut closes the connection
/// without ending the body (for chunked framing, no last chunk): the client sees a stream cut.
async fn stream_faulted(
    mut socket: TcpStream,
    mut subscription: Subscription,
    framing: Framing,
    write_stall: Duration,
    profile: FaultProfile,
    record: AttemptRecord,
) {
    let clock_seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos() as u64);
    let mut engine = FaultEngine::new(profile, clock_seed);
    let mut last_write = Instant::now();
    let end =
        write_faulted(&mut socket, &mut subscription, framing, write_stall, &mut engine, &mut last_write)
            .await;
    record.finish(engine.given().clone(), end, Some(last_write.elapsed()));
}

/// Whether the connection goes on after the engine's steps so far.
enum Went {
    On,
    Ended(AttemptEnd),
}

/// Takes every step the engine has ready.
async fn take_steps(
    socket: &mut TcpStream,
    framing: Framing,
    limit: Duration,
    engine: &mut FaultEngine,
    last_write: &mut Instant,
) -> Went {
    while let Some(step) = engine.next_step() {
        match step {
            Step::Write(bytes) => {
                if let Err(error) = write_framed(socket, framing, &bytes, limit).await {
                    return Went::Ended(write_failed(&error, limit));
                }
                *last_write = Instant::now();
            }
            Step::Wait(time) => tokio::time::sleep(time).await,
            Step::Cut => {
                let given = engine.given();
                tracing::debug!(
                    events = given.events,
                    bytes = engine.bytes_written(),
                    "fault profile cut a subscription"
                );
                return Went::Ended(AttemptEnd::Cut);
            }
        }
    }
    Went::On
}

async fn write_faulted(
    socket: &mut TcpStream,
    subscription: &mut Subscription,
    framing: Framing,
    write_stall: Duration,
    engine: &mut FaultEngine,
    last_write: &mut Instant,
) -> AttemptEnd {
    let head = response_head(framing);
    if let Err(error) = write_all_parts(socket, [&head, &[], &[]], 0, write_stall).await {
        return write_failed(&error, write_stall);
    }
    let greeting = greeting();
    engine.open(Some(SourceBlock::comment(&greeting)));
    if let Went::Ended(end) = take_steps(socket, framing, write_stall, engine, last_write).await {
        return end;
    }
    // The broker writes whole blocks, so the splitter holds nothing between chunks.
    let mut splitter = BlockSplitter::new(BodyKind::EventStream);
    loop {
        let chunk = match next_while_connected(subscription, socket).await {
            Next::Chunk(chunk) => chunk,
            Next::Ended => break,
            Next::ClientGone => return AttemptEnd::ClientLeft,
        };
        for block in splitter.feed(&chunk) {
            engine.push(block.as_source());
            if let Went::Ended(end) = take_steps(socket, framing, write_stall, engine, last_write).await {
                return end;
            }
        }
    }
    end_body(socket, framing, write_stall).await;
    subscription.end().unwrap_or(AttemptEnd::ServerStopped)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A profile's answer is a whole response with the read headers, closing the connection.
    #[test]
    fn an_answer_instead_is_a_whole_response() {
        let answer =
            ReconnectAnswer { status: None, content_type: None, redirect: Some("/b".into()), every: false };
        let text = String::from_utf8(instead_response(&answer)).expect("ASCII");
        assert!(text.starts_with("HTTP/1.1 307 Temporary Redirect\r\nlocation: /b\r\n"), "{text}");
        assert!(text.ends_with("content-length: 0\r\nconnection: close\r\n\r\n"), "{text}");
        assert!(text.contains("cache-control: no-cache"), "{text}");
    }
}
