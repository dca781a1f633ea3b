/// Errors a command returns to the UI, as their message.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Spec(#[from] sse_connections::SpecError),
    #[error(transparent)]
    Settings(#[from] sse_connections::SettingsError),
    #[error(transparent)]
    Inspect(#[from] sse_connections::InspectError),
    #[error(transparent)]
    Import(#[from] embedded_server::ReplayError),
    #[error("{0}")]
    Other(String),
}

impl serde::Serialize for CommandError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
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
