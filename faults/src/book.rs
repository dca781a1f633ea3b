//! Which profile applies to a subscription, and what counts as a reconnect: the profiles set
//! by stream, a profile's `client` target and its `once`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use crate::profile::{FaultProfile, ReconnectAnswer};

/// A reconnect is a client's next attempt at a stream after its last stream there ended
/// other than by the client leaving (`after_an_end_there`: the server ended it, a fault cut it),
/// with or without `Last-Event-ID`; or any attempt that carries `Last-Event-ID` (any value, even empty: EventSource sends it when it reconnects after
/// an event with an id, and a client may resume from before this server's record).
pub fn is_reconnect(last_event_id: Option<&[u8]>, after_an_end_there: bool) -> bool {
    last_event_id.is_some() || after_an_end_there
}

/// Whether `profile` targets a subscription by `client`.
pub(crate) fn targets(profile: &FaultProfile, client: Option<&str>) -> bool {
    profile.client.as_deref().is_none_or(|wanted| Some(wanted) == client)
}

/// The profiles set, by stream; shared by the HTTP API and the subscriptions it targets.
#[derive(Debug, Clone, Default)]
pub struct FaultBook(Arc<Mutex<HashMap<String, FaultProfile>>>);

impl FaultBook {
    pub fn new(profiles: HashMap<String, FaultProfile>) -> Self {
        Self(Arc::new(Mutex::new(profiles)))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, FaultProfile>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn set(&self, stream: &str, profile: FaultProfile) {
        self.lock().insert(stream.to_owned(), profile);
    }

    pub fn get(&self, stream: &str) -> Option<FaultProfile> {
        self.lock().get(stream).cloned()
    }

    /// Clears a stream's profile; whether it had one.
    pub fn clear(&self, stream: &str) -> bool {
        self.lock().remove(stream).is_some()
    }

    /// The profile for a new subscription to `stream` by `client` (its `client` parameter or
    /// `X-SSE-Client` header), if one targets it; a `once` profile is taken.
    pub fn take_for(&self, stream: &str, client: Option<&str>) -> Option<FaultProfile> {
        let mut book = self.lock();
        let profile = book.get(stream)?;
        if !targets(profile, client) {
            return None;
        }
        if profile.once {
            return book.remove(stream);
        }
        Some(profile.clone())
    }

    /// For a reconnect to `stream` by `client`: the answer a profile gives instead of the
    /// stream, if one does (the next reconnect's answer is used up).
    pub fn reconnect_answer(&self, stream: &str, client: Option<&str>) -> Option<ReconnectAnswer> {
        let mut book = self.lock();
        let profile = book.get_mut(stream)?;
        if !targets(profile, client) {
            return None;
        }
        let answer = profile.on_reconnect.clone()?;
        if !answer.every {
            profile.on_reconnect = None;
        }
        Some(answer)
    }

    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A profile for a client targets only that client; a `once` profile is applied once.
    #[test]
    fn profiles_target_clients_and_once_is_taken() {
        let book = FaultBook::default();
        book.set("s", FaultProfile { client: Some("tested".into()), once: true, ..FaultProfile::default() });
        assert_eq!(book.take_for("s", Some("other")), None);
        assert_eq!(book.take_for("s", None), None);
        assert!(book.take_for("s", Some("tested")).is_some());
        assert_eq!(book.take_for("s", Some("tested")), None, "once: taken");
        book.set("s", FaultProfile { cut_after_events: Some(2), ..FaultProfile::default() });
        assert!(book.take_for("s", None).is_some() && book.take_for("s", None).is_some());
    }

    /// The next reconnect's answer is used up; `every` answers each; any Last-Event-ID counts,
    /// even an empty one, and so does an attempt after an end there without one; the `client`
    /// parameter wins over the header.
    #[test]
    fn reconnect_answers_and_who_a_client_is() {
        let answer = ReconnectAnswer { status: Some(204), content_type: None, redirect: None, every: false };
        let book = FaultBook::default();
        book.set("s", FaultProfile { on_reconnect: Some(answer.clone()), ..FaultProfile::default() });
        assert_eq!(book.reconnect_answer("s", None), Some(answer.clone()));
        assert_eq!(book.reconnect_answer("s", None), None, "the next one only");
        let every = ReconnectAnswer { every: true, ..answer };
        book.set("s", FaultProfile { on_reconnect: Some(every.clone()), ..FaultProfile::default() });
        assert_eq!(book.reconnect_answer("s", None), Some(every.clone()));
        assert_eq!(book.reconnect_answer("s", None), Some(every));
        assert!(
            is_reconnect(Some(b""), false) && is_reconnect(Some(b"7"), false) && !is_reconnect(None, false)
        );
        assert!(is_reconnect(None, true), "after an end there, with or without the header");
    }
}
