use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{Client, Response, StatusCode};

use crate::content_coding::ContentDecoder;
use crate::error::{root_cause, FailedResponse, SubscribeError};
use crate::reader::StreamFormat;
use crate::request::{header_pairs, SubscribeRequest};

/// How much of an error response's body is read for its reason.
const ERROR_BODY_LIMIT: usize = 4096;
/// How many of its lines are kept to show.
const ERROR_BODY_LINES: usize = 20;
/// How long reading it may take (a wrong Content-Type can be an endless stream).
const ERROR_BODY_WAIT: Duration = Duration::from_secs(2);

/// One HTTP exchange whose response is an event stream.
pub(crate) struct Connection {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    /// `HTTP/1.1`, `HTTP/2.0`, ...
    pub(crate) version: reqwest::Version,
    /// Where the redirects (if any) led: reconnections go there.
    pub(crate) final_url: reqwest::Url,
    /// How its body is written: SSE, or NDJSON (when asked for with
    /// [`SubscribeRequest::ndjson`]), a line an event.
    pub(crate) format: StreamFormat,
    body: futures_util::stream::BoxStream<'static, reqwest::Result<Bytes>>,
    /// The body's `Content-Encoding`, decoded a read at a time, and the bytes it gave so far.
    decoder: Option<(ContentDecoder, u64)>,
    /// A decoding fault, told after the bytes decoded before it.
    failed: Option<SubscribeError>,
}

/// What one network read of the body brought.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyRead {
    /// The body's bytes (decoded, when the body was compressed).
    pub bytes: Bytes,
    /// How it came over the wire, when compressed.
    pub compressed: Option<Compressed>,
}

/// A read of a compressed body, as it came over the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Compressed {
    /// `gzip`, `deflate`, `br` or `zstd`.
    pub encoding: &'static str,
    /// Its size as received, before decoding.
    pub wire_bytes: usize,
}

/// What a request can answer, short of an error.
pub(crate) enum Opened {
    Stream(Box<Connection>),
    /// HTTP 204: "the server asked the client to stop reconnecting".
    NoContent,
}

/// Sent unless the request sets its own `User-Agent`: servers (and the embedded server's report
/// card) can tell this client apart.
const USER_AGENT: &str = concat!("sse-subscriber/", env!("CARGO_PKG_VERSION"));

/// A client for `request`: rustls with the system's roots (plus an extra CA file, or no
/// checks at all when asked), proxies from the environment, redirects followed.
pub(crate) fn build_client(request: &SubscribeRequest) -> Result<Client, SubscribeError> {
    let mut builder = Client::builder().connect_timeout(request.connect_timeout).user_agent(USER_AGENT);
    if let Some(path) = &request.extra_ca_file {
        let tls = |reason: String| SubscribeError::Tls(format!("CA file {}: {reason}", path.display()));
        let pem = std::fs::read(path).map_err(|e| tls(e.to_string()))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| tls(root_cause(&e)))?;
        if certs.is_empty() {
            return Err(tls("no PEM certificate in it".into()));
        }
        builder = builder.tls_certs_merge(certs);
    }
    if request.insecure {
        builder = builder.tls_danger_accept_invalid_certs(true);
    }
    builder.build().map_err(|e| SubscribeError::Client(root_cause(&e)))
}

/// Sends the request (with `Last-Event-ID` when one is known) and checks the response.
pub(crate) async fn open(
    client: &Client,
    request: &SubscribeRequest,
    last_event_id: &str,
) -> Result<Opened, SubscribeError> {
    let mut builder = client
        .request(request.method.clone(), request.url.clone())
        .header(
            header::ACCEPT,
            HeaderValue::from_static(if request.ndjson {
                "text/event-stream, application/x-ndjson"
            } else {
                "text/event-stream"
            }),
        )
        .header(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"))
        .headers(request.headers.clone());
    if !last_event_id.is_empty() {
        // The id came from the stream; a value a header cannot carry is not sent.
        match HeaderValue::from_str(last_event_id) {
            Ok(value) => builder = builder.header("last-event-id", value),
            Err(_) => tracing::warn!("last event id is not a valid header value; not sent"),
        }
    }
    if let Some(body) = &request.body {
        builder = builder.body(body.clone());
    }
    // The connect timeout covers everything up to the response head: a server that accepts
    // the connection and never answers fails the attempt too. The client's own connect timeout
    // (the same limit) fails an attempt that never connected first, so this one firing a
    // moment later means the connection was made and no head came.
    let limit = request.connect_timeout;
    let sent = tokio::time::timeout(limit + HEAD_MARGIN, builder.send()).await.map_err(|_| {
        SubscribeError::Connect {
            url: request.url.to_string(),
            reason: format!("connected, but no response head within {}", describe_secs(limit)),
        }
    })?;
    let response = sent.map_err(|e| {
        let reason = root_cause(&e);
        if is_tls_error(&e, &reason) {
            SubscribeError::Tls(format!("{}: {reason}", request.url))
        } else {
            SubscribeError::Connect { url: request.url.to_string(), reason }
        }
    })?;

    let status = response.status();
    if status == StatusCode::NO_CONTENT {
        return Ok(Opened::NoContent);
    }
    if status != StatusCode::OK {
        let response = failed_response(status, response).await;
        let reason = error_reason(status, &response.body_start);
        return Err(SubscribeError::Status { status: status.as_u16(), reason, response: Box::new(response) });
    }
    let content_type = response.headers().get(header::CONTENT_TYPE);
    let format = match content_type.and_then(|value| value.to_str().ok()).and_then(StreamFormat::of) {
        Some(StreamFormat::JsonLines) if !request.ndjson => None,
        format => format,
    };
    let Some(format) = format else {
        let found = content_type.map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        let response = Box::new(failed_response(status, response).await);
        return Err(SubscribeError::ContentType { found, response });
    };
    let headers = response.headers().clone();
    // The request asks for no compression; a server that compresses anyway is decoded.
    let encoding =
        headers.get(header::CONTENT_ENCODING).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let decoder = match encoding.as_deref().map(ContentDecoder::for_encoding).transpose() {
        Ok(decoder) => decoder.flatten().map(|decoder| (decoder, 0)),
        Err(unknown) => return Err(SubscribeError::Encoding(unknown)),
    };
    let final_url = response.url().clone();
    Ok(Opened::Stream(Box::new(Connection {
        status,
        headers,
        version: response.version(),
        final_url,
        format,
        body: response.bytes_stream().boxed(),
        decoder,
        failed: None,
    })))
}

impl Connection {
    /// The next read of the body, decoded when it is compressed; `Ok(None)` at its end.
    pub(crate) async fn next_chunk(
        &mut self,
        idle: Option<Duration>,
    ) -> Result<Option<BodyRead>, SubscribeError> {
        if let Some(error) = self.failed.take() {
            return Err(error);
        }
        let next = self.body.next();
        let item = match idle {
            Some(limit) => tokio::time::timeout(limit, next)
                .await
                .map_err(|_| SubscribeError::Idle { secs: limit.as_secs_f64() })?,
            None => next.await,
        };
        let Some(wire) = item.transpose().map_err(|e| SubscribeError::Read(root_cause(&e)))? else {
            return Ok(None);
        };
        let Some((decoder, decoded)) = &mut self.decoder else {
            return Ok(Some(BodyRead { bytes: wire, compressed: None }));
        };
        let bytes = match decoder.decode(&wire) {
            Ok(bytes) => bytes,
            Err(failure) => {
                let after = *decoded + failure.decoded.len() as u64;
                let error =
                    SubscribeError::Decode { encoding: decoder.name, decoded: after, source: failure.source };
                if failure.decoded.is_empty() {
                    return Err(error);
                }
                self.failed = Some(error);
                failure.decoded
            }
        };
        *decoded += bytes.len() as u64;
        let compressed = Compressed { encoding: decoder.name, wire_bytes: wire.len() };
        Ok(Some(BodyRead { bytes: Bytes::from(bytes), compressed: Some(compressed) }))
    }
}

/// `2 s`, `0.5 s`.
/// How long after the connect timeout the wait for a response head gives up: the client's
/// connect timeout has failed an attempt that never connected by then.
const HEAD_MARGIN: Duration = Duration::from_millis(100);

pub(crate) fn describe_secs(duration: Duration) -> String {
    let secs = duration.as_secs_f64();
    if secs.fract() == 0.0 {
        format!("{secs:.0} s")
    } else {
        format!("{secs} s")
    }
}

/// Whether a rustls error (a bad certificate, a failed handshake) is in the chain: retrying
/// does not fix those. hyper-util's connector hides the error's type behind `io::Error`s, so
/// rustls's own wording is checked as well.
fn is_tls_error(error: &(dyn std::error::Error + 'static), root_cause: &str) -> bool {
    const RUSTLS_WORDING: [&str; 3] = ["certificate", "peer is incompatible", "received fatal alert"];
    if RUSTLS_WORDING.iter().any(|words| root_cause.contains(words)) {
        return true;
    }
    let mut current = Some(error);
    while let Some(error) = current {
        if error.is::<rustls::Error>() {
            return true;
        }
        // `io::Error::source` skips the error it wraps, so look inside explicitly.
        if let Some(inner) = error.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()) {
            if inner.is::<rustls::Error>() {
                return true;
            }
        }
        current = error.source();
    }
    false
}

/// `text/event-stream`, ignoring case and parameters such as `; charset=utf-8`.
/// The refused response's head and its body's first lines (read for at most a moment).
async fn failed_response(status: StatusCode, response: Response) -> FailedResponse {
    let headers = header_pairs(response.headers());
    let mut body = Vec::new();
    let mut chunks = response.bytes_stream();
    let read = async {
        while let Some(Ok(chunk)) = chunks.next().await {
            body.extend_from_slice(&chunk);
            if body.len() >= ERROR_BODY_LIMIT {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(ERROR_BODY_WAIT, read).await;
    let text = String::from_utf8_lossy(&body[..body.len().min(ERROR_BODY_LIMIT)]).into_owned();
    let body_start = text.split_inclusive('\n').take(ERROR_BODY_LINES).collect();
    FailedResponse { status: status.as_u16(), headers, body_start }
}

/// The status's reason phrase and the body's first line, if any: `Unauthorized: bad token`.
fn error_reason(status: StatusCode, body: &str) -> String {
    let reason = status.canonical_reason().unwrap_or_default().to_owned();
    match body.lines().map(str::trim).find(|l| !l.is_empty()) {
        Some(line) => {
            let line: String = line.chars().take(200).collect();
            if reason.is_empty() {
                line
            } else {
                format!("{reason}: {line}")
            }
        }
        None => reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_type_parameters_and_case_are_ignored() {
        for ok in ["text/event-stream", "text/event-stream; charset=utf-8", "Text/Event-Stream ;x=y"] {
            assert_eq!(StreamFormat::of(ok), Some(StreamFormat::EventStream), "{ok}");
        }
        for bad in ["text/plain", "text/event-streams", "application/json"] {
            assert_eq!(StreamFormat::of(bad), None, "{bad}");
        }
    }
}
