//! The reverse proxy: each client connection served by hyper (HTTP/1.1), each request sent on
//! its own upstream connection, the response streamed back through a [`TappedResponse`].

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use hyper::body::Incoming;
use hyper::header::{HeaderValue, CONTENT_TYPE, HOST};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode, Uri};
use hyper_util::rt::{TokioIo, TokioTimer};
use sse_subscriber::header_pairs;
use tokio::net::{TcpListener, TcpStream};

use crate::body::{error_chain, Answer, Decoder, ProxyBody, TappedRequest, TappedResponse};
use crate::config::TapConfig;
use crate::headers::remove_hop_by_hop;
use crate::record::{lock, Ending, Exchange, Recorder};

/// A client that sends no complete request head within this long is let go (slow loris).
const CLIENT_HEAD_TIMEOUT: Duration = Duration::from_secs(30);
/// The largest request head read from a client (as the server bounds it).
const MAX_HEAD_BYTES: usize = 64 * 1024;

/// A tap: its configuration and its record.
#[derive(Clone)]
pub struct Tap {
    config: Arc<TapConfig>,
    recorder: Recorder,
}

/// What each request's handler shares.
struct Shared {
    config: Arc<TapConfig>,
    recorder: Recorder,
    /// Listening on loopback: requests must name a loopback host (DNS rebinding).
    loopback_only: bool,
}

impl Tap {
    pub fn new(config: TapConfig) -> Self {
        let recorder = Recorder::new(config.keep_exchanges);
        Self { config: Arc::new(config), recorder }
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
        let shared = Arc::new(Shared { config: self.config, recorder: self.recorder, loopback_only });
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
    let service = service_fn(move |request| handle(request, shared.clone()));
    let served = http1::Builder::new()
        .preserve_header_case(true)
        .timer(TokioTimer::new())
        .header_read_timeout(CLIENT_HEAD_TIMEOUT)
        .max_buf_size(MAX_HEAD_BYTES)
        .serve_connection(TokioIo::new(stream), service)
        .await;
    if let Err(error) = served {
        tracing::debug!(error = %error_chain(&error), "client connection ended");
    }
}

/// The tap's own answer, recorded as the exchange's end.
fn answer(
    shared: &Shared,
    exchange: &std::sync::Mutex<Exchange>,
    started: Instant,
    status: StatusCode,
    ending: Ending,
    text: String,
) -> Response<ProxyBody> {
    {
        let mut exchange = lock(exchange);
        exchange.status = Some(status.as_u16());
        exchange.response_bytes = text.len() as u64;
        exchange.response_body = text.clone().into_bytes();
    }
    shared.recorder.finish(exchange, ending, started.elapsed());
    let mut response = Response::new(ProxyBody::Answer(Answer::text(text)));
    *response.status_mut() = status;
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
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
    if shared.loopback_only && !host.is_empty() && !embedded_server::is_loopback_host(host) {
        let shown: String = host.chars().take(100).collect();
        return Some((StatusCode::FORBIDDEN, format!("Host `{shown}` is refused: the tap listens on loopback only, so requests must name it localhost or 127.0.0.1 (DNS-rebinding protection)")));
    }
    None
}

async fn handle(request: Request<Incoming>, shared: Arc<Shared>) -> Result<Response<ProxyBody>, Infallible> {
    let started = Instant::now();
    let config = &shared.config;
    let client_target = request.uri().path_and_query().map_or("/", |p| p.as_str()).to_owned();
    let upstream_target = config.target_for(&client_target);
    let exchange = shared.recorder.begin(Exchange {
        started: Some(SystemTime::now()),
        method: request.method().to_string(),
        target: client_target,
        upstream_target: upstream_target.clone(),
        ..Exchange::default()
    });
    if let Some((status, reason)) = refusal(&shared, &request) {
        return Ok(answer(
            &shared,
            &exchange,
            started,
            status,
            Ending::Refused { reason: reason.clone() },
            reason,
        ));
    }

    let (mut parts, body) = request.into_parts();
    // The parts keep their extensions: hyper's record of the header names' case goes along.
    parts.uri = match upstream_target.parse::<Uri>() {
        Ok(uri) => uri,
        Err(error) => {
            let reason = format!("the target `{upstream_target}` is not a valid request target: {error}");
            return Ok(answer(
                &shared,
                &exchange,
                started,
                StatusCode::BAD_REQUEST,
                Ending::Refused { reason: reason.clone() },
                reason,
            ));
        }
    };
    parts.version = hyper::Version::HTTP_11;
    remove_hop_by_hop(&mut parts.headers);
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
    let sent = tokio::time::timeout_at(deadline, send_upstream(config, upstream_request)).await;
    let mut response = match sent {
        Err(_) => {
            let after = config.head_timeout;
            let text = format!("no response head from the upstream within {} s", after.as_secs_f64());
            return Ok(answer(
                &shared,
                &exchange,
                started,
                StatusCode::GATEWAY_TIMEOUT,
                Ending::TimedOut { after },
                text,
            ));
        }
        Ok(Err(reason)) => {
            let text = format!("the tap could not reach its upstream {}: {reason}", config.upstream);
            return Ok(answer(
                &shared,
                &exchange,
                started,
                StatusCode::BAD_GATEWAY,
                Ending::UpstreamError { reason },
                text,
            ));
        }
        Ok(Ok(response)) => response,
    };

    remove_hop_by_hop(response.headers_mut());
    let content_type =
        response.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let decoder = Decoder::for_content_type(&content_type, config.body_limit);
    {
        let mut record = lock(&exchange);
        record.status = Some(response.status().as_u16());
        record.response_headers = header_pairs(response.headers());
        record.head_after = Some(started.elapsed());
        record.is_stream = decoder.is_stream();
    }
    let (parts, body) = response.into_parts();
    let body = TappedResponse::new(body, exchange, shared.recorder.clone(), decoder, started);
    Ok(Response::from_parts(parts, ProxyBody::Upstream(body)))
}

/// One upstream connection for one exchange: connect, send, the response head.
async fn send_upstream(
    config: &TapConfig,
    request: Request<TappedRequest>,
) -> Result<Response<Incoming>, String> {
    let (host, port) = config.connect_to();
    let stream = TcpStream::connect((host.as_str(), port))
        .await
        .map_err(|e| format!("cannot connect to {host}:{port}: {e}"))?;
    let _ = stream.set_nodelay(true);
    let (mut sender, connection) = hyper::client::conn::http1::Builder::new()
        .preserve_header_case(true)
        .handshake(TokioIo::new(stream))
        .await
        .map_err(|e| error_chain(&e))?;
    // The connection is driven until the body is done (or the client goes, dropping it).
    tokio::spawn(async move {
        if let Err(error) = connection.await {
            tracing::debug!(error = %error_chain(&error), "upstream connection ended");
        }
    });
    sender.send_request(request).await.map_err(|e| error_chain(&e))
}
