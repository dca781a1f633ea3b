//! A panic never takes the window down. WebKitGTK calls into the app through functions that
//! cannot unwind, so a panic in a command would abort the process: every command runs inside
//! `catch_unwind` and a panic becomes the command's error (kind `internal`). Every panic, in
//! a command or a background task, is logged and told to the window (`watch_problems`).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Mutex, OnceLock, PoisonError};

use tauri::ipc::{Channel, Invoke};
use tauri::Runtime;

use crate::error::{ErrorKind, ErrorPayload};

/// Where the window listens for problems that no command returns.
static PROBLEMS: OnceLock<Mutex<Option<Channel<String>>>> = OnceLock::new();

/// Logs every panic and tells the window, then lets the previous hook print it.
pub fn install_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = payload_text(info.payload());
        let location = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
        let thread = std::thread::current().name().unwrap_or("unnamed").to_owned();
        tracing::error!(%message, %location, %thread, "internal error (panic); the app goes on");
        if let Some(channel) = PROBLEMS.get().and_then(|slot| slot.lock().ok()?.clone()) {
            let _ = channel.send(format!("Internal error, logged; the app goes on: {message} ({location})"));
        }
        previous(info);
    }));
}

/// The window's channel for problems no command returns (a later call replaces it).
pub fn watch(channel: Channel<String>) {
    let slot = PROBLEMS.get_or_init(Mutex::default);
    *slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(channel);
}

/// Runs each command inside `catch_unwind`; a command that panics is answered with an
/// `internal` error instead of unwinding into WebKit.
pub fn guarded<R: Runtime>(
    handler: impl Fn(Invoke<R>) -> bool + Send + Sync + 'static,
) -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
    move |invoke: Invoke<R>| {
        let resolver = invoke.resolver.clone();
        let command = invoke.message.command().to_owned();
        match catch_unwind(AssertUnwindSafe(|| handler(invoke))) {
            Ok(handled) => handled,
            Err(payload) => {
                let message = format!("{command} failed with an internal error: {}", payload_text(&*payload));
                resolver.reject(ErrorPayload { kind: ErrorKind::Internal, message });
                true
            }
        }
    }
}

fn payload_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|text| (*text).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A panic's message is read whether it was a literal or formatted.
    #[test]
    fn panic_messages_are_read_from_either_payload() {
        let literal = catch_unwind(|| panic!("plain")).unwrap_err();
        let formatted = catch_unwind(|| panic!("{} apples", 3)).unwrap_err();
        assert_eq!(payload_text(&*literal), "plain");
        assert_eq!(payload_text(&*formatted), "3 apples");
        assert_eq!(
            payload_text(&*catch_unwind(|| std::panic::panic_any(7)).unwrap_err()),
            "a panic without a message"
        );
    }
}
