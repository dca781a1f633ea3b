//! What the format modules share: how an event fitted, and an error object as one line.

use serde_json::Value;

/// How an event fitted the provider's format.
pub(crate) enum Fit {
    Expected,
    /// JSON, but not of the shape the format has.
    Unexpected,
    /// An event type the format does not have.
    Unknown,
}

/// An error object as one line: `type: message` (or its code), whatever the provider nests.
pub(crate) fn error_message(error: &Value) -> String {
    let field = |name: &str| error.get(name).and_then(Value::as_str).filter(|s| !s.is_empty());
    let message = field("message").map(str::to_owned).unwrap_or_else(|| error.to_string());
    match field("type").filter(|t| *t != "error").or_else(|| field("code")).or_else(|| field("status")) {
        Some(kind) => format!("{kind}: {message}"),
        None => message,
    }
}
