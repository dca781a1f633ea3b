//! The command line's OpenTelemetry arguments, one definition for `sse-sub` and `sse-tap`
//! (flattened into each program's arguments).

use crate::{Exporter, OtlpConfig, OtlpProtocol};

/// `--otlp URL [--otlp-protocol P] [--otlp-content]`.
#[derive(Debug, Clone, clap::Args)]
pub struct OtlpArgs {
    /// Export each LLM call, when its stream ends, to the OpenTelemetry collector at this base
    /// URL (as OTEL_EXPORTER_OTLP_ENDPOINT means it: spans to URL/v1/traces, metrics to
    /// URL/v1/metrics), as the GenAI semantic conventions define a client's inference.
    /// OTEL_EXPORTER_OTLP_HEADERS is sent. A failed export is said once on stderr, never
    /// stops a stream and changes no exit code.
    #[arg(long, value_name = "URL", help_heading = "OpenTelemetry")]
    pub otlp: Option<String>,
    /// With --otlp: http/protobuf or http/json (gRPC is not supported).
    #[arg(long, value_name = "PROTOCOL", default_value = "http/protobuf", help_heading = "OpenTelemetry")]
    pub otlp_protocol: String,
    /// With --otlp: export prompts and completions too (never by default).
    #[arg(long, help_heading = "OpenTelemetry")]
    pub otlp_content: bool,
}

impl OtlpArgs {
    /// The exporter asked for (on the current tokio runtime), if any, its service named
    /// `service`; a wrong URL or protocol is a usage error, said with the argument's name.
    pub fn exporter(&self, service: &str) -> Result<Option<Exporter>, String> {
        let Some(url) = &self.otlp else {
            if self.otlp_content {
                return Err("--otlp-content needs --otlp URL".into());
            }
            return Ok(None);
        };
        let protocol =
            OtlpProtocol::parse(&self.otlp_protocol).map_err(|e| format!("--otlp-protocol: {e}"))?;
        let mut config = OtlpConfig::new(url, protocol, service).map_err(|e| format!("--otlp: {e}"))?;
        config.content = self.otlp_content;
        Exporter::new(config).map(Some).map_err(|e| format!("--otlp: {e}"))
    }
}
