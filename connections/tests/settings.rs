//! Settings on disk: saved and loaded again, secrets kept out of the file, a corrupt or newer
//! file set aside, and secrets in the OS keyring when one is running.

use std::path::PathBuf;

use sse_connections::{
    Auth, ConnectionSpec, HeaderField, OsKeyring, PaneLayout, SavedConnection, SavedTap, SecretState,
    SettingsStore, TapSpec, TlsOptions, WindowState, SETTINGS_FILE,
};

/// A fresh, empty directory for one test.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sse-monitor-settings-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn saved(key: &str, spec: ConnectionSpec) -> SavedConnection {
    SavedConnection { key: key.into(), spec, secrets: SecretState::None }
}

fn plain_spec() -> ConnectionSpec {
    ConnectionSpec {
        name: "Local".into(),
        url: "http://127.0.0.1:8080/events?stream=messages".into(),
        headers: vec![HeaderField::new("Accept-Language", "en")],
        ..ConnectionSpec::default()
    }
}

fn secret_spec() -> ConnectionSpec {
    ConnectionSpec {
        name: "Chat".into(),
        // A key in the query (as Gemini takes it) is a secret too.
        url: "https://api.example.com/v1/chat/completions?alt=sse&key=query-secret-key".into(),
        method: "POST".into(),
        auth: Auth::Bearer { token: "sk-very-secret-token".into() },
        headers: vec![HeaderField::new("X-Api-Key", "another-secret-key")],
        ..ConnectionSpec::default()
    }
}

fn keyring_available() -> bool {
    use sse_connections::SecretStore;
    let probe = format!("probe-{}", std::process::id());
    let works = OsKeyring.set(&probe, "x").is_ok();
    let _ = OsKeyring.delete(&probe);
    works
}

/// Connections, the selection and the window come back after a save, as they were.
#[test]
fn saved_settings_come_back() {
    let dir = temp_dir("round-trip");
    let store = SettingsStore::new(&dir, Box::new(OsKeyring));
    let notes = store.save_connections(&[saved("a", plain_spec())], Some("a".into())).unwrap();
    assert!(notes.is_empty(), "{notes:?}");
    let window = WindowState { width: 900.0, height: 600.0, x: Some(10.0), y: Some(20.0), maximized: false };
    store.save_window(window.clone()).unwrap();
    let panes = PaneLayout {
        sidebar: Some(240.0),
        detail: Some(300.5),
        lower: None,
        tab: Some("stats".into()),
        lower_maximised: true,
    };
    store.save_panes(panes.clone()).unwrap();

    let loaded = SettingsStore::new(&dir, Box::new(OsKeyring)).load();
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    assert_eq!(loaded.settings.connections, [saved("a", plain_spec())]);
    assert_eq!(loaded.settings.selected.as_deref(), Some("a"));
    assert_eq!(loaded.settings.window, Some(window));
    assert_eq!(loaded.settings.panes, panes);
    let _ = std::fs::remove_dir_all(dir);
}

/// Pane sizes no window could use (not finite, not positive, absurdly large) and a tab id
/// that is not a short name are dropped on save; the rest is kept.
#[test]
fn pane_sizes_are_sanitized_on_save() {
    let dir = temp_dir("panes");
    let store = SettingsStore::new(&dir, Box::new(OsKeyring));
    let odd = PaneLayout {
        sidebar: Some(f64::NAN),
        detail: Some(-3.0),
        lower: Some(1e9),
        tab: Some("<img src=x>".into()),
        lower_maximised: false,
    };
    store.save_panes(odd).unwrap();
    assert_eq!(store.load().settings.panes, PaneLayout::default());
    store
        .save_panes(PaneLayout { lower: Some(180.0), tab: Some("es-events".into()), ..PaneLayout::default() })
        .unwrap();
    let kept = store.load().settings.panes;
    assert_eq!((kept.lower, kept.tab.as_deref()), (Some(180.0), Some("es-events")));
    let _ = std::fs::remove_dir_all(dir);
}

/// A window saved showing the tab once called Assertions opens on Expectations, its new name.
#[test]
fn a_saved_assertions_tab_opens_on_expectations() {
    let dir = temp_dir("renamed-tab");
    let store = SettingsStore::new(&dir, Box::new(OsKeyring));
    store.save_panes(PaneLayout { lower: Some(200.0), ..PaneLayout::default() }).unwrap();
    // As an older SSE Monitor wrote it.
    let path = dir.join("settings.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["panes"]["tab"] = serde_json::json!("assertions");
    std::fs::write(&path, json.to_string()).unwrap();
    let panes = store.load().settings.panes;
    assert_eq!((panes.tab.as_deref(), panes.lower), (Some("expectations"), Some(200.0)));
    let _ = std::fs::remove_dir_all(dir);
}

/// A file that is not valid JSON is reported, moved aside, and the defaults are used; the
/// next save starts a new file.
#[test]
fn a_corrupt_file_is_set_aside_and_reported() {
    let dir = temp_dir("corrupt");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(SETTINGS_FILE), "{\"version\": 1, \"connections\": [tru").unwrap();
    let store = SettingsStore::new(&dir, Box::new(OsKeyring));
    let loaded = store.load();
    assert!(loaded.settings.connections.is_empty());
    assert_eq!(loaded.problems.len(), 1);
    assert!(
        loaded.problems[0].contains("not valid") && loaded.problems[0].contains("moved to"),
        "{:?}",
        loaded.problems
    );
    let aside: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("settings.corrupt-"))
        .collect();
    assert_eq!(aside.len(), 1, "the corrupt file is kept for the user");
    assert!(!dir.join(SETTINGS_FILE).exists());
    store.save_connections(&[saved("a", plain_spec())], None).unwrap();
    assert!(store.load().problems.is_empty());
    let _ = std::fs::remove_dir_all(dir);
}

/// A file from a newer schema is not misread: it is set aside with the reason.
#[test]
fn a_newer_schema_is_set_aside() {
    let dir = temp_dir("newer");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(SETTINGS_FILE), r#"{"version": 7, "connections": []}"#).unwrap();
    let loaded = SettingsStore::new(&dir, Box::new(OsKeyring)).load();
    assert!(loaded.problems[0].contains("schema version 7"), "{:?}", loaded.problems);
    let _ = std::fs::remove_dir_all(dir);
}

/// Secrets never reach the file. With a keyring they come back on load and leave the keyring
/// when their connection is removed; without one the save says they were not kept.
#[test]
fn secrets_stay_out_of_the_file() {
    let dir = temp_dir("secrets");
    let store = SettingsStore::new(&dir, Box::new(OsKeyring));
    let key = format!("test-{}", std::process::id());
    let notes = store.save_connections(&[saved(&key, secret_spec())], None).unwrap();
    let on_disk = std::fs::read_to_string(dir.join(SETTINGS_FILE)).unwrap();
    assert!(
        !on_disk.contains("sk-very-secret-token")
            && !on_disk.contains("another-secret-key")
            && !on_disk.contains("query-secret-key"),
        "{on_disk}"
    );
    assert!(on_disk.contains("?alt=sse&key=\""), "the parameter stays, empty: {on_disk}");

    let expected = std::env::var_os("SSE_MONITOR_EXPECT_KEYRING").is_some();
    if expected || keyring_available() {
        assert!(notes.is_empty(), "{notes:?}");
        let loaded = store.load();
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        assert_eq!(loaded.settings.connections[0].secrets, SecretState::InKeyring);
        assert_eq!(loaded.settings.connections[0].spec, secret_spec(), "secrets come back from the keyring");
        store.save_connections(&[], None).unwrap();
        use sse_connections::SecretStore;
        assert_eq!(OsKeyring.get(&key).unwrap(), None, "a removed connection's secrets leave the keyring");
    } else {
        eprintln!("no OS keyring here: checking that secrets are reported as not saved");
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].contains("not saved") && notes[0].contains("keyring"), "{notes:?}");
        let loaded = store.load();
        assert_eq!(loaded.settings.connections[0].secrets, SecretState::NotSaved);
        assert_eq!(loaded.settings.connections[0].spec.auth, Auth::Bearer { token: String::new() });
        assert!(loaded.problems[0].contains("enter them again"), "{:?}", loaded.problems);
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// With no session bus there is no keyring: the secrets are dropped and the save says so.
#[test]
fn without_a_keyring_secrets_are_not_saved_and_the_user_is_told() {
    // nextest runs each test in its own process, so this changes no other test's bus.
    std::env::set_var("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/sse-monitor-test");
    let dir = temp_dir("no-keyring");
    let store = SettingsStore::new(&dir, Box::new(OsKeyring));
    let notes = store.save_connections(&[saved("k", secret_spec())], None).unwrap();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].contains("`Chat`") && notes[0].contains("not saved"), "{notes:?}");
    let on_disk = std::fs::read_to_string(dir.join(SETTINGS_FILE)).unwrap();
    assert!(!on_disk.contains("sk-very-secret-token"), "{on_disk}");
    let loaded = store.load();
    assert_eq!(loaded.settings.connections[0].secrets, SecretState::NotSaved);
    let _ = std::fs::remove_dir_all(dir);
}

/// Taps come back with their upstream, TLS and port, and a credential header of theirs is kept
/// out of the file (in the keyring when one runs, else not saved and said), with the
/// connections left as they were.
#[test]
fn taps_are_saved_without_their_secrets_beside_the_connections() {
    let dir = temp_dir("taps");
    let store = SettingsStore::new(&dir, Box::new(OsKeyring));
    store.save_connections(&[saved("c", plain_spec())], None).unwrap();
    let tap = TapSpec {
        name: "LLM".into(),
        upstream: "https://api.example.com/v1".into(),
        headers: vec![
            HeaderField::new("Authorization", "Bearer sk-tap-secret"),
            HeaderField::new("X-Team", "a"),
        ],
        tls: TlsOptions { insecure: false, ca_file: "/etc/ca.pem".into() },
        port: Some(43123),
    };
    let notes = store
        .save_taps(&[SavedTap { key: "t".into(), spec: tap.clone(), secrets: SecretState::None }])
        .unwrap();
    let on_disk = std::fs::read_to_string(dir.join(SETTINGS_FILE)).unwrap();
    assert!(!on_disk.contains("sk-tap-secret"), "{on_disk}");
    let loaded = store.load();
    assert_eq!(loaded.settings.connections.len(), 1, "the connections stay");
    let back = &loaded.settings.taps[0];
    assert_eq!(
        (back.key.as_str(), back.spec.port, back.spec.tls.ca_file.as_str()),
        ("t", Some(43123), "/etc/ca.pem")
    );
    assert_eq!(back.spec.headers[1], HeaderField::new("X-Team", "a"));
    if keyring_available() {
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(back.spec, tap, "the secret header is back from the keyring");
        store.save_taps(&[]).unwrap();
        use sse_connections::SecretStore;
        assert_eq!(OsKeyring.get("t").unwrap(), None, "a removed tap takes its secrets along");
    } else {
        assert!(notes[0].contains("`LLM`") && notes[0].contains("not saved"), "{notes:?}");
        assert_eq!(back.secrets, SecretState::NotSaved);
        assert_eq!(back.spec.headers[0].value, "");
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// A settings file written before taps existed loads, with no taps.
#[test]
fn a_file_from_before_taps_loads_without_them() {
    let dir = temp_dir("before-taps");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(SETTINGS_FILE), r#"{"version":1,"connections":[],"selected":null}"#).unwrap();
    let loaded = SettingsStore::new(&dir, Box::new(OsKeyring)).load();
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    assert!(loaded.settings.taps.is_empty());
    let _ = std::fs::remove_dir_all(dir);
}

/// The OpenTelemetry export is saved beside the rest, its header's value in the keyring (never
/// in the file), and comes back; turned off, it is gone and so is its secret.
#[test]
fn the_otlp_export_is_saved_with_its_header_in_the_keyring() {
    use sse_connections::OtlpSettings;
    let dir = temp_dir("otlp");
    let store = SettingsStore::new(&dir, Box::new(OsKeyring));
    let otlp = OtlpSettings {
        url: "http://127.0.0.1:4318".into(),
        protocol: "http/json".into(),
        content: true,
        header_name: "authorization".into(),
        header_value: "Bearer otlp-secret-token".into(),
    };
    let notes = store.save_otlp(Some(&otlp)).unwrap();
    let on_disk = std::fs::read_to_string(dir.join(SETTINGS_FILE)).unwrap();
    assert!(!on_disk.contains("otlp-secret-token") && on_disk.contains("http://127.0.0.1:4318"), "{on_disk}");
    let loaded = store.load();
    let saved = loaded.settings.otlp.expect("the export comes back");
    if std::env::var_os("SSE_MONITOR_EXPECT_KEYRING").is_some() || keyring_available() {
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!((saved.secrets, saved.settings), (SecretState::InKeyring, otlp));
    } else {
        assert_eq!(saved.secrets, SecretState::NotSaved, "{notes:?}");
        assert_eq!(saved.settings.header_value, "");
    }
    store.save_otlp(None).unwrap();
    assert!(store.load().settings.otlp.is_none());
    use sse_connections::SecretStore;
    assert_eq!(OsKeyring.get("otlp-export").unwrap(), None, "the secret left the keyring");
    let _ = std::fs::remove_dir_all(dir);
}
