//! A response body put through a fault rule or the tap's breakpoints: the upstream's body
//! (recorded as it came, by the [`TappedResponse`] it is read from) decoded when compressed, cut
//! into blocks, through the exchange's hold (`held.rs`) when breakpoints watch it, handed to the
//! fault engine, and the engine's steps taken towards the client: bytes written, waits, and a
//! cut that closes the client's connection without ending the body and drops the upstream
//! request with it.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Instant;

use bytes::Bytes;
use hyper::body::{Body, Frame};
use sse_breakpoints::ExchangeKey;
use sse_faults::{BlockSplitter, BodyKind, FaultEngine, FaultProfile, OwnedBlock, Skipped, Step};
use sse_subscriber::ContentDecoder;

use crate::applied::AppliedFault;
use crate::body::TappedResponse;
use crate::breakpoints::TapBreakpoints;
use crate::cut_io::CutSignal;
use crate::error::BoxError;
use crate::held::StreamHold;
use crate::record::{lock, Ending, Exchange, Recorder};

/// Why the client's connection closed without the body's end.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Closed(String);

/// Why a piece of the upstream's body ended the exchange.
enum Fed {
    Undecodable(String),
    HoldFull(sse_breakpoints::HoldFull),
}

/// The upstream's body as the engine sees it.
struct Source {
    /// Dropped at a cut, which closes the upstream request.
    upstream: Option<TappedResponse>,
    decoder: Option<ContentDecoder>,
    splitter: BlockSplitter,
    /// The upstream's body is done (its ending, when it failed).
    ended: Option<Option<String>>,
}

/// A selected or watched exchange's body on its way to the client.
pub(crate) struct FaultedResponse {
    source: Source,
    engine: FaultEngine,
    wait: Option<Pin<Box<tokio::time::Sleep>>>,
    exchange: Arc<Mutex<Exchange>>,
    recorder: Recorder,
    started: Instant,
    /// The fault rule taken, if one was.
    fault: Option<AppliedFault>,
    /// Where breakpoints watch the exchange, before the engine.
    hold: Option<StreamHold>,
    finished: bool,
    cut: CutSignal,
}

/// Where a body goes besides the upstream's: its rule, its hold.
pub(crate) struct Through {
    pub(crate) fault: Option<AppliedFault>,
    pub(crate) hold: Option<StreamHold>,
}

/// After a cut, how long the connection may take to write out what it holds before it is
/// closed anyway (a client that stopped reading).
const CUT_FLUSH_LIMIT: std::time::Duration = std::time::Duration::from_secs(10);

impl FaultedResponse {
    /// `upstream`'s body put through `plan`, its ending deferred to this body.
    pub(crate) fn new(
        upstream: TappedResponse,
        plan: BodyPlan,
        through: Through,
        recorder: Recorder,
        exchange: Arc<Mutex<Exchange>>,
        started: Instant,
        cut: CutSignal,
    ) -> Self {
        let BodyPlan { kind, mut profile, decoder } = plan;
        // A body without events is held before its first byte by the tap itself (the engine
        // counts events).
        let Through { mut fault, hold } = through;
        let before_body = match (profile.stall, &mut fault) {
            (Some(stall), Some(fault)) if kind == BodyKind::Other => {
                profile.stall = None;
                fault.did.push(format!("stalled {} ms before the body", stall.ms));
                Some(Box::pin(tokio::time::sleep(std::time::Duration::from_millis(stall.ms))))
            }
            _ => None,
        };
        let clock_seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.as_nanos() as u64);
        let mut engine = FaultEngine::new(profile, clock_seed);
        engine.open(None);
        let source = Source {
            upstream: Some(upstream.deferring()),
            decoder,
            splitter: BlockSplitter::new(kind),
            ended: None,
        };
        Self {
            source,
            engine,
            wait: before_body,
            exchange,
            recorder,
            started,
            fault,
            hold,
            finished: false,
            cut,
        }
    }

    /// Records what the rule did and ends the exchange's record (once).
    fn finish(&mut self, ending: Ending) {
        if std::mem::replace(&mut self.finished, true) {
            return;
        }
        if let Some(fault) = &mut self.fault {
            fault.did.extend(self.engine.did());
            if self.source.ended.is_some() {
                fault.skipped.extend(self.engine.skipped().iter().map(Skipped::to_string));
            }
            fault.client_bytes = self.engine.bytes_written();
        }
        if let Some(upstream) = &mut self.source.upstream {
            upstream.read_unread();
        }
        let mut exchange = lock(&self.exchange);
        if let Some(hold) = &mut self.hold {
            hold.end(&mut exchange);
        }
        if self.fault.is_some() {
            exchange.fault = self.fault.clone();
        }
        // The client got the engine's events, not the upstream's.
        exchange.delivered = self.engine.given().clone();
        drop(exchange);
        self.recorder.finish(&self.exchange, ending, self.started.elapsed());
    }

    /// Feeds one piece of the upstream's body to the engine; a body that cannot be decoded
    /// ends the exchange.
    fn feed(&mut self, data: &[u8]) -> Result<(), Fed> {
        let decoded;
        let data = match &mut self.source.decoder {
            None => data,
            Some(decoder) => match decoder.decode(data) {
                Ok(bytes) => {
                    decoded = bytes;
                    &decoded[..]
                }
                Err(failure) => {
                    let reason =
                        format!("the {} body could not be decoded: {}", decoder.name, failure.source);
                    return Err(Fed::Undecodable(reason));
                }
            },
        };
        for block in self.source.splitter.feed(data) {
            self.pass(block).map_err(Fed::HoldFull)?;
        }
        Ok(())
    }

    /// A block of the upstream's on to the hold, or straight to the engine.
    fn pass(&mut self, block: OwnedBlock) -> Result<(), sse_breakpoints::HoldFull> {
        match &mut self.hold {
            Some(hold) => hold.push(block),
            None => {
                self.engine.push(block.as_source());
                Ok(())
            }
        }
    }

    /// The upstream's body ended (`failed`: how, when it did not end as its framing says).
    fn upstream_ended(&mut self, failed: Option<String>) -> Result<(), sse_breakpoints::HoldFull> {
        self.source.ended = Some(failed);
        match self.source.splitter.finish() {
            Some(block) => self.pass(block),
            None => Ok(()),
        }
    }

    /// The hold filled: the exchange is cut on both sides.
    fn hold_full(&mut self, reason: String) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let after_bytes = self.engine.bytes_written();
        self.finish(Ending::HoldFull { reason: reason.clone(), after_bytes });
        self.source.upstream = None;
        self.cut.cut();
        Poll::Ready(Some(Err(Closed(reason).into())))
    }

    /// The upstream's ending, as its record saw it.
    fn upstream_ending(&mut self) -> Ending {
        let bytes = self.source.upstream.as_ref().map_or(0, TappedResponse::bytes);
        self.source
            .upstream
            .as_mut()
            .and_then(TappedResponse::take_ending)
            .unwrap_or(Ending::UpstreamClosedEarly { after_bytes: bytes })
    }
}

impl Body for FaultedResponse {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = &mut *self;
        loop {
            if let Some(wait) = &mut this.wait {
                if wait.as_mut().poll(cx).is_pending() {
                    return Poll::Pending;
                }
                this.wait = None;
                if this.cut.is_cut() {
                    return Poll::Ready(Some(Err(Closed("a fault rule cut the stream".into()).into())));
                }
            }
            if this.finished {
                return Poll::Ready(None);
            }
            if let Some(hold) = &mut this.hold {
                let acted = hold.take_actions(cx);
                hold.show(&this.exchange, &this.recorder, acted);
            }
            match this.engine.next_step() {
                Some(Step::Write(bytes)) => return Poll::Ready(Some(Ok(Frame::data(Bytes::from(bytes))))),
                Some(Step::Wait(time)) => {
                    this.wait = Some(Box::pin(tokio::time::sleep(time)));
                    continue;
                }
                Some(Step::Cut) => {
                    let after_bytes = this.engine.bytes_written();
                    this.finish(Ending::CutByFault { after_bytes });
                    this.source.upstream = None;
                    // The connection closes at its next flush, once what it holds is written.
                    this.cut.cut();
                    this.wait = Some(Box::pin(tokio::time::sleep(CUT_FLUSH_LIMIT)));
                    continue;
                }
                None => {}
            }
            if let Some(block) = this.hold.as_mut().and_then(StreamHold::take_ready) {
                this.engine.push(block.as_source());
                continue;
            }
            if this.source.ended.is_some() && this.hold.as_ref().is_some_and(StreamHold::is_holding) {
                // The upstream is done; the held event waits for the user (its actions wake us).
                return Poll::Pending;
            }
            if let Some(failed) = this.source.ended.clone() {
                let ending = this.upstream_ending();
                this.finish(ending);
                return Poll::Ready(failed.map(|reason| Err(Closed(reason).into())));
            }
            let Some(upstream) = this.source.upstream.as_mut() else { return Poll::Ready(None) };
            match Pin::new(upstream).poll_frame(cx) {
                Poll::Ready(Some(Ok(frame))) => {
                    if let Some(data) = frame.data_ref() {
                        match this.feed(data) {
                            Ok(()) => {}
                            Err(Fed::HoldFull(full)) => return this.hold_full(full.to_string()),
                            Err(Fed::Undecodable(reason)) => {
                                this.finish(Ending::UpstreamError { reason: reason.clone() });
                                this.source.upstream = None;
                                return Poll::Ready(Some(Err(Closed(reason).into())));
                            }
                        }
                    }
                }
                Poll::Ready(Some(Err(error))) => {
                    if let Err(full) = this.upstream_ended(Some(error.to_string())) {
                        return this.hold_full(full.to_string());
                    }
                }
                Poll::Ready(None) => {
                    if let Err(full) = this.upstream_ended(None) {
                        return this.hold_full(full.to_string());
                    }
                }
                Poll::Pending => return Poll::Pending,
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.finished
    }
}

impl Drop for FaultedResponse {
    /// Dropped before its end: the client went away.
    fn drop(&mut self) {
        let after_bytes = self.engine.bytes_written();
        self.finish(Ending::ClientHungUp { after_bytes });
    }
}

/// What a rule does to a response body, decided from its head.
pub(crate) struct BodyPlan {
    pub(crate) kind: BodyKind,
    /// Only the faults that fit the body; none left means the body passes untouched.
    pub(crate) profile: FaultProfile,
    /// For a compressed body the faults apply to.
    pub(crate) decoder: Option<ContentDecoder>,
}

impl BodyPlan {
    /// For a response of `content_type` and `content_encoding`; what cannot apply goes into
    /// `fault.skipped`.
    pub(crate) fn new(
        profile: &FaultProfile,
        content_type: &str,
        content_encoding: &str,
        fault: &mut AppliedFault,
    ) -> Self {
        let kind = body_kind(content_type);
        let (fitted, skipped) = profile.fitted(kind, content_type);
        fault.skipped.extend(skipped.iter().map(Skipped::to_string));
        let decoder = match ContentDecoder::for_encoding(content_encoding) {
            Ok(decoder) => decoder,
            Err(unknown) => {
                fault.skipped.push(format!("every fault skipped: {unknown}, so the body passes as sent"));
                return Self { kind, profile: FaultProfile::default(), decoder: None };
            }
        };
        if fitted.touches_body() {
            fault.decoded = decoder.as_ref().map(|decoder| decoder.name.to_owned());
        }
        Self { kind, profile: fitted, decoder }
    }

    /// For a stream breakpoints watch, with no fault for its body: the hold alone (a body whose
    /// encoding is unknown is not watched).
    pub(crate) fn hold_only(content_type: &str, content_encoding: &str) -> Option<Self> {
        let kind = body_kind(content_type);
        let decoder = ContentDecoder::for_encoding(content_encoding).ok()?;
        (kind != BodyKind::Other).then(|| Self { kind, profile: FaultProfile::default(), decoder })
    }

    /// Whether any fault is left to apply to the body.
    pub(crate) fn applies(&self) -> bool {
        self.profile.touches_body()
    }
}

/// What a body of `content_type` is, for faults and breakpoints.
pub(crate) fn body_kind(content_type: &str) -> BodyKind {
    match sse_subscriber::StreamFormat::of(content_type) {
        Some(sse_subscriber::StreamFormat::EventStream) => BodyKind::EventStream,
        Some(sse_subscriber::StreamFormat::JsonLines) => BodyKind::Ndjson,
        None => BodyKind::Other,
    }
}

/// A stream's plan and hold where the tap has breakpoints: an event stream (or NDJSON) goes
/// through a hold, so that a breakpoint set while it flows reaches it; a compressed one only
/// when a breakpoint (or a fault rule) watches it at its head, since it reaches the client
/// decoded.
pub(crate) fn watched(
    breakpoints: &TapBreakpoints,
    id: u64,
    key: ExchangeKey,
    plan: Option<BodyPlan>,
    content_type: &str,
    content_encoding: &str,
) -> (Option<BodyPlan>, Option<StreamHold>) {
    let kind = body_kind(content_type);
    let encoded = !matches!(content_encoding.trim().to_ascii_lowercase().as_str(), "" | "identity");
    if kind == BodyKind::Other || (encoded && plan.is_none() && !breakpoints.watches(&key)) {
        return (plan, None);
    }
    match plan.or_else(|| BodyPlan::hold_only(content_type, content_encoding)) {
        Some(plan) if plan.kind != BodyKind::Other => {
            let hold = StreamHold::new(plan.kind, breakpoints.watch(id, key, plan.kind));
            (Some(plan), Some(hold))
        }
        plan => (plan, None),
    }
}
