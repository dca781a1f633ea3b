//! A subscription written with a fault profile: its events and bytes changed on their way to
//! this one connection (a byte order mark or `retry:` first, other line endings, ids repeated
//! or reset, an `error` event), paced (a drip, a stall) and cut (after N events or bytes, or
//! at a seeded random byte). What the broker holds is never changed. Unfaulted subscriptions
//! never come here: they keep the lean path of `lean_sse.rs`.

use std::io;
use std::time::Duration;

use axum::http::HeaderMap;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use crate::access::HttpState;
use crate::clients::{AttemptEnd, AttemptRecord, Delivered, Opening};
use crate::faults::{FaultLineEnding, FaultProfile, IdFault, ReconnectAnswer};
use crate::http::EventsQuery;
use crate::lean_sse::{
    self, end_body, next_while_connected, open_recorded, response_head, write_all_parts, write_failed,
    write_framed, Framing, Next, SubscribeRequest,
};
use crate::subscription::{greeting, Subscription};

/// The error event a profile sends.
const ERROR_EVENT: &[u8] = b"event: error\ndata: a fault profile sent this error event\n\n";

/// One block of the stream (an event or a comment), as it goes on the wire.
struct Block {
    bytes: Vec<u8>,
    is_event: bool,
    /// Its `id` and `retry` fields as written, for the client record.
    id: Option<String>,
    retry_ms: Option<u64>,
}

/// The `id` and `retry` fields of a block with LF line endings.
fn id_and_retry(bytes: &[u8]) -> (Option<String>, Option<u64>) {
    let (mut id, mut retry) = (None, None);
    for line in bytes.split(|b| *b == b'\n') {
        if let Some(value) = line.strip_prefix(b"id: ") {
            id = Some(String::from_utf8_lossy(value).into_owned());
        } else if let Some(value) = line.strip_prefix(b"retry: ") {
            retry = std::str::from_utf8(value).ok().and_then(|v| v.parse().ok()).or(retry);
        }
    }
    (id, retry)
}

/// Whether a block written went on, or the connection is to be cut now.
#[derive(PartialEq, Eq)]
enum Sent {
    Going,
    Cut,
}

/// SplitMix64: a small, seedable generator (the cut point only).
fn split_mix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A profile's state on one connection.
struct Faulting {
    profile: FaultProfile,
    events_sent: u64,
    bytes_sent: u64,
    /// The byte of the body where the connection is cut, if the profile cuts by bytes.
    cut_at: Option<u64>,
    stalled: bool,
    error_sent: bool,
    first_id: Option<String>,
    next_id: u64,
    /// The last `id` and `retry` in blocks written whole.
    last_id: Option<String>,
    retry_ms: Option<u64>,
}

impl Faulting {
    fn new(profile: FaultProfile) -> Self {
        let random = profile.cut_randomly_within_bytes.map(|within| {
            let mut state = profile.seed.unwrap_or_else(|| {
                let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
                now.map_or(0, |d| d.as_nanos() as u64)
            });
            1 + split_mix(&mut state) % within
        });
        let cut_at = match (profile.cut_after_bytes, random) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        Self {
            profile,
            events_sent: 0,
            bytes_sent: 0,
            cut_at,
            stalled: false,
            error_sent: false,
            first_id: None,
            next_id: 1,
            last_id: None,
            retry_ms: None,
        }
    }

    /// What goes before the stream's greeting: a byte order mark, a `retry:`.
    fn preamble(&self) -> Vec<Block> {
        let mut first = Vec::new();
        if self.profile.bom {
            first.extend_from_slice("\u{feff}".as_bytes());
        }
        if let Some(retry) = self.profile.retry_ms {
            first.extend_from_slice(format!("retry: {retry}\n\n").as_bytes());
        }
        first.extend_from_slice(&greeting());
        let mut blocks = vec![self.block(first, false)];
        if let Some(size) = self.profile.oversized_event_bytes {
            let mut event = b"event: oversized\ndata: ".to_vec();
            event.resize(event.len() + usize::try_from(size).unwrap_or(0), b'x');
            event.extend_from_slice(b"\n\n");
            blocks.push(self.block(event, false));
        }
        blocks
    }

    /// A chunk from the subscription (whole blocks, LF line endings) as blocks to write.
    fn blocks(&mut self, chunk: &[u8]) -> Vec<Block> {
        let mut blocks = Vec::new();
        for raw in
            chunk.split_inclusive(|byte| *byte == b'\n').fold(Vec::<Vec<u8>>::new(), |mut acc, line| {
                // Lines gathered into blocks: a blank line ends one.
                match acc.last_mut() {
                    Some(block) if !block.ends_with(b"\n\n") => block.extend_from_slice(line),
                    _ => acc.push(line.to_vec()),
                }
                acc
            })
        {
            let is_event = raw.split(|b| *b == b'\n').any(|line| line.starts_with(b"data"));
            let bytes = if is_event { self.rewrite_ids(&raw) } else { raw };
            blocks.push(self.block(bytes, is_event));
        }
        blocks
    }

    fn rewrite_ids(&mut self, block: &[u8]) -> Vec<u8> {
        let Some(fault) = self.profile.ids else { return block.to_vec() };
        let mut out = Vec::with_capacity(block.len());
        for line in block.split_inclusive(|b| *b == b'\n') {
            match line.strip_prefix(b"id: ") {
                Some(id) => {
                    let id = String::from_utf8_lossy(id.strip_suffix(b"\n").unwrap_or(id)).into_owned();
                    let written = match fault {
                        IdFault::Repeat => self.first_id.get_or_insert(id).clone(),
                        IdFault::Reset => {
                            self.next_id += 1;
                            (self.next_id - 1).to_string()
                        }
                    };
                    out.extend_from_slice(format!("id: {written}\n").as_bytes());
                }
                None => out.extend_from_slice(line),
            }
        }
        out
    }

    /// A block with the profile's line endings.
    fn block(&self, bytes: Vec<u8>, is_event: bool) -> Block {
        let (id, retry_ms) = id_and_retry(&bytes);
        let ending: &[u8] = match self.profile.line_ending {
            None | Some(FaultLineEnding::Lf) => return Block { bytes, is_event, id, retry_ms },
            Some(FaultLineEnding::Cr) => b"\r",
            Some(FaultLineEnding::Crlf) => b"\r\n",
        };
        let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 8);
        for byte in bytes {
            if byte == b'\n' {
                out.extend_from_slice(ending);
            } else {
                out.push(byte);
            }
        }
        Block { bytes: out, is_event, id, retry_ms }
    }

    /// What the client was given: events, the last id and retry in blocks written whole.
    fn delivered(&self) -> Delivered {
        Delivered { events: self.events_sent, last_id: self.last_id.clone(), retry_ms: self.retry_ms }
    }
}

/// Writes `data` as the profile paces it (dripped, or at once).
async fn write_paced(
    socket: &mut TcpStream,
    framing: Framing,
    data: &[u8],
    drip: Option<u64>,
    limit: Duration,
) -> io::Result<()> {
    let Some(per_second) = drip else { return write_framed(socket, framing, data, limit).await };
    // A tenth of a second's bytes at a time (at least one), evenly spaced.
    let piece = (per_second / 10).max(1) as usize;
    let pause = Duration::from_secs_f64(piece as f64 / per_second as f64);
    for part in data.chunks(piece) {
        write_framed(socket, framing, part, limit).await?;
        tokio::time::sleep(pause).await;
    }
    Ok(())
}

impl Faulting {
    /// Writes `blocks`, stalling, inserting the error event and cutting where the profile says.
    async fn send(
        &mut self,
        socket: &mut TcpStream,
        framing: Framing,
        blocks: Vec<Block>,
        limit: Duration,
    ) -> io::Result<Sent> {
        for block in blocks {
            if block.is_event {
                if self.profile.cut_after_events.is_some_and(|cut| self.events_sent >= cut) {
                    return Ok(Sent::Cut);
                }
                if let Some((_, time)) =
                    self.profile.stall_time().filter(|(after, _)| *after == self.events_sent)
                {
                    if !self.stalled {
                        self.stalled = true;
                        tokio::time::sleep(time).await;
                    }
                }
                if let Some(flood) = self.profile.comment_flood {
                    let comments = b": flood\n\n".repeat(usize::try_from(flood).unwrap_or(0));
                    let comments = self.block(comments, false);
                    if self.write(socket, framing, &comments.bytes, limit).await? == Sent::Cut {
                        return Ok(Sent::Cut);
                    }
                }
                if !self.error_sent && self.profile.error_event_after == Some(self.events_sent) {
                    self.error_sent = true;
                    let error = self.block(ERROR_EVENT.to_vec(), false);
                    if self.write(socket, framing, &error.bytes, limit).await? == Sent::Cut {
                        return Ok(Sent::Cut);
                    }
                }
            }
            let before = self.bytes_sent;
            let sent = self.write(socket, framing, &block.bytes, limit).await?;
            if self.bytes_sent - before == block.bytes.len() as u64 {
                // Written whole: the client was given its fields (a cut inside it gives none).
                self.last_id = block.id.or(self.last_id.take());
                self.retry_ms = block.retry_ms.or(self.retry_ms);
            }
            if sent == Sent::Cut {
                return Ok(Sent::Cut);
            }
            if block.is_event {
                self.events_sent += 1;
                if self.profile.cut_after_events.is_some_and(|cut| self.events_sent >= cut) {
                    return Ok(Sent::Cut);
                }
            }
        }
        Ok(Sent::Going)
    }

    /// Writes bytes of the body, up to the cut point.
    async fn write(
        &mut self,
        socket: &mut TcpStream,
        framing: Framing,
        bytes: &[u8],
        limit: Duration,
    ) -> io::Result<Sent> {
        let room = self.cut_at.map_or(u64::MAX, |cut| cut.saturating_sub(self.bytes_sent));
        let take = bytes.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        if take > 0 {
            write_paced(socket, framing, &bytes[..take], self.profile.drip_bytes_per_second, limit).await?;
            self.bytes_sent += take as u64;
        }
        Ok(if take < bytes.len() || self.cut_at == Some(self.bytes_sent) { Sent::Cut } else { Sent::Going })
    }
}

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
    // A reconnect (it carries Last-Event-ID) a profile answers instead of streaming.
    if request.headers.contains_key("last-event-id") {
        if let Some(answer) = state.faults.reconnect_answer(&stream, client.as_deref()) {
            let client_parameter = request.query.client.as_deref();
            let opening = Opening::new("GET", &request.uri, &request.headers, client_parameter, peer);
            let record = state.clients.open(&opening, answer.recorded());
            answer_instead(socket, answer).await;
            record.finish(Delivered::default(), AttemptEnd::Answered);
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
    let client = query
        .client
        .clone()
        .or_else(|| headers.get("x-sse-client").and_then(|value| value.to_str().ok()).map(str::to_owned));
    (query.stream.clone().unwrap_or_default(), client)
}

/// Answers a reconnect as a profile says (a whole response), and closes the connection.
async fn answer_instead(mut socket: TcpStream, answer: ReconnectAnswer) {
    let _ = socket.write_all(&answer.response()).await;
    let _ = socket.shutdown().await;
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
    let mut fault = Faulting::new(profile);
    let end = write_faulted(&mut socket, &mut subscription, framing, write_stall, &mut fault).await;
    record.finish(fault.delivered(), end);
}

async fn write_faulted(
    socket: &mut TcpStream,
    subscription: &mut Subscription,
    framing: Framing,
    write_stall: Duration,
    fault: &mut Faulting,
) -> AttemptEnd {
    let head = response_head(framing);
    if let Err(error) = write_all_parts(socket, [&head, &[], &[]], 0, write_stall).await {
        return write_failed(&error, write_stall);
    }
    let preamble = fault.preamble();
    match fault.send(socket, framing, preamble, write_stall).await {
        Ok(Sent::Going) => {}
        Ok(Sent::Cut) => return AttemptEnd::Cut,
        Err(error) => return write_failed(&error, write_stall),
    }
    loop {
        let chunk = match next_while_connected(subscription, socket).await {
            Next::Chunk(chunk) => chunk,
            Next::Ended => break,
            Next::ClientGone => return AttemptEnd::ClientLeft,
        };
        let blocks = fault.blocks(&chunk);
        match fault.send(socket, framing, blocks, write_stall).await {
            Ok(Sent::Going) => {}
            Ok(Sent::Cut) => {
                tracing::debug!(
                    events = fault.events_sent,
                    bytes = fault.bytes_sent,
                    "fault profile cut a subscription"
                );
                return AttemptEnd::Cut;
            }
            Err(error) => return write_failed(&error, write_stall),
        }
    }
    end_body(socket, framing, write_stall).await;
    subscription.end().unwrap_or(AttemptEnd::ServerStopped)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(blocks: &[Block]) -> String {
        blocks.iter().map(|b| String::from_utf8_lossy(&b.bytes).into_owned()).collect()
    }

    /// Ids are repeated or reset and line endings changed, block by block; comments are not
    /// events.
    #[test]
    fn blocks_are_rewritten_as_the_profile_says() {
        let chunk = b"id: 7\ndata: a\n\n: keep-alive\n\nid: 8\ndata: b\n\n";
        let mut repeat =
            Faulting::new(FaultProfile { ids: Some(IdFault::Repeat), ..FaultProfile::default() });
        let blocks = repeat.blocks(chunk);
        assert_eq!(blocks.iter().map(|b| b.is_event).collect::<Vec<_>>(), [true, false, true]);
        assert_eq!(text(&blocks), "id: 7\ndata: a\n\n: keep-alive\n\nid: 7\ndata: b\n\n");
        let mut reset = Faulting::new(FaultProfile {
            ids: Some(IdFault::Reset),
            line_ending: Some(FaultLineEnding::Crlf),
            ..FaultProfile::default()
        });
        assert_eq!(
            text(&reset.blocks(chunk)),
            "id: 1\r\ndata: a\r\n\r\n: keep-alive\r\n\r\nid: 2\r\ndata: b\r\n\r\n"
        );
    }

    /// The same seed cuts at the same byte; the cut is within the bound.
    #[test]
    fn a_seeded_random_cut_is_reproducible() {
        let profile =
            FaultProfile { cut_randomly_within_bytes: Some(100), seed: Some(7), ..FaultProfile::default() };
        let first = Faulting::new(profile.clone()).cut_at;
        assert_eq!(first, Faulting::new(profile).cut_at);
        assert!(first.is_some_and(|at| (1..=100).contains(&at)), "{first:?}");
    }
}
