//! The reverse proxy: each client connection served by hyper (HTTP/1.1), each request sent on
//! its own upstream connection, the response streamed back through a [`TappedResponse`], or,
//! for an upgrade both sides agree to, a tunnel.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hyper::body::Incoming;
use hyper::header::{HeaderValue, CONNECTION, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, HOST, UPGRADE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode, Uri, Version};
use hyper_util::rt::{TokioIo, TokioTimer};
use sse_breakpoints::ExchangeKey;
use sse_subscriber::header_pairs;
use tokio::net::{TcpListener, TcpStream};

use crate::body::{error_chain, Decoder, TappedRequest, TappedResponse};
use crate::config::TapConfig;
use crate::cut_io::{CutSignal, CuttableStream};
use crate::error::TapError;
use crate::fault;
use crate::faulted::{watched, BodyPlan, FaultedResponse, Through};
use crate::graded::Candidate;
use crate::headers::remove_hop_by_hop;
use crate::record::{lock, Ending, Exchange, Recorder};
use crate::to_client::{Answer, ProxyBody};
use crate::upstream::Upstream;

/// The largest request head read from a client (as the server bounds it): past it, 431.
const MAX_HEAD_BYTES: usize = 64 * 1024;

/// A tap: its configuration and its record.
#[derive(Clone)]
pub struct Tap {
    config: Arc<TapConfig>,
    upstream: Arc<Upstream>,
    recorder: Recorder,
}

/// What each request's handler shares.
struct Shared {
    config: Arc<TapConfig>,
    upstream: Arc<Upstream>,
    recorder: Recorder,
    /// Listening on loopback: requests must name a loopback host (DNS rebinding).
    loopback_only: bool,
}

impl Tap {
    /// A tap for `config`; fails only on its TLS settings (an unreadable CA file, say).
    pub fn new(config: TapConfig) -> Result<Self, TapError> {
        let recorder = Recorder::new(config.keep_exchanges);
        Self::with_recorder(config, recorder)
    }

    /// A tap that records into `recorder`, after what it holds: a tap started again (a new
    /// upstream, the same port) keeps its record.
    pub fn with_recorder(config: TapConfig, recorder: Recorder) -> Result<Self, TapError> {
        let upstream = Arc::new(Upstream::new(&config)?);
        Ok(Self { config: Arc::new(config), upstream, recorder })
    }

    /// The record of every exchange.
    pub fn recorder(&self) -> Recorder {
        self.recorder.clone()
    }

    /// Serves clients on `listener` until `shutdown` resolves.
    pub async fn run(self, listener: TcpListener, shutdown: impl Future<Output = ()>) -> std::io::Result<()> {
        let local = listener.local_addr()?;
        let loopback_only = local.ip().is_loopback();
        if !loopback_only {
            tracing::warn!(%local, "the tap listens beyond this machine: anyone who can reach it can use your upstream");
        }
        let shared = Arc::new(Shared {
            config: self.config,
            upstream: self.upstream,
            recorder: self.recorder,
            loopback_only,
        });
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                () = &mut shutdown => return Ok(()),
                accepted = listener.accept() => match accepted {
                    Ok((stream, _)) => {
                        tokio::spawn(serve(stream, shared.clone()));
                    }
                    // Out of descriptors, say: keep serving the connections there are.
                    Err(error) => {
                        tracing::warn!(%error, "cannot accept a connection");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                },
            }
        }
    }
}

async fn serve(stream: TcpStream, shared: Arc<Shared>) {
    let _ = stream.set_nodelay(true);
    let head_timeout = shared.config.client_head_timeout;
    let cut = CutSignal::default();
    let peer = stream.peer_addr().ok().map(|addr| addr.ip());
    let stream = CuttableStream::new(stream, cut.clone());
    let service = service_fn(move |request| handle(request, shared.clone(), cut.clone(), peer));
    let served = http1::Builder::new()
        .preserve_header_case(true)
        .timer(TokioTimer::new())
        .header_read_timeout(head_timeout)
        .max_buf_size(MAX_HEAD_BYTES)
        .serve_connection(TokioIo::new(stream), service)
        .with_upgrades()
        .await;
    if let Err(error) = served {
        tracing::debug!(error = %error_chain(&error), "client connection ended");
    }
}

/// The tap's own answer, recorded as the exchange's end.
fn answer(
    shared: &Shared,
    exchange: &std::sync::Mutex<Exchange>,
    candidate: Candidate,
    started: Instant,
    (status, ending): (StatusCode, Ending),
    text: String,
) -> Response<ProxyBody> {
    let mut response = Response::new(ProxyBody::Answer(Answer::text(text.clone())));
    *response.status_mut() = status;
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    {
        let mut exchange = lock(exchange);
        exchange.status = Some(status.as_u16());
        exchange.response_bytes = text.len() as u64;
        exchange.response_body = text.into_bytes();
        let book = shared.recorder.clients();
        candidate.answered(&book, status.as_u16(), response.headers(), None, &mut exchange);
    }
    shared.recorder.finish(exchange, ending, started.elapsed());
    response
}

/// Why the tap will not forward this request, if it will not.
fn refusal(shared: &Shared, request: &Request<Incoming>) -> Option<(StatusCode, String)> {
    if request.method() == Method::CONNECT {
        return Some((
            StatusCode::METHOD_NOT_ALLOWED,
            "CONNECT is refused: the tap is a reverse proxy to its upstream, not an open proxy".into(),
        ));
    }
    let host = request.headers().get(HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    // An absolute-form target may only name the tap itself.
    if let Some(authority) = request.uri().authority() {
        if !authority.as_str().eq_ignore_ascii_case(host) {
            return Some((StatusCode::FORBIDDEN, format!("a request for `{authority}` is refused: the tap forwards only to its upstream, it is not an open proxy")));
        }
    }
    if shared.loopback_only && !host.is_empty() && !sse_wire::is_loopback_host(host) {
        let shown: String = host.chars().take(100).collect();
        return Some((StatusCode::FORBIDDEN, format!("Host `{shown}` is refused: the tap listens on loopback only, so requests must name it localhost or 127.0.0.1 (DNS-rebinding protection)")));
    }
    None
}

async fn handle(
    mut request: Request<Incoming>,
    shared: Arc<Shared>,
    cut: CutSignal,
    peer: Option<std::net::IpAddr>,
) -> Result<Response<ProxyBody>, Infallible> {
    let (started, started_wall) = sse_wire::now_on_both_clocks();
    let config = &shared.config;
    let client_target = request.uri().path_and_query().map_or("/", |p| p.as_str()).to_owned();
    let upstream_target = config.target_for(&fault::without_client_tag(&client_target, &config.faults));
    let book = shared.recorder.clients();
    let candidate = Candidate::new(
        &book,
        request.method().as_str(),
        &client_target,
        request.headers(),
        fault::client_parameter(&client_target).as_deref(),
        peer,
        &upstream_target,
    );
    let after_an_end = !config.faults.is_empty() && candidate.after_an_end_there(&book);
    let exchange = shared.recorder.begin(Exchange {
        client: candidate.client().to_owned(),
        started: Some(started_wall),
        method: request.method().to_string(),
        target: client_target,
        url: config.url_for(&upstream_target),
        upstream_target: upstream_target.clone(),
        ..Exchange::default()
    });
    if let Some((status, reason)) = refusal(&shared, &request) {
        let ending = Ending::Refused { reason: reason.clone() };
        return Ok(answer(&shared, &exchange, candidate, started, (status, ending), reason));
    }
    let method = request.method().to_string();
    let target = lock(&exchange).target.clone();
    // What breakpoints select the exchange by, read before the rules take the client tag off.
    let key = config.breakpoints.as_ref().map(|_| ExchangeKey {
        method: method.clone(),
        target: target.clone(),
        client: fault::tag(&target, request.headers()),
    });
    let selected = fault::select(&config.faults, &method, &target, request.headers_mut(), after_an_end);
    if let Some(answer) = selected.as_ref().and_then(|selected| selected.answer.as_ref()) {
        let (response, did) = fault::instead_response(answer, fault::origin(request.headers()).as_ref());
        let mut record = lock(&exchange);
        record.request_headers = header_pairs(request.headers());
        record.status = Some(response.status().as_u16());
        record.response_headers = header_pairs(response.headers());
        record.head_after = Some(started.elapsed());
        let body = answer.instead().body.into_bytes();
        (record.response_bytes, record.response_body) = (body.len() as u64, body);
        let mut applied = selected.as_ref().map(fault::applied).unwrap_or_default();
        (applied.did, applied.client_bytes) = (vec![did], record.response_bytes);
        let status = response.status().as_u16();
        candidate.answered(&book, status, response.headers(), Some(applied.profile.clone()), &mut record);
        record.fault = Some(applied);
        drop(record);
        shared.recorder.finish(&exchange, Ending::AnsweredByFault, started.elapsed());
        return Ok(response);
    }
    // A WebSocket (or other) upgrade: the client's side of the tunnel, once both agree.
    let upgrade =
        upgrade_protocol(request.headers()).map(|protocol| (protocol, hyper::upgrade::on(&mut request)));

    let (mut parts, body) = request.into_parts();
    // The parts keep their extensions: hyper's record of the header names' case goes along.
    parts.uri = match upstream_target.parse::<Uri>() {
        Ok(uri) => uri,
        Err(error) => {
            let reason = format!("the target `{upstream_target}` is not a valid request target: {error}");
            let ending = Ending::Refused { reason: reason.clone() };
            return Ok(answer(
                &shared,
                &exchange,
                candidate,
                started,
                (StatusCode::BAD_REQUEST, ending),
                reason,
            ));
        }
    };
    parts.version = Version::HTTP_11;
    remove_hop_by_hop(&mut parts.headers);
    if let Some((protocol, _)) = &upgrade {
        parts.headers.insert(CONNECTION, HeaderValue::from_static("upgrade"));
        parts.headers.insert(UPGRADE, protocol.clone());
    }
    if !config.keep_host {
        if let Ok(host) = HeaderValue::from_str(&config.authority()) {
            parts.headers.insert(HOST, host);
        }
    }
    for (name, value) in &config.headers {
        parts.headers.insert(name.clone(), value.clone());
    }
    lock(&exchange).request_headers = header_pairs(&parts.headers);
    let upstream_request =
        Request::from_parts(parts, TappedRequest::new(body, exchange.clone(), config.body_limit));

    let deadline = tokio::time::Instant::now() + config.head_timeout;
    let sent = shared.upstream.send(config, upstream_request, upgrade.is_some());
    let (mut response, version) = match tokio::time::timeout_at(deadline, sent).await {
        Err(_) => {
            let after = config.head_timeout;
            let text = format!("no response head from the upstream within {} s", after.as_secs_f64());
            let timed_out = (StatusCode::GATEWAY_TIMEOUT, Ending::TimedOut { after });
            return Ok(answer(&shared, &exchange, candidate, started, timed_out, text));
        }
        Ok(Err(reason)) => {
            let text = format!("the tap could not reach its upstream {}: {reason}", config.upstream);
            let failed = (StatusCode::BAD_GATEWAY, Ending::UpstreamError { reason });
            return Ok(answer(&shared, &exchange, candidate, started, failed, text));
        }
        Ok(Ok(sent)) => sent,
    };

    let switching = response.status() == StatusCode::SWITCHING_PROTOCOLS;
    let upgraded_protocol = response.headers().get(UPGRADE).cloned();
    remove_hop_by_hop(response.headers_mut());
    let mut warnings = Vec::new();
    let text = |name| response.headers().get(name).and_then(|v: &HeaderValue| v.to_str().ok()).unwrap_or("");
    let (content_type, content_encoding) = (text(CONTENT_TYPE).to_owned(), text(CONTENT_ENCODING).to_owned());
    // A rule's faults for the body, and what of them cannot apply to it.
    let mut applied = selected.as_ref().map(fault::applied);
    let plan = match (&selected, &mut applied) {
        (Some(selected), Some(applied)) if selected.profile.touches_body() && !switching => {
            Some(BodyPlan::new(&selected.profile, &content_type, &content_encoding, applied))
        }
        _ => None,
    }
    .filter(BodyPlan::applies);
    let faulted = plan.is_some();
    let (plan, hold) = match (config.breakpoints.as_ref().filter(|_| !switching), key) {
        (Some(breakpoints), Some(key)) => {
            let id = lock(&exchange).id;
            watched(breakpoints, id, key, plan, &content_type, &content_encoding)
        }
        _ => (plan, None),
    };
    if let Some(plan) = &plan {
        if plan.decoder.is_some() {
            response.headers_mut().remove(CONTENT_ENCODING);
        }
        response.headers_mut().remove(CONTENT_LENGTH);
    }
    let decoded_for_client = plan.as_ref().is_some_and(|plan| plan.decoder.is_some());
    let decoder = Decoder::for_response(
        &content_type,
        &content_encoding,
        config.body_limit,
        decoded_for_client,
        &mut warnings,
    );
    // Told with the exchange when it ends (the CLI prints them after its line).
    for warning in &warnings {
        tracing::debug!(%warning, "exchange warning");
    }
    {
        let mut record = lock(&exchange);
        record.status = Some(response.status().as_u16());
        record.response_headers = header_pairs(response.headers());
        record.head_after = Some(started.elapsed());
        record.is_stream = decoder.is_stream() && !switching;
        if record.is_stream {
            record.begin_llm();
        }
        record.upstream_version = Some(format!("{version:?}"));
        record.warnings = warnings;
        record.fault = applied.clone();
        let fault = applied.as_ref().map(|applied| applied.profile.clone());
        candidate.answered(&book, response.status().as_u16(), response.headers(), fault, &mut record);
    }
    shared.recorder.touched();
    *response.version_mut() = Version::HTTP_11;
    if let (true, Some((_, client_side)), Some(protocol)) = (switching, upgrade, upgraded_protocol) {
        let upstream_side = hyper::upgrade::on(&mut response);
        let (mut parts, _) = response.into_parts();
        parts.headers.insert(CONNECTION, HeaderValue::from_static("upgrade"));
        parts.headers.insert(UPGRADE, protocol);
        lock(&exchange).tunnel = true;
        tokio::spawn(tunnel(client_side, upstream_side, exchange, shared.recorder.clone(), started));
        return Ok(Response::from_parts(parts, ProxyBody::Answer(Answer::empty())));
    }
    let (parts, body) = response.into_parts();
    let body = TappedResponse::new(body, exchange.clone(), shared.recorder.clone(), decoder, started);
    let body = match plan {
        Some(plan) => {
            let through = Through { fault: applied.filter(|_| faulted), hold };
            let body =
                FaultedResponse::new(body, plan, through, shared.recorder.clone(), exchange, started, cut);
            ProxyBody::Faulted(Box::new(body))
        }
        None => ProxyBody::Upstream(body),
    };
    Ok(Response::from_parts(parts, body))
}

/// The protocol a request asks to upgrade to (`Connection: upgrade` with `Upgrade: x`).
fn upgrade_protocol(headers: &hyper::HeaderMap) -> Option<HeaderValue> {
    let asks = headers
        .get_all(CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|token| token.trim().eq_ignore_ascii_case("upgrade"));
    asks.then(|| headers.get(UPGRADE).cloned()).flatten()
}

/// Both sides upgraded: bytes copied each way until either closes, counted, not decoded.
async fn tunnel(
    client: hyper::upgrade::OnUpgrade,
    upstream: hyper::upgrade::OnUpgrade,
    exchange: Arc<std::sync::Mutex<Exchange>>,
    recorder: Recorder,
    started: Instant,
) {
    let ending = match tokio::try_join!(client, upstream) {
        Err(error) => {
            Ending::UpstreamError { reason: format!("the upgrade failed: {}", error_chain(&error)) }
        }
        Ok((client, upstream)) => {
            let (mut client, mut upstream) = (TokioIo::new(client), TokioIo::new(upstream));
            match tokio::io::copy_bidirectional(&mut client, &mut upstream).await {
                Ok((to_upstream, to_client)) => {
                    let mut record = lock(&exchange);
                    record.request_bytes += to_upstream;
                    record.response_bytes = to_client;
                    Ending::TunnelClosed { to_upstream, to_client }
                }
                Err(error) => Ending::UpstreamError { reason: format!("the tunnel broke: {error}") },
            }
        }
    };
    recorder.finish(&exchange, ending, started.elapsed());
}
