fn main() {
    // Declaring the app's commands makes Tauri check them against the capabilities, so the
    // webview can call only the commands a capability grants.
    let manifest = tauri_build::AppManifest::new().commands(&[
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
        "event_position",
        "set_filter",
        "clear_events",
        "raw_tail",
        "export_events",
        "import_capture",
        "open_tap",
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
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("tauri build script failed (is tauri.conf.json valid?)");
}
