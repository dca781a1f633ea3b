//! Saved connections and window state, in a small versioned JSON file in the app's config
//! directory. Secrets (tokens, passwords, sensitive headers and query keys) never go into the
//! file: they go to the OS keyring when there is one, and are not saved otherwise (the save
//! says so).

use std::fs;
use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::error::SettingsError;
use crate::otlp_export::OtlpSettings;
use crate::query_keys::{restore_query_secrets, split_query_secrets};
use crate::secrets::{restore_header_secrets, split_header_secrets, SecretHeader, SecretStore, Secrets};
use crate::spec::ConnectionSpec;
use crate::tap_spec::TapSpec;

/// The schema this build reads and writes.
pub const SETTINGS_VERSION: u32 = 1;
pub const SETTINGS_FILE: &str = "settings.json";

/// Where a saved connection's secrets are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum SecretState {
    /// It has none.
    #[default]
    None,
    InKeyring,
    /// It had some, but there was no keyring to keep them: the user enters them again.
    NotSaved,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SavedConnection {
    /// Stable across saves; names the connection's keyring entry.
    pub key: String,
    pub spec: ConnectionSpec,
    #[serde(default)]
    pub secrets: SecretState,
}

/// A tap as saved: reopened at start, on its port when that is free.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SavedTap {
    /// Stable across saves; names the tap's keyring entry.
    pub key: String,
    pub spec: TapSpec,
    #[serde(default)]
    pub secrets: SecretState,
}

/// The OpenTelemetry export as saved: its header's value in the keyring.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SavedOtlp {
    pub settings: OtlpSettings,
    #[serde(default)]
    pub secrets: SecretState,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default)]
pub struct WindowState {
    pub width: f64,
    pub height: f64,
    pub x: Option<f64>,
    pub y: Option<f64>,
    pub maximized: bool,
}

/// How the window's parts are sized, in CSS pixels, and which tab is shown below the log: the
/// window's to set (each splitter clamps its own size; unset is the default).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default)]
pub struct PaneLayout {
    /// The connection list's width.
    pub sidebar: Option<f64>,
    /// The detail pane's width (its height when it stacks under the log).
    pub detail: Option<f64>,
    /// The tabs' height below the log.
    pub lower: Option<f64>,
    /// The id of the tab shown.
    pub tab: Option<String>,
    /// The tabs fill the workspace (the log and the feeds' cards hidden).
    pub lower_maximised: bool,
}

/// The longest tab id kept: ids are short names, not data.
const TAB_ID_MAX: usize = 64;
/// Tabs that were renamed: a window saved with the old id opens on the new one.
const RENAMED_TABS: [(&str, &str); 1] = [("assertions", "expectations")];
/// No part of a window is this many pixels.
const PANE_SIZE_MAX: f64 = 100_000.0;

impl PaneLayout {
    /// The layout with what no window could use dropped (a size that is not a finite,
    /// positive number of pixels; a tab id that is not a short name), and a renamed tab's
    /// old id made its new one. Done on save and on load.
    pub fn sanitized(self) -> Self {
        let size = |px: Option<f64>| px.filter(|px| px.is_finite() && *px > 0.0 && *px < PANE_SIZE_MAX);
        let tab = self.tab.filter(|tab| {
            !tab.is_empty()
                && tab.len() <= TAB_ID_MAX
                && tab.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
        let tab = tab.map(|tab| match RENAMED_TABS.iter().find(|(old, _)| *old == tab) {
            Some((_, new)) => (*new).to_owned(),
            None => tab,
        });
        Self {
            sidebar: size(self.sidebar),
            detail: size(self.detail),
            lower: size(self.lower),
            tab,
            lower_maximised: self.lower_maximised,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    pub version: u32,
    #[serde(default)]
    pub connections: Vec<SavedConnection>,
    /// The key of the connection shown last.
    #[serde(default)]
    pub selected: Option<String>,
    #[serde(default)]
    pub window: Option<WindowState>,
    #[serde(default)]
    pub panes: PaneLayout,
    /// Added after version 1 was out: a file without it has no taps.
    #[serde(default)]
    pub taps: Vec<SavedTap>,
    /// The OpenTelemetry export, when it is on (added after version 1: off when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub otlp: Option<SavedOtlp>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            version: SETTINGS_VERSION,
            connections: Vec::new(),
            selected: None,
            window: None,
            panes: PaneLayout::default(),
            taps: Vec::new(),
            otlp: None,
        }
    }
}

/// What a load found besides the settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Loaded {
    pub settings: Settings,
    /// Things the user should know: a corrupt file set aside, a secret that could not be read.
    pub problems: Vec<String>,
}

/// The settings file and the secret store, used one at a time.
pub struct SettingsStore {
    dir: PathBuf,
    secrets: Box<dyn SecretStore>,
    pub(crate) busy: Mutex<()>,
}

fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

impl SettingsStore {
    pub fn new(dir: impl Into<PathBuf>, secrets: Box<dyn SecretStore>) -> Self {
        Self { dir: dir.into(), secrets, busy: Mutex::new(()) }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(SETTINGS_FILE)
    }

    /// The file as written (secrets absent); `Ok(None)` when there is none.
    fn read_file(&self) -> Result<Option<Settings>, String> {
        let text = match fs::read_to_string(self.path()) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(format!("cannot read it: {error}")),
        };
        let mut settings: Settings =
            serde_json::from_str(&text).map_err(|e| format!("it is not valid: {e}"))?;
        settings.panes = std::mem::take(&mut settings.panes).sanitized();
        if settings.version != SETTINGS_VERSION {
            return Err(format!(
                "it has schema version {}, this SSE Monitor reads version {SETTINGS_VERSION}",
                settings.version
            ));
        }
        Ok(Some(settings))
    }

    /// Moves an unreadable file out of the way, so that saving starts afresh; where it went.
    fn set_aside(&self) -> Result<PathBuf, std::io::Error> {
        let aside = self.dir.join(format!("settings.corrupt-{}.json", now_secs()));
        fs::rename(self.path(), &aside)?;
        Ok(aside)
    }

    /// Reads the settings, with secrets back from the keyring. Never fails: a corrupt file is
    /// set aside and reported, and the defaults are used.
    pub fn load(&self) -> Loaded {
        let _busy = self.busy.lock().unwrap_or_else(PoisonError::into_inner);
        let mut problems = Vec::new();
        let mut settings = match self.read_file() {
            Ok(found) => found.unwrap_or_default(),
            Err(reason) => {
                let path = self.path();
                match self.set_aside() {
                    Ok(aside) => problems.push(format!(
                        "The settings file {} could not be used ({reason}). It was moved to {} and the defaults are used.",
                        path.display(),
                        aside.display()
                    )),
                    Err(error) => problems.push(format!(
                        "The settings file {} could not be used ({reason}) nor moved aside ({error}); the defaults are used.",
                        path.display()
                    )),
                }
                Settings::default()
            }
        };
        for saved in &mut settings.connections {
            let name = saved.spec.display_name();
            if let Some(secrets) = self.read_secrets(&saved.key, &name, saved.secrets, &mut problems) {
                secrets.restore(&mut saved.spec);
            }
        }
        for saved in &mut settings.taps {
            let name = saved.spec.display_name();
            if let Some(secrets) = self.read_secrets(&saved.key, &name, saved.secrets, &mut problems) {
                restore_header_secrets(&mut saved.spec.headers, secrets.headers);
                restore_query_secrets(&mut saved.spec.upstream, SecretHeader::into_pairs(secrets.query));
            }
        }
        if let Some(saved) = &mut settings.otlp {
            self.restore_otlp(saved, &mut problems);
        }
        Loaded { settings, problems }
    }

    /// One entry's secrets back from the keyring; what went wrong goes to `problems`.
    pub(crate) fn read_secrets(
        &self,
        key: &str,
        name: &str,
        state: SecretState,
        problems: &mut Vec<String>,
    ) -> Option<Secrets> {
        match state {
            SecretState::None => None,
            SecretState::NotSaved => {
                problems.push(format!(
                    "The secrets of `{name}` were not saved (no keyring was available): enter them again."
                ));
                None
            }
            SecretState::InKeyring => match self.secrets.get(key) {
                Ok(Some(json)) => match serde_json::from_str(&json) {
                    Ok(secrets) => Some(secrets),
                    Err(error) => {
                        problems.push(format!("The secrets of `{name}` in the keyring are damaged: {error}"));
                        None
                    }
                },
                Ok(None) => {
                    problems
                        .push(format!("The keyring has no secrets for `{name}` any more: enter them again."));
                    None
                }
                Err(error) => {
                    problems.push(format!(
                        "The secrets of `{name}` could not be read from {}: {error}",
                        self.secrets.describe()
                    ));
                    None
                }
            },
        }
    }

    /// Keeps one entry's secrets in the keyring (the keyring is only touched for entries that
    /// have or had some); where they are now. A keyring that fails is a note for the user.
    pub(crate) fn keep_secrets(
        &self,
        key: &str,
        name: &str,
        secrets: &Secrets,
        had_in_keyring: bool,
        notes: &mut Vec<String>,
    ) -> Result<SecretState, SettingsError> {
        if secrets.is_empty() {
            if had_in_keyring {
                let _ = self.secrets.delete(key);
            }
            return Ok(SecretState::None);
        }
        let json = serde_json::to_string(secrets).map_err(SettingsError::Secret)?;
        match self.secrets.set(key, &json) {
            Ok(()) => Ok(SecretState::InKeyring),
            Err(reason) => {
                notes.push(format!(
                    "The secrets of `{name}` are not saved: {} is not available ({reason}). They stay in this session only.",
                    self.secrets.describe()
                ));
                Ok(SecretState::NotSaved)
            }
        }
    }

    /// Entries that were removed take their secrets with them.
    fn forget_removed<'a>(&self, old: impl Iterator<Item = (&'a str, SecretState)>, kept: &[&str]) {
        for (key, state) in old {
            if state == SecretState::InKeyring && !kept.contains(&key) {
                let _ = self.secrets.delete(key);
            }
        }
    }

    pub(crate) fn write(&self, settings: &Settings) -> Result<(), SettingsError> {
        let write_error = |source| SettingsError::Write { path: self.path(), source };
        fs::create_dir_all(&self.dir).map_err(write_error)?;
        let json = serde_json::to_vec_pretty(settings).map_err(|e| write_error(std::io::Error::other(e)))?;
        // Written whole, then renamed over the old file: a crash leaves one or the other.
        let temporary = self.dir.join(format!("{SETTINGS_FILE}.tmp"));
        fs::write(&temporary, json).map_err(write_error)?;
        fs::rename(&temporary, self.path()).map_err(write_error)
    }

    /// The file as it is, or the defaults if it is missing or unreadable (`load` reports that).
    pub(crate) fn current(&self) -> Settings {
        self.read_file().ok().flatten().unwrap_or_default()
    }

    /// Saves the connections (secrets included, as the UI holds them) and which is selected,
    /// keeping the window state. Returns notes for the user, e.g. secrets not saved.
    pub fn save_connections(
        &self,
        connections: &[SavedConnection],
        selected: Option<String>,
    ) -> Result<Vec<String>, SettingsError> {
        let _busy = self.busy.lock().unwrap_or_else(PoisonError::into_inner);
        let mut settings = self.current();
        let mut notes = Vec::new();
        let mut saved = Vec::with_capacity(connections.len());
        for connection in connections {
            let (bare, secrets) = Secrets::split(&connection.spec);
            let had = settings
                .connections
                .iter()
                .any(|old| old.key == connection.key && old.secrets == SecretState::InKeyring);
            let state =
                self.keep_secrets(&connection.key, &bare.display_name(), &secrets, had, &mut notes)?;
            saved.push(SavedConnection { key: connection.key.clone(), spec: bare, secrets: state });
        }
        let kept: Vec<&str> = saved.iter().map(|c| c.key.as_str()).collect();
        self.forget_removed(settings.connections.iter().map(|c| (c.key.as_str(), c.secrets)), &kept);
        settings.connections = saved;
        settings.selected = selected;
        self.write(&settings)?;
        Ok(notes)
    }

    /// Saves the taps (their credential headers to the keyring, as connections' are), keeping
    /// everything else. Returns notes for the user, e.g. secrets not saved.
    pub fn save_taps(&self, taps: &[SavedTap]) -> Result<Vec<String>, SettingsError> {
        let _busy = self.busy.lock().unwrap_or_else(PoisonError::into_inner);
        let mut settings = self.current();
        let mut notes = Vec::new();
        let mut saved = Vec::with_capacity(taps.len());
        for tap in taps {
            let mut bare = tap.spec.clone();
            let secrets = Secrets {
                headers: split_header_secrets(&mut bare.headers),
                query: SecretHeader::from_pairs(split_query_secrets(&mut bare.upstream)),
                ..Secrets::default()
            };
            let had =
                settings.taps.iter().any(|old| old.key == tap.key && old.secrets == SecretState::InKeyring);
            let state = self.keep_secrets(&tap.key, &bare.display_name(), &secrets, had, &mut notes)?;
            saved.push(SavedTap { key: tap.key.clone(), spec: bare, secrets: state });
        }
        let kept: Vec<&str> = saved.iter().map(|t| t.key.as_str()).collect();
        self.forget_removed(settings.taps.iter().map(|t| (t.key.as_str(), t.secrets)), &kept);
        settings.taps = saved;
        self.write(&settings)?;
        Ok(notes)
    }

    /// The window's saved size and place, read without touching anything else (a corrupt file
    /// is left for `load` to report).
    pub fn saved_window(&self) -> Option<WindowState> {
        self.read_file().ok().flatten()?.window
    }

    /// Saves the window's size and place, keeping the connections.
    pub fn save_window(&self, window: WindowState) -> Result<(), SettingsError> {
        let _busy = self.busy.lock().unwrap_or_else(PoisonError::into_inner);
        let mut settings = self.current();
        settings.window = Some(window);
        self.write(&settings)
    }

    /// Saves how the window's parts are sized (sanitized), keeping everything else.
    pub fn save_panes(&self, panes: PaneLayout) -> Result<(), SettingsError> {
        let _busy = self.busy.lock().unwrap_or_else(PoisonError::into_inner);
        let mut settings = self.current();
        settings.panes = panes.sanitized();
        self.write(&settings)
    }
}
