//! The OpenTelemetry export kept with the settings: the collector, protocol and header name
//! in the file, the header's value in the keyring (as a connection's credentials are).

use std::sync::PoisonError;

use crate::error::SettingsError;
use crate::otlp_export::OtlpSettings;
use crate::secrets::{SecretHeader, Secrets};
use crate::settings::{SavedOtlp, SecretState, SettingsStore};

/// The keyring entry of the OpenTelemetry export's header.
pub(crate) const OTLP_KEY: &str = "otlp-export";
/// What the user's notes call it.
const OTLP_NAME: &str = "OpenTelemetry export";

impl SettingsStore {
    /// Saves the OpenTelemetry export (`None`: off), its header's value to the keyring,
    /// keeping everything else. Returns notes for the user, e.g. the secret not saved.
    pub fn save_otlp(&self, otlp: Option<&OtlpSettings>) -> Result<Vec<String>, SettingsError> {
        let _busy = self.busy.lock().unwrap_or_else(PoisonError::into_inner);
        let mut settings = self.current();
        let mut notes = Vec::new();
        let had = settings.otlp.as_ref().is_some_and(|old| old.secrets == SecretState::InKeyring);
        settings.otlp = match otlp {
            None => {
                // No secrets: the keyring entry, if any, goes.
                self.keep_secrets(OTLP_KEY, OTLP_NAME, &Secrets::default(), had, &mut notes)?;
                None
            }
            Some(otlp) => {
                let mut bare = otlp.clone();
                let value = std::mem::take(&mut bare.header_value);
                let headers = if bare.header_name.trim().is_empty() || value.is_empty() {
                    Vec::new()
                } else {
                    vec![SecretHeader { name: bare.header_name.clone(), value }]
                };
                let secrets = Secrets { headers, ..Secrets::default() };
                let state = self.keep_secrets(OTLP_KEY, OTLP_NAME, &secrets, had, &mut notes)?;
                Some(SavedOtlp { settings: bare, secrets: state })
            }
        };
        self.write(&settings)?;
        Ok(notes)
    }

    /// The header's value back from the keyring into `saved` (what went wrong to `problems`).
    pub(crate) fn restore_otlp(&self, saved: &mut SavedOtlp, problems: &mut Vec<String>) {
        let read = self.read_secrets(OTLP_KEY, OTLP_NAME, saved.secrets, problems);
        if let Some(header) = read.and_then(|secrets| secrets.headers.into_iter().next()) {
            saved.settings.header_value = header.value;
        }
    }
}
