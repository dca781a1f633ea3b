//! Where calls go and how: the collector's base URL as `OTEL_EXPORTER_OTLP_ENDPOINT` means
//! it (spans to `URL/v1/traces`, metrics to `URL/v1/metrics`), the protocol, and headers
//! (`OTEL_EXPORTER_OTLP_HEADERS` is read by the exporter itself).

use crate::error::OtlpError;

/// How the export is encoded: only OTLP over HTTP.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OtlpProtocol {
    /// `http/protobuf`, the OTLP default.
    #[default]
    HttpProtobuf,
    /// `http/json`.
    HttpJson,
}

impl OtlpProtocol {
    /// As `--otlp-protocol` and `OTEL_EXPORTER_OTLP_PROTOCOL` write it; anything else, gRPC
    /// included, is refused.
    pub fn parse(text: &str) -> Result<Self, OtlpError> {
        match text.trim() {
            "http/protobuf" => Ok(Self::HttpProtobuf),
            "http/json" => Ok(Self::HttpJson),
            other => Err(OtlpError::Protocol(other.to_owned())),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::HttpProtobuf => "http/protobuf",
            Self::HttpJson => "http/json",
        }
    }

    pub(crate) fn otlp(self) -> opentelemetry_otlp::Protocol {
        match self {
            Self::HttpProtobuf => opentelemetry_otlp::Protocol::HttpBinary,
            Self::HttpJson => opentelemetry_otlp::Protocol::HttpJson,
        }
    }
}

/// One collector, as the user named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtlpConfig {
    /// The base URL, without a trailing `/`.
    pub endpoint: String,
    pub protocol: OtlpProtocol,
    /// Export prompts and completions too (`--otlp-content`); never by default.
    pub content: bool,
    /// Headers sent with every export (a credential the app keeps in the keyring); never
    /// logged or shown.
    pub headers: Vec<(String, String)>,
    /// Names the program in `service.name`.
    pub service: String,
}

impl OtlpConfig {
    /// `endpoint`: the collector's base URL (`http://127.0.0.1:4318`).
    pub fn new(endpoint: &str, protocol: OtlpProtocol, service: &str) -> Result<Self, OtlpError> {
        let invalid = |reason: String| OtlpError::Url { url: endpoint.to_owned(), reason };
        let parsed = url::Url::parse(endpoint.trim()).map_err(|error| invalid(error.to_string()))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(invalid(format!("its scheme is {}, not http or https", parsed.scheme())));
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(invalid("a base URL has no query or fragment".into()));
        }
        Ok(Self {
            endpoint: endpoint.trim().trim_end_matches('/').to_owned(),
            protocol,
            content: false,
            headers: Vec::new(),
            service: service.to_owned(),
        })
    }

    /// Where spans go.
    pub fn traces_url(&self) -> String {
        format!("{}/v1/traces", self.endpoint)
    }

    /// Where metrics go.
    pub fn metrics_url(&self) -> String {
        format!("{}/v1/metrics", self.endpoint)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The base URL gets the signal's path, as OTEL_EXPORTER_OTLP_ENDPOINT does.
    #[test]
    fn the_signal_paths_join_the_base_url() {
        let config = OtlpConfig::new("http://127.0.0.1:4318/", OtlpProtocol::HttpJson, "t").unwrap();
        assert_eq!(config.traces_url(), "http://127.0.0.1:4318/v1/traces");
        assert_eq!(config.metrics_url(), "http://127.0.0.1:4318/v1/metrics");
        let behind =
            OtlpConfig::new("https://otel.example/collector", OtlpProtocol::HttpProtobuf, "t").unwrap();
        assert_eq!(behind.traces_url(), "https://otel.example/collector/v1/traces");
    }

    /// Only the two HTTP protocols; gRPC and wrong URLs are refused with a reason.
    #[test]
    fn grpc_and_bad_urls_are_refused() {
        assert_eq!(OtlpProtocol::parse("http/json").unwrap(), OtlpProtocol::HttpJson);
        let grpc = OtlpProtocol::parse("grpc").unwrap_err().to_string();
        assert!(grpc.contains("`grpc` is not supported"), "{grpc}");
        for url in ["127.0.0.1:4318", "ftp://h/", "http://h/?a=b", "not a url"] {
            assert!(OtlpConfig::new(url, OtlpProtocol::HttpProtobuf, "t").is_err(), "{url}");
        }
    }
}
