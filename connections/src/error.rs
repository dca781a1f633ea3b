use sse_subscriber::SubscribeError;

/// A connection spec that cannot become a request.
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    #[error(transparent)]
    Request(#[from] SubscribeError),
}

/// Settings that could not be saved.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("cannot write the settings to {}: {source}", path.display())]
    Write { path: std::path::PathBuf, source: std::io::Error },
    #[error("cannot encode the secrets: {0}")]
    Secret(#[source] serde_json::Error),
}

/// An inspector request that cannot be answered.
#[derive(Debug, thiserror::Error)]
pub enum InspectError {
    #[error("connection {0} is not open")]
    NotOpen(u64),
    #[error("tap {0} is not open")]
    NoTap(u64),
    #[error("exchange {0} is not a stream the tap still keeps")]
    NotAStream(u64),
    #[error(transparent)]
    Filter(#[from] sse_inspector::FilterError),
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}: {source}")]
    Expectations {
        file: String,
        #[source]
        source: sse_expect::FileError,
    },
    #[error("cannot generate expectations: {0}")]
    Generate(#[from] sse_expect::GenerateError),
    #[error("no expectations are loaded for connection {0}")]
    NoExpectations(u64),
    #[error(transparent)]
    Spec(#[from] SpecError),
    #[error(transparent)]
    Tap(#[from] sse_tap::TapError),
    #[error("fault rules: {0}")]
    Faults(#[from] sse_faults::RulesError),
    #[error("breakpoints: {0}")]
    Breakpoints(#[from] sse_breakpoints::BreakpointError),
    #[error(transparent)]
    Hold(#[from] sse_tap::BreakpointActError),
}
