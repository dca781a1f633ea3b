fn main() {
    // Declaring the app's commands makes Tauri check them against the capabilities, so the
    // webview can call only the commands a capability grants.
    // The commands are listed once, in src/command_list.rs, as `module::name` lines.
    println!("cargo::rerun-if-changed=src/command_list.rs");
    let list = std::fs::read_to_string("src/command_list.rs").expect("src/command_list.rs is readable");
    let mut commands: Vec<&'static str> = list
        .lines()
        .filter_map(|line| line.trim().strip_suffix(','))
        .filter_map(|path| path.split_once("::").map(|(_, name)| name))
        .filter(|name| !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .map(|name| &*name.to_owned().leak())
        .collect();
    assert!(!commands.is_empty(), "no commands found in src/command_list.rs");
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
