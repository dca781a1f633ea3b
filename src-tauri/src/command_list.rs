//! Every IPC command the window may call, listed once. The handler list (`lib.rs`) and the
//! manifest `build.rs` gives Tauri (which checks each command against the capabilities) are
//! made from this list; tests fail when the capability file, the IPC types table
//! (`ipc_types.rs`) or `ui/ipc.js` disagrees with it. A new command is its function, a line here, its permission
//! in `capabilities/default.json` and a line in `ui/ipc.js`.
//!
//! Kept as plain `module::name` lines: `build.rs` reads this file as text.

/// Calls `$then!` with every command's path, `module::name`, in the list's order.
macro_rules! with_commands {
    ($then:ident) => {
        $then![
            commands::server_info,
            commands::initial_connection,
            commands::connection_presets,
            commands::connect,
            commands::disconnect,
            commands::reconnect,
            commands::inspect_connection,
            commands::watch_server,
            commands::load_settings,
            commands::save_connections,
            commands::save_panes,
            commands::window_ready,
            commands::events_page,
            commands::event_detail,
            commands::event_data,
            commands::save_event_data,
            commands::event_position,
            commands::set_filter,
            commands::clear_events,
            commands::raw_tail,
            commands::export_events,
            commands::import_capture,
            taps::open_tap,
            taps::restart_tap,
            taps::stop_tap,
            taps::clear_tap,
            taps::close_tap,
            taps::save_taps,
            taps::tap_exchange,
            taps::tap_timeline,
            taps::tap_mcp,
            taps::inspect_exchange,
            taps::replay_exchange,
            taps::export_har,
            tap_faults::tap_faults,
            tap_faults::set_tap_faults,
            tap_faults::load_fault_rules,
            tap_faults::save_fault_rules,
            tap_breakpoints::tap_breakpoints,
            tap_breakpoints::set_tap_breakpoints,
            tap_breakpoints::act_on_held,
            expectations::load_expectations,
            expectations::generate_expectations,
            expectations::save_expectations,
            expectations::clear_expectations,
            commands::choose_llm,
            otlp::set_otlp_export,
            otlp::otlp_export_status,
            commands::mcp_conversation,
            streams::server_streams,
            streams::create_stream,
            streams::publish_event,
            streams::stream_faults,
            streams::set_stream_faults,
            streams::clear_stream_faults,
            clients::client_report,
            clients::tap_client_report,
            server_check::check_server,
            server_check::check_command,
            commands::watch_problems,
            docs::read_doc,
        ]
    };
}

pub(crate) use with_commands;

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    /// The listed commands' names.
    macro_rules! names {
        ($($module:ident :: $name:ident),* $(,)?) => {
            [$(stringify!($name)),*].into_iter().collect::<BTreeSet<&'static str>>()
        };
    }

    /// Registered in test-hooks builds only, with a capability of its own.
    const TEST_HOOK_COMMANDS: [&str; 1] = ["panic_for_test"];

    fn listed() -> BTreeSet<&'static str> {
        with_commands!(names)
    }

    fn read(path: &str) -> String {
        let path = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
    }

    /// The main window's capability grants exactly the listed commands, each by its own
    /// permission.
    #[test]
    fn the_capability_grants_exactly_the_listed_commands() {
        let capability: serde_json::Value =
            serde_json::from_str(&read("capabilities/default.json")).expect("default.json is JSON");
        let granted: BTreeSet<String> = capability["permissions"]
            .as_array()
            .expect("a permissions list")
            .iter()
            .filter_map(|permission| permission.as_str())
            .filter_map(|permission| permission.strip_prefix("allow-"))
            .map(|name| name.replace('-', "_"))
            .collect();
        let listed: BTreeSet<String> = listed().into_iter().map(str::to_owned).collect();
        assert_eq!(granted, listed, "capabilities/default.json against command_list.rs");
    }

    /// The types table declares exactly the listed commands (and the test hook's).
    #[test]
    fn the_types_table_declares_exactly_the_listed_commands() {
        let declared: BTreeSet<&str> = crate::ipc_types::command_names().into_iter().collect();
        let mut expected = listed();
        expected.extend(TEST_HOOK_COMMANDS);
        assert_eq!(declared, expected, "ipc_types.rs against command_list.rs");
    }

    /// `ui/ipc.js`, the only file that calls commands, calls exactly the listed ones (and the
    /// test hook's, which a release build refuses).
    #[test]
    fn ipc_js_calls_exactly_the_listed_commands() {
        let ipc = read("../ui/ipc.js");
        let called: BTreeSet<&str> =
            ipc.split("call(\"").skip(1).filter_map(|rest| rest.split('"').next()).collect();
        let mut expected = listed();
        expected.extend(TEST_HOOK_COMMANDS);
        assert_eq!(called, expected, "ui/ipc.js against command_list.rs");
    }
}
