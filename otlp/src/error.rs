//! What can go wrong setting up or sending an export.

/// An export's failure, with its source.
#[derive(Debug, thiserror::Error)]
pub enum OtlpError {
    /// `--otlp-protocol` (or the app's setting) named something else.
    #[error("the OTLP protocol `{0}` is not supported: say http/protobuf or http/json (gRPC is not)")]
    Protocol(String),
    /// The collector's URL is not an http(s) URL.
    #[error("the OTLP collector URL `{url}` is not valid: {reason}")]
    Url { url: String, reason: String },
    /// The exporter could not be built.
    #[error("the OTLP exporter could not be set up: {0}")]
    Build(#[from] opentelemetry_otlp::ExporterBuildError),
    /// The collector refused or could not be reached.
    #[error("exporting to the OTLP collector failed: {0}")]
    Export(#[from] opentelemetry_sdk::error::OTelSdkError),
    /// The collector did not answer in time.
    #[error("the OTLP collector did not answer within {0} s")]
    TimedOut(u64),
}
