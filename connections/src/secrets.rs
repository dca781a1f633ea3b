//! Secrets of a connection (tokens, passwords, credential headers) and where they are kept:
//! the OS keyring, never the settings file.

use serde::{Deserialize, Serialize};

/// The keyring service name secrets are filed under.
pub const KEYRING_SERVICE: &str = "dev.ssemonitor.app";

/// Headers that carry credentials by name (the subscriber's rule, which the tap shares).
pub use sse_subscriber::is_secret_header;

/// The parts of a spec that must not be written in plain text, as one keyring entry.
#[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Secrets {
    pub(crate) token: Option<String>,
    pub(crate) password: Option<String>,
    pub(crate) headers: Vec<SecretHeader>,
}

/// A credential header (the same JSON as a spec's header field).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SecretHeader {
    pub(crate) name: String,
    pub(crate) value: String,
}

impl Secrets {
    pub(crate) fn is_empty(&self) -> bool {
        self.token.as_deref().is_none_or(str::is_empty)
            && self.password.as_deref().is_none_or(str::is_empty)
            && self.headers.is_empty()
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
}
