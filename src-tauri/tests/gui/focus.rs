//! Every stop of the keyboard's Tab order shows a focus ring that stands out from the window's
//! backgrounds, in the light theme and the dark one. Each test has an X display of its own, where
//! its window is the active one (WebKit draws focus only there).

use serde_json::Value;

use crate::harness::*;

/// The focused element, its ring's colour (an outline's or an inset shadow's) and the two
/// backgrounds a ring is seen against; null while nothing has the focus.
const FOCUSED: &str = r#"
const el = document.activeElement;
if (!el || el === document.body || el === document.documentElement) return null;
const style = getComputedStyle(el);
const root = getComputedStyle(document.documentElement);
let ring = null;
if (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2) ring = style.outlineColor;
else if (style.boxShadow !== 'none') ring = (style.boxShadow.match(/rgba?\([^)]*\)/) || [null])[0];
const label = el.id || el.getAttribute('aria-label') || (el.textContent || '').trim().slice(0, 24) || '';
const probe = document.createElement('div');
document.body.append(probe);
const colour = (value) => { probe.style.color = value; return getComputedStyle(probe).color; };
const backgrounds = [colour(root.getPropertyValue('--bg')), colour(root.getPropertyValue('--panel'))];
probe.remove();
const r = el.getBoundingClientRect();
return { name: `${el.tagName.toLowerCase()} ${label}`, ring, backgrounds, shown: r.width > 0 && r.height > 0 };
"#;

/// `rgb(r, g, b)` or `rgba(r, g, b, a)` as its channels (0-255) and alpha.
fn channels(colour: &str) -> Option<([f64; 3], f64)> {
    let inner = colour.split_once('(')?.1.trim_end_matches(')');
    let parts: Vec<f64> = inner.split(',').filter_map(|p| p.trim().parse().ok()).collect();
    Some(([*parts.first()?, *parts.get(1)?, *parts.get(2)?], parts.get(3).copied().unwrap_or(1.0)))
}

/// WCAG's contrast ratio between two opaque colours.
fn contrast(a: [f64; 3], b: [f64; 3]) -> f64 {
    let luminance = |c: [f64; 3]| {
        let linear = |v: f64| {
            let v = v / 255.0;
            if v <= 0.03928 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * linear(c[0]) + 0.7152 * linear(c[1]) + 0.0722 * linear(c[2])
    };
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

/// Tabs through the window as it is from its start until the order comes round again, and
/// checks each stop: shown, with a ring of at least 3:1 against both backgrounds (WCAG's
/// non-text contrast). Returns how many stops there were.
async fn every_stop_shows_a_ring(app: &App, theme: &str) -> usize {
    app.eval("document.activeElement && document.activeElement.blur()").await;
    let mut seen: Vec<String> = Vec::new();
    let mut failures = Vec::new();
    for _ in 0..400 {
        app.press('\u{E004}').await; // Tab
        let stop: Value = app.eval(FOCUSED).await;
        if stop.is_null() {
            continue;
        }
        let name = stop["name"].as_str().unwrap_or_default().to_owned();
        if seen.first() == Some(&name) {
            break;
        }
        let ring = stop["ring"].as_str().and_then(channels);
        let worst = match ring {
            Some((ring, alpha)) if alpha >= 0.99 => stop["backgrounds"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|b| channels(b.as_str()?))
                .map(|(background, _)| contrast(ring, background))
                .fold(f64::INFINITY, f64::min),
            _ => 0.0,
        };
        if worst < 3.0 || stop["shown"] != Value::Bool(true) {
            failures.push(format!(
                "{name}: ring {} (contrast {worst:.1}), shown {}",
                stop["ring"], stop["shown"]
            ));
        }
        seen.push(name);
    }
    assert!(seen.len() >= 15, "{theme}: only {} stops before the order came round: {seen:?}", seen.len());
    assert!(failures.is_empty(), "{theme}: stops without a visible focus ring:\n{}", failures.join("\n"));
    eprintln!("{theme}: {} stops, each with a ring: {seen:?}", seen.len());
    seen.len()
}

/// The window in each of its arrangements, every stop checked in each: at start; with the request
/// options open, an event's detail shown and the Server tab; and a tap's workspace.
async fn every_arrangement_shows_its_rings(app: &App, theme: &str) {
    app.wait_until(30, "the counter opens", || async { app.text("ipc-state").await == "open" }).await;
    every_stop_shows_a_ring(app, &format!("{theme}, at start")).await;

    app.click("options-toggle").await;
    app.eval("document.querySelector('#vlog-rows .vrow').click()").await;
    app.click("tab-server").await;
    app.wait_until(10, "the Server tab lists its streams", || async {
        app.text("server-stream-rows").await.contains("messages")
    })
    .await;
    let more = every_stop_shows_a_ring(app, &format!("{theme}, options, detail and Server tab")).await;
    assert!(more >= 50, "{theme}: the options, the detail and the Server tab add stops ({more})");

    app.click("new-tap").await;
    app.wait_until(10, "the tap's workspace is shown", || async {
        app.eval("return !document.getElementById('tap-workspace').hidden").await == Value::Bool(true)
    })
    .await;
    every_stop_shows_a_ring(app, &format!("{theme}, a tap")).await;
}

/// In the light theme, every Tab stop shows its focus ring.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_tab_stop_shows_a_focus_ring_in_the_light_theme() {
    let display = OwnDisplay::start();
    let env = [("GTK_THEME", "Adwaita"), ("DISPLAY", display.name.as_str())];
    let app = spawn_app_with_env(&fresh_config_dir("focus-light"), &[], &env).await;
    every_arrangement_shows_its_rings(&app, "light").await;
    app.close().await;
}

/// In the dark theme, every Tab stop shows its focus ring.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_tab_stop_shows_a_focus_ring_in_the_dark_theme() {
    let display = OwnDisplay::start();
    let env = [("GTK_THEME", "Adwaita:dark"), ("DISPLAY", display.name.as_str())];
    let app = spawn_app_with_env(&fresh_config_dir("focus-dark"), &[], &env).await;
    let dark = app.eval("return matchMedia('(prefers-color-scheme: dark)').matches").await;
    assert_eq!(dark, Value::Bool(true), "GTK_THEME=Adwaita:dark gives the page the dark theme");
    every_arrangement_shows_its_rings(&app, "dark").await;
    app.close().await;
}
