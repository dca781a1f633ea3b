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

/// Sizes the page's JavaScript heap as for a machine of 512 MiB (JavaScriptCore reads `JSC_`
/// options from the environment, and the web process inherits it). JavaScriptCore lets a heap
/// double between collections while it is small beside the machine's memory; on a 24 GiB
/// machine at 10,000 events/s the web process grew 168 -> 443 MiB in a minute, sized for
/// 512 MiB 165 -> 305 with the same CPU and frames (docs/benchmarks.md, issue #46). Only the
/// collector's pacing changes: nothing is capped.
const JS_HEAP_SIZED_FOR: (&str, &str) = ("JSC_forceRAMSize", "536870912");

/// Turns off JavaScriptCore's code cache. Tauri hands each channel message to the page as a
/// script of its own, and the cache kept every one's compiled code though none comes twice: at
/// 10,000 events/s, 6 MiB more live heap and the web process at 175-205 MiB over two minutes
/// against 143-164 without it, for the same CPU and frames (docs/benchmarks.md, issue #46).
/// The page's own modules are compiled once either way.
const NO_CODE_CACHE: (&str, &str) = ("JSC_useCodeCache", "false");

/// The WebKit switches to set, with their values: never one the user set (either way), the
/// renderer's only without a GPU.
fn webkit_switches(user_set: impl Fn(&str) -> bool, has_gpu: bool) -> Vec<(&'static str, &'static str)> {
    let wanted = [
        ((NO_DMABUF_RENDERER, "1"), !has_gpu),
        ((NO_MEMORY_MONITOR, "1"), true),
        (JS_HEAP_SIZED_FOR, true),
        (NO_CODE_CACHE, true),
    ];
    wanted
        .into_iter()
        .filter(|((name, _), wanted)| *wanted && !user_set(name))
        .map(|(switch, _)| switch)
        .collect()
}

#[cfg(target_os = "linux")]
pub fn configure_webkit() {
    let has_gpu = !lacks_gpu_render_node(std::path::Path::new("/dev/dri"));
    for (switch, value) in webkit_switches(|name| std::env::var_os(name).is_some(), has_gpu) {
        tracing::info!(gpu = has_gpu, "{switch}={value}");
        // Before any other thread starts and before WebKit reads it.
        std::env::set_var(switch, value);
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

    /// The renderer goes only without a GPU, the memory monitor, the heap's sizing and the code
    /// cache always, and a switch the user set is left as it is.
    #[test]
    fn webkit_switches_respect_the_gpu_and_the_user() {
        let names = |switches: Vec<(&'static str, &'static str)>| {
            switches.into_iter().map(|(n, _)| n).collect::<Vec<_>>()
        };
        let unset = |_: &str| false;
        let (heap, cache) = (JS_HEAP_SIZED_FOR.0, NO_CODE_CACHE.0);
        assert_eq!(
            names(webkit_switches(unset, false)),
            [NO_DMABUF_RENDERER, NO_MEMORY_MONITOR, heap, cache]
        );
        assert_eq!(names(webkit_switches(unset, true)), [NO_MEMORY_MONITOR, heap, cache]);
        let user_chose_monitor = |name: &str| name == NO_MEMORY_MONITOR;
        assert_eq!(names(webkit_switches(user_chose_monitor, false)), [NO_DMABUF_RENDERER, heap, cache]);
        let user_sized_heap = |name: &str| name == heap;
        assert_eq!(names(webkit_switches(user_sized_heap, true)), [NO_MEMORY_MONITOR, cache]);
        assert!(webkit_switches(|_| true, false).is_empty());
        assert!(webkit_switches(unset, true).contains(&("JSC_forceRAMSize", "536870912")));
    }
}
