/// Errors a command returns to the UI, each keeping its cause; the UI gets `{kind, message}`.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Spec(#[from] sse_connections::SpecError),
    #[error(transparent)]
    Settings(#[from] sse_connections::SettingsError),
    #[error(transparent)]
    Inspect(#[from] sse_connections::InspectError),
    #[error(transparent)]
    Replay(#[from] embedded_server::ReplayError),
    #[error(transparent)]
    Broker(#[from] embedded_server::BrokerError),
    #[error(transparent)]
    Tap(#[from] sse_tap::TapError),
    #[error(transparent)]
    Faults(#[from] embedded_server::ProfileError),
    #[error(transparent)]
    Otlp(#[from] sse_otlp::OtlpError),
    #[error("the background task failed: {0}")]
    Task(#[from] tauri::Error),
    #[error("files are chosen in the dialog: this build takes no path from the window")]
    PathRefused,
    #[error("cannot {doing} {path}: {source}")]
    File {
        doing: &'static str,
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// What the UI can tell apart in a command's error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum ErrorKind {
    Spec,
    Settings,
    Inspect,
    Replay,
    Broker,
    Tap,
    Faults,
    /// The OpenTelemetry export's settings.
    Otlp,
    Task,
    File,
    /// A command panicked (a bug): it was caught and logged, and the app goes on.
    Internal,
}

/// A command's error as the UI receives it.
#[derive(serde::Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ErrorPayload {
    pub kind: ErrorKind,
    pub message: String,
}

impl CommandError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            CommandError::Spec(_) => ErrorKind::Spec,
            CommandError::Settings(_) => ErrorKind::Settings,
            CommandError::Inspect(_) => ErrorKind::Inspect,
            CommandError::Replay(_) => ErrorKind::Replay,
            CommandError::Broker(_) => ErrorKind::Broker,
            CommandError::Tap(_) => ErrorKind::Tap,
            CommandError::Faults(_) => ErrorKind::Faults,
            CommandError::Otlp(_) => ErrorKind::Otlp,
            CommandError::Task(_) => ErrorKind::Task,
            CommandError::File { .. } | CommandError::PathRefused => ErrorKind::File,
        }
    }
}

impl serde::Serialize for CommandError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serde::Serialize::serialize(
            &ErrorPayload { kind: self.kind(), message: self.to_string() },
            serializer,
        )
    }
}

/// Errors that stop the app from starting.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("no display: cannot open a window ({0}); run it in a desktop session or under xvfb-run")]
    NoDisplay(String),
    #[error("cannot start the embedded SSE server: {0}")]
    Server(#[source] std::io::Error),
    #[error("{0}")]
    Arguments(#[from] sse_connections::SpecError),
    #[error("cannot start the window: {0}")]
    Tauri(#[from] tauri::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The UI receives the kind and the message, and the cause stays reachable in Rust.
    #[test]
    fn command_errors_serialise_as_kind_and_message_and_keep_their_cause() {
        let error = CommandError::from(sse_connections::InspectError::NotOpen(7));
        assert_eq!(
            serde_json::to_value(&error).unwrap(),
            serde_json::json!({ "kind": "inspect", "message": "connection 7 is not open" })
        );
        let broker = CommandError::from(embedded_server::BrokerError::InvalidStreamName);
        assert_eq!(broker.kind(), ErrorKind::Broker);
        assert!(std::error::Error::source(&CommandError::from(embedded_server::ReplayError::Stream(
            embedded_server::BrokerError::InvalidStreamName
        )))
        .is_some());
    }
}
