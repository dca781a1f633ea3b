use crate::head::CAPTURE_VERSION;

/// A capture that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    #[error("cannot read the capture: {0}")]
    Read(#[source] std::io::Error),
    #[error("line {number}: {source}")]
    Line {
        number: usize,
        #[source]
        source: LineError,
    },
}

/// What is wrong with one line.
#[derive(Debug, thiserror::Error)]
pub enum LineError {
    #[error("{0}")]
    Json(#[from] serde_json::Error),
    #[error("longer than {limit} bytes")]
    TooLong { limit: usize },
    #[error("the head line (`capture`) must be the first line")]
    MisplacedHead,
    #[error("head line version {found} is newer than this program reads ({CAPTURE_VERSION})")]
    NewerVersion { found: u32 },
}
