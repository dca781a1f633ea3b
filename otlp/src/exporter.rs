//! Spans and metrics sent to the collector. Spans go through the OTLP span exporter, awaited
//! on the caller's tokio runtime; metrics are recorded on the SDK's instruments and pushed by
//! its periodic reader, whose thread runs the (async) OTLP metric exporter on that same
//! runtime. Every send is bounded: 5 s for the collector to answer. A failure is said once by
//! whoever holds the exporter ([`Exporter::first_failure`]); it never stops a stream.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use opentelemetry::metrics::MeterProvider as _;
use opentelemetry::InstrumentationScope;
use opentelemetry_otlp::{WithExportConfig, WithHttpConfig};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::metrics::data::ResourceMetrics;
use opentelemetry_sdk::metrics::exporter::PushMetricExporter;
use opentelemetry_sdk::metrics::{PeriodicReader, SdkMeterProvider, Temporality};
use opentelemetry_sdk::trace::SpanExporter as _;
use opentelemetry_sdk::Resource;
use tokio::runtime::Handle;

use crate::call::LlmCall;
use crate::config::OtlpConfig;
use crate::error::OtlpError;
use crate::metrics::Instruments;
use crate::span::{common_attributes, span_data};

/// How long the collector has to answer a send.
pub const EXPORT_TIMEOUT: Duration = Duration::from_secs(5);
/// Metrics are pushed after each call; the reader's own period only catches what was missed.
const METRICS_PERIOD: Duration = Duration::from_secs(60);

/// One collector's exporter. Made (and used) on a tokio runtime.
pub struct Exporter {
    config: OtlpConfig,
    spans: opentelemetry_otlp::SpanExporter,
    meters: SdkMeterProvider,
    instruments: Instruments,
    scope: InstrumentationScope,
    failed: AtomicBool,
}

impl Exporter {
    /// An exporter to `config`'s collector. Must be called on a tokio runtime: the metric
    /// reader's thread sends on it.
    pub fn new(config: OtlpConfig) -> Result<Self, OtlpError> {
        let runtime = Handle::try_current().map_err(|_| {
            OtlpError::Export(opentelemetry_sdk::error::OTelSdkError::InternalFailure(
                "the OTLP exporter needs a tokio runtime".into(),
            ))
        })?;
        let headers: HashMap<String, String> = config.headers.iter().cloned().collect();
        let resource = Resource::builder_empty()
            .with_attribute(opentelemetry::KeyValue::new("service.name", config.service.clone()))
            .build();
        let mut spans = opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .with_protocol(config.protocol.otlp())
            .with_endpoint(config.traces_url())
            .with_timeout(EXPORT_TIMEOUT)
            .with_headers(headers.clone())
            .build()?;
        opentelemetry_sdk::trace::SpanExporter::set_resource(&mut spans, &resource);
        let metrics = opentelemetry_otlp::MetricExporter::builder()
            .with_http()
            .with_protocol(config.protocol.otlp())
            .with_endpoint(config.metrics_url())
            .with_timeout(EXPORT_TIMEOUT)
            .with_headers(headers)
            .with_temporality(Temporality::Cumulative)
            .build()?;
        let reader = PeriodicReader::builder(OnRuntime { inner: metrics, runtime })
            .with_interval(METRICS_PERIOD)
            .build();
        let meters = SdkMeterProvider::builder().with_resource(resource).with_reader(reader).build();
        let scope =
            InstrumentationScope::builder("sse-monitor").with_version(env!("CARGO_PKG_VERSION")).build();
        let instruments = Instruments::new(&meters.meter_with_scope(scope.clone()));
        Ok(Self { config, spans, meters, instruments, scope, failed: AtomicBool::new(false) })
    }

    pub fn config(&self) -> &OtlpConfig {
        &self.config
    }

    /// Sends `call`'s span and its metrics, and waits for the collector (5 s at most each).
    pub async fn export(&self, call: &LlmCall) -> Result<(), OtlpError> {
        // The request's body is read once for the model, the rest of the attributes made once.
        let model = call.request_model();
        let common = common_attributes(call, model.as_deref());
        let span = span_data(call, model.as_deref(), &common, self.config.content, &self.scope);
        self.instruments.record(call, &common);
        let spans = tokio::time::timeout(EXPORT_TIMEOUT, self.spans.export(vec![span]))
            .await
            .map_err(|_| OtlpError::TimedOut(EXPORT_TIMEOUT.as_secs()))
            .and_then(|sent| sent.map_err(OtlpError::from));
        let metrics = self.flush_metrics().await;
        spans.and(metrics)
    }

    /// Pushes the metrics recorded so far (5 s at most for the collector).
    pub async fn flush_metrics(&self) -> Result<(), OtlpError> {
        let meters = self.meters.clone();
        let flushed = tokio::task::spawn_blocking(move || meters.force_flush());
        match tokio::time::timeout(EXPORT_TIMEOUT + Duration::from_secs(1), flushed).await {
            Err(_) => Err(OtlpError::TimedOut(EXPORT_TIMEOUT.as_secs())),
            Ok(Err(_)) => Err(OtlpError::Export(opentelemetry_sdk::error::OTelSdkError::InternalFailure(
                "the metrics flush stopped".into(),
            ))),
            Ok(Ok(flushed)) => flushed.map_err(OtlpError::from),
        }
    }

    /// The line to say for `error` the first time an export fails; `None` after.
    pub fn first_failure(&self, error: &OtlpError) -> Option<String> {
        (!self.failed.swap(true, Ordering::Relaxed))
            .then(|| format!("OpenTelemetry export to {} failed: {error}", self.config.endpoint))
    }

    /// Stops the metric reader (what is left was flushed with the last call).
    pub async fn shutdown(self) {
        let meters = self.meters;
        let _ = tokio::time::timeout(EXPORT_TIMEOUT, tokio::task::spawn_blocking(move || meters.shutdown()))
            .await;
    }
}

/// The OTLP metric exporter run on the app's tokio runtime from the periodic reader's
/// thread (which is no runtime's: the async HTTP client needs one).
#[derive(Debug)]
struct OnRuntime {
    inner: opentelemetry_otlp::MetricExporter,
    runtime: Handle,
}

impl PushMetricExporter for OnRuntime {
    fn export(&self, metrics: &ResourceMetrics) -> impl std::future::Future<Output = OTelSdkResult> + Send {
        let sent = if Handle::try_current().is_ok() {
            // Never on a runtime's thread: blocking there could stall it.
            Err(opentelemetry_sdk::error::OTelSdkError::InternalFailure(
                "metrics exported from a runtime thread".into(),
            ))
        } else {
            self.runtime.block_on(self.inner.export(metrics))
        };
        std::future::ready(sent)
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.inner.force_flush()
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn temporality(&self) -> Temporality {
        self.inner.temporality()
    }
}
