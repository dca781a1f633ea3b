//! The app's one OpenTelemetry export (Export to OpenTelemetry… in the LLM tab): off by
//! default; while it is set, every LLM call goes to one collector (`sse_otlp`): a
//! connection's when its stream ends, a tap's as its exchange ends. Its credential header is
//! kept in the keyring with the settings (`settings.rs`), never shown in a log.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde::{Deserialize, Serialize};

use sse_otlp::{Exporter, LlmCall, OtlpConfig, OtlpError, OtlpProtocol};
use tokio::runtime::Handle;

/// What the user set, as the window sends it and the settings keep it (the header's value
/// goes to the keyring).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default)]
pub struct OtlpSettings {
    /// The collector's base URL (`http://127.0.0.1:4318`).
    pub url: String,
    /// `http/protobuf` or `http/json`.
    pub protocol: String,
    /// Prompts and completions too.
    pub content: bool,
    /// A header sent with every export (`authorization`), empty for none.
    pub header_name: String,
    /// Its value: a secret.
    pub header_value: String,
}

impl OtlpSettings {
    fn config(&self) -> Result<OtlpConfig, OtlpError> {
        let mut config = OtlpConfig::new(&self.url, OtlpProtocol::parse(&self.protocol)?, "sse-monitor")?;
        config.content = self.content;
        let name = self.header_name.trim();
        if !name.is_empty() {
            config.headers = vec![(name.to_owned(), self.header_value.clone())];
        }
        Ok(config)
    }
}

/// Where the export stands, for the LLM tab (no secret in it).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct OtlpStatus {
    pub on: bool,
    pub url: String,
    pub protocol: String,
    pub content: bool,
    /// The header's name, if one is sent (its value never leaves Rust).
    pub header_name: String,
    /// Calls sent since it was set.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub exported: u64,
    /// The first failure since it was set, as said.
    pub failure: Option<String>,
}

struct Target {
    exporter: Arc<Exporter>,
    status: Arc<Mutex<OtlpStatus>>,
    exported: Arc<AtomicU64>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The export, shared by the connections, the taps and the commands that set it.
#[derive(Clone, Default)]
pub struct SharedExport {
    target: Arc<Mutex<Option<Target>>>,
}

impl SharedExport {
    /// Sets (or, with `None`, turns off) the export; its exporter runs on `runtime`.
    pub fn set(&self, runtime: &Handle, settings: Option<&OtlpSettings>) -> Result<OtlpStatus, OtlpError> {
        let target = match settings {
            None => None,
            Some(settings) => {
                let config = settings.config()?;
                let _entered = runtime.enter();
                let status = OtlpStatus {
                    on: true,
                    url: config.endpoint.clone(),
                    protocol: config.protocol.name().to_owned(),
                    content: config.content,
                    header_name: settings.header_name.trim().to_owned(),
                    exported: 0,
                    failure: None,
                };
                Some(Target {
                    exporter: Arc::new(Exporter::new(config)?),
                    status: Arc::new(Mutex::new(status)),
                    exported: Arc::default(),
                })
            }
        };
        *lock(&self.target) = target;
        Ok(self.status())
    }

    pub fn status(&self) -> OtlpStatus {
        match &*lock(&self.target) {
            None => OtlpStatus::default(),
            Some(target) => {
                let mut status = lock(&target.status).clone();
                status.exported = target.exported.load(Ordering::Relaxed);
                status
            }
        }
    }

    /// The exporter while the export is on, what hears its first failure, and what counts a
    /// call sent.
    #[allow(clippy::type_complexity)]
    fn parts(&self) -> Option<(Arc<Exporter>, impl Fn(String) + Send + 'static, impl Fn() + Send + 'static)> {
        let target = lock(&self.target);
        let target = target.as_ref()?;
        let (status, exported) = (target.status.clone(), target.exported.clone());
        let say = move |line: String| {
            tracing::warn!(%line, "OpenTelemetry export");
            lock(&status).failure.get_or_insert(line);
        };
        let sent = move || {
            exported.fetch_add(1, Ordering::Relaxed);
        };
        Some((target.exporter.clone(), say, sent))
    }

    /// Sends `call` on `runtime` if the export is on.
    pub(crate) fn export(&self, runtime: &Handle, call: LlmCall) {
        let Some((exporter, say, sent)) = self.parts() else { return };
        runtime.spawn(async move {
            match exporter.export(&call).await {
                Ok(()) => sent(),
                Err(error) => {
                    if let Some(line) = exporter.first_failure(&error) {
                        say(line);
                    }
                }
            }
        });
    }

    /// A tap's export of the calls `recorder` finishes with, on `runtime`, if the export is on.
    pub(crate) fn tap_export(
        &self,
        runtime: &Handle,
        recorder: &sse_tap::Recorder,
    ) -> Option<sse_tap::LlmExport> {
        let (exporter, say, sent) = self.parts()?;
        let _entered = runtime.enter();
        Some(sse_tap::LlmExport::start(recorder, exporter, say, sent))
    }
}
