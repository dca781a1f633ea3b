//! What the platform needs before a window opens: a display, and the WebKitGTK switches that
//! keep a busy page fast on machines without a GPU.

use crate::error::StartupError;

/// GTK panics when it has no display; check first so the user gets one clear line.
#[cfg(target_os = "linux")]
pub fn check_display() -> Result<(), StartupError> {
    let has_display = ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()));
    if !has_display {
        return Err(StartupError::NoDisplay("neither DISPLAY nor WAYLAND_DISPLAY is set".into()));
    }
    gtk::init().map_err(|e| StartupError::NoDisplay(e.to_string()))
}

#[cfg(not(target_os = "linux"))]
pub fn check_display() -> Result<(), StartupError> {
    Ok(())
}

/// Whether `dri` (normally `/dev/dri`) offers no GPU render node, so that GL means Mesa's
/// software rasteriser.
fn lacks_gpu_render_node(dri: &std::path::Path) -> bool {
    let nodes = std::fs::read_dir(dri).into_iter().flatten().flatten();
    !nodes.into_iter().any(|entry| entry.file_name().to_string_lossy().starts_with("renderD"))
}

/// Turns off WebKitGTK's DMA-BUF renderer. It draws the page through GL; without a GPU (a VM,
/// a remote or virtual X display) that GL is software and so slow that a busy page drops to a
/// few frames a second (docs/benchmarks.md), where WebKit's own software path keeps 60.
const NO_DMABUF_RENDERER: &str = "WEBKIT_DISABLE_DMABUF_RENDERER";

/// Turns off WebKit's memory-pressure monitor. Every 30 s it measures the page's process by
/// reading `/proc/self/smaps` on the page's main thread, and on a busy page (thousands of
/// mappings) that stops the window for a 50-70 ms frame (docs/benchmarks.md). It is there to
/// purge caches and stop runaway tabs in a browser; the app shows one page of its own, whose
/// data is bounded on the Rust side.
const NO_MEMORY_MONITOR: &str = "WEBKIT_DISABLE_MEMORY_PRESSURE_MONITOR";

/// The WebKit switches to set: never one the user set (either way), the renderer's only
/// without a GPU.
fn webkit_switches(user_set: impl Fn(&str) -> bool, has_gpu: bool) -> Vec<&'static str> {
    let wanted = [(NO_DMABUF_RENDERER, !has_gpu), (NO_MEMORY_MONITOR, true)];
    wanted.into_iter().filter(|(name, wanted)| *wanted && !user_set(name)).map(|(name, _)| name).collect()
}

#[cfg(target_os = "linux")]
pub fn configure_webkit() {
    let has_gpu = !lacks_gpu_render_node(std::path::Path::new("/dev/dri"));
    for switch in webkit_switches(|name| std::env::var_os(name).is_some(), has_gpu) {
        tracing::info!(gpu = has_gpu, "{switch}=1");
        // Before any other thread starts and before WebKit reads it.
        std::env::set_var(switch, "1");
    }
}

#[cfg(not(target_os = "linux"))]
pub fn configure_webkit() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_render_node_counts_as_a_gpu() {
        let dir = std::env::temp_dir().join(format!("sse-monitor-dri-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        assert!(lacks_gpu_render_node(&dir), "no /dev/dri at all");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("card0"), "").unwrap();
        assert!(lacks_gpu_render_node(&dir), "a card without a render node");
        std::fs::write(dir.join("renderD128"), "").unwrap();
        assert!(!lacks_gpu_render_node(&dir));
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// The renderer goes only without a GPU, the memory monitor always, and a switch the user
    /// set is left as it is.
    #[test]
    fn webkit_switches_respect_the_gpu_and_the_user() {
        let unset = |_: &str| false;
        assert_eq!(webkit_switches(unset, false), [NO_DMABUF_RENDERER, NO_MEMORY_MONITOR]);
        assert_eq!(webkit_switches(unset, true), [NO_MEMORY_MONITOR]);
        let user_chose_monitor = |name: &str| name == NO_MEMORY_MONITOR;
        assert_eq!(webkit_switches(user_chose_monitor, false), [NO_DMABUF_RENDERER]);
        assert!(webkit_switches(|_| true, false).is_empty());
    }
}
