fn main() {
    // Declaring the app's commands makes Tauri check them against the capabilities, so the
    // webview can call only the commands a capability grants.
    let mut commands = vec![
        "server_info",
        "initial_connection",
        "connection_presets",
        "connect",
        "disconnect",
        "reconnect",
        "inspect_connection",
        "watch_server",
        "load_settings",
        "save_connections",
        "save_panes",
        "window_ready",
        "events_page",
        "event_detail",
        "event_data",
        "save_event_data",
        "event_position",
        "set_filter",
        "clear_events",
        "raw_tail",
        "export_events",
        "import_capture",
        "open_tap",
        "restart_tap",
        "stop_tap",
        "clear_tap",
        "close_tap",
        "save_taps",
        "tap_exchange",
        "tap_timeline",
        "tap_mcp",
        "inspect_exchange",
        "replay_exchange",
        "export_har",
        "load_expectations",
        "generate_expectations",
        "save_expectations",
        "clear_expectations",
        "choose_llm",
        "mcp_conversation",
        "server_streams",
        "create_stream",
        "publish_event",
        "stream_faults",
        "set_stream_faults",
        "clear_stream_faults",
        "client_report",
        "watch_problems",
    ];
    // A command that panics on purpose, and the capability granting it, exist only in builds
    // with the GUI tests' hooks.
    let test_hooks = std::env::var_os("CARGO_FEATURE_TEST_HOOKS").is_some();
    if test_hooks {
        commands.push("panic_for_test");
    }
    let manifest = tauri_build::AppManifest::new().commands(commands.leak());
    let capabilities = if test_hooks { "./capabilities/**/*.json" } else { "./capabilities/*.json" };
    let attributes =
        tauri_build::Attributes::new().app_manifest(manifest).capabilities_path_pattern(capabilities);
    tauri_build::try_build(attributes).expect("tauri build script failed (is tauri.conf.json valid?)");
}
