//! Secrets of a connection (tokens, passwords, credential headers, credential query
//! parameters such as Gemini's `?key=`) and where they are kept: the OS keyring, never the
//! settings file.

use serde::{Deserialize, Serialize};

use crate::query_keys::{restore_query_secrets, split_query_secrets};
use crate::spec::{Auth, ConnectionSpec, HeaderField};

/// The keyring service name secrets are filed under.
pub const KEYRING_SERVICE: &str = "dev.ssemonitor.app";

use sse_wire::is_credential_name;

/// The parts of a spec that must not be written in plain text, as one keyring entry.
#[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Secrets {
    pub(crate) token: Option<String>,
    pub(crate) password: Option<String>,
    pub(crate) headers: Vec<SecretHeader>,
    /// Credential query parameters of the URL (`?key=...`), in the order they appear.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) query: Vec<SecretHeader>,
}

/// A credential header (the same JSON as a spec's header field).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SecretHeader {
    pub(crate) name: String,
    pub(crate) value: String,
}

impl SecretHeader {
    pub(crate) fn from_pairs(pairs: Vec<(String, String)>) -> Vec<Self> {
        pairs.into_iter().map(|(name, value)| Self { name, value }).collect()
    }

    pub(crate) fn into_pairs(secrets: Vec<Self>) -> Vec<(String, String)> {
        secrets.into_iter().map(|secret| (secret.name, secret.value)).collect()
    }
}

impl Secrets {
    pub(crate) fn is_empty(&self) -> bool {
        self.token.as_deref().is_none_or(str::is_empty)
            && self.password.as_deref().is_none_or(str::is_empty)
            && self.headers.is_empty()
            && self.query.is_empty()
    }

    /// The spec without its secrets, and the secrets.
    pub(crate) fn split(spec: &ConnectionSpec) -> (ConnectionSpec, Self) {
        let mut bare = spec.clone();
        let mut secrets = Self::default();
        match &mut bare.auth {
            Auth::None => {}
            Auth::Bearer { token } => secrets.token = Some(std::mem::take(token)),
            Auth::Basic { password, .. } => secrets.password = Some(std::mem::take(password)),
        }
        secrets.headers = split_header_secrets(&mut bare.headers);
        secrets.query = SecretHeader::from_pairs(split_query_secrets(&mut bare.url));
        (bare, secrets)
    }

    /// Puts the secrets back into the spec they were split from.
    pub(crate) fn restore(self, spec: &mut ConnectionSpec) {
        match &mut spec.auth {
            Auth::None => {}
            Auth::Bearer { token } => *token = self.token.unwrap_or_default(),
            Auth::Basic { password, .. } => *password = self.password.unwrap_or_default(),
        }
        restore_header_secrets(&mut spec.headers, self.headers);
        restore_query_secrets(&mut spec.url, SecretHeader::into_pairs(self.query));
    }
}

/// Takes the values of the credential headers out of `headers`.
pub(crate) fn split_header_secrets(headers: &mut [HeaderField]) -> Vec<SecretHeader> {
    headers
        .iter_mut()
        .filter(|h| is_credential_name(&h.name) && !h.value.is_empty())
        .map(|header| SecretHeader { name: header.name.clone(), value: std::mem::take(&mut header.value) })
        .collect()
}

pub(crate) fn restore_header_secrets(headers: &mut [HeaderField], saved: Vec<SecretHeader>) {
    for saved in saved {
        if let Some(header) = headers.iter_mut().find(|h| h.name == saved.name && h.value.is_empty()) {
            header.value = saved.value;
        }
    }
}

/// A secret store that failed, with the store's own error.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SecretStoreError(#[source] pub Box<dyn std::error::Error + Send + Sync>);

impl From<keyring::Error> for SecretStoreError {
    fn from(error: keyring::Error) -> Self {
        Self(Box::new(error))
    }
}

/// Where secrets are kept.
pub trait SecretStore: Send + Sync {
    /// What to call it in messages.
    fn describe(&self) -> String;
    fn set(&self, key: &str, secret: &str) -> Result<(), SecretStoreError>;
    /// `None` when it holds nothing under `key`.
    fn get(&self, key: &str) -> Result<Option<String>, SecretStoreError>;
    fn delete(&self, key: &str) -> Result<(), SecretStoreError>;
}

/// The OS keyring: Secret Service on Linux (GNOME Keyring, KWallet), Keychain on macOS,
/// Credential Manager on Windows.
pub struct OsKeyring;

impl OsKeyring {
    fn entry(key: &str) -> Result<keyring::Entry, SecretStoreError> {
        Ok(keyring::Entry::new(KEYRING_SERVICE, &format!("connection:{key}"))?)
    }
}

impl SecretStore for OsKeyring {
    fn describe(&self) -> String {
        "the OS keyring".into()
    }

    fn set(&self, key: &str, secret: &str) -> Result<(), SecretStoreError> {
        Ok(Self::entry(key)?.set_password(secret)?)
    }

    fn get(&self, key: &str) -> Result<Option<String>, SecretStoreError> {
        match Self::entry(key)?.get_password() {
            Ok(secret) => Ok(Some(secret)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(error) => Err(error.into()),
        }
    }

    fn delete(&self, key: &str) -> Result<(), SecretStoreError> {
        match Self::entry(key)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(error) => Err(error.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A keyring entry written before secrets moved here still reads: headers as `{name, value}`.
    #[test]
    fn secrets_keep_their_keyring_json() {
        let json = r#"{"token":"t","password":null,"headers":[{"name":"X-Api-Key","value":"k"}]}"#;
        let secrets: Secrets = serde_json::from_str(json).unwrap();
        assert_eq!(secrets.headers, [SecretHeader { name: "X-Api-Key".into(), value: "k".into() }]);
        assert_eq!(serde_json::to_string(&secrets).unwrap(), json);
    }

    /// Every secret of a spec leaves it and comes back: token, credential headers, query keys.
    #[test]
    fn a_specs_secrets_are_split_out_and_put_back() {
        let spec = ConnectionSpec {
            url: "https://x/?access_token=t1&alt=sse".into(),
            auth: Auth::Bearer { token: "sk-1".into() },
            headers: vec![
                HeaderField::new("X-Api-Key", "k"),
                HeaderField::new("Accept", "text/event-stream"),
            ],
            ..ConnectionSpec::default()
        };
        let (mut bare, secrets) = Secrets::split(&spec);
        assert_eq!(bare.auth, Auth::Bearer { token: String::new() });
        assert_eq!(bare.headers[0].value, "");
        assert_eq!(bare.headers[1].value, "text/event-stream");
        assert_eq!(bare.url, "https://x/?access_token=&alt=sse");
        assert!(!secrets.is_empty());
        secrets.restore(&mut bare);
        assert_eq!(bare, spec);
    }
}
