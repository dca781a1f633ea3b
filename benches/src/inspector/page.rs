//! What the 10,000 events/s mode reads of the page, and how, for the two kinds of page a build
//! may have: one with the test hook (`window.__sseMonitorTest`, builds with `test-hooks`), and
//! the page from before the hook existed (classic scripts sharing globals), so an older build
//! can be the baseline.

use std::time::{Duration, Instant};

use anyhow::bail;
use serde_json::{json, Value};

use crate::session::Session;

/// A `requestAnimationFrame` loop timing every frame; a gap over 50 ms is kept with how long
/// the page's own handlers ran in it (added to `probe.js` by the page probe below), so a long
/// frame can be told apart: the page's own code, or the engine's.
const FRAME_LOOP: &str = r#"
const probe = window.__frameProbe = { running: true, frames: 0, maxGapMs: 0, long: [], last: null,
  js: 0, handlers: 0, jsAtFrame: 0, handlersAtFrame: 0, by: {} };
const tick = (now) => {
  if (!probe.running) return;
  if (probe.last !== null) {
    const gap = now - probe.last;
    probe.maxGapMs = Math.max(probe.maxGapMs, gap);
    if (gap > 50) probe.long.push({ at: now, gap, jsMs: probe.js - probe.jsAtFrame,
                                    handlers: probe.handlers - probe.handlersAtFrame });
  }
  probe.last = now;
  probe.jsAtFrame = probe.js;
  probe.handlersAtFrame = probe.handlers;
  probe.frames += 1;
  requestAnimationFrame(tick);
};
requestAnimationFrame(tick);
"#;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// `window.__sseMonitorTest`: its probe is told how long each entry point ran.
    Hooked,
    /// The globals of the page before ES modules: its handlers are wrapped in place.
    Legacy,
}

impl Page {
    /// Which kind the app's page is, once it has one.
    pub async fn of(session: &Session) -> anyhow::Result<Page> {
        let kind = "return typeof window.__sseMonitorTest === 'object' ? 'hooked' \
                    : (typeof renderSelected === 'function' ? 'legacy' : 'none')";
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            match session.client.execute(kind, vec![]).await?.as_str() {
                Some("hooked") => return Ok(Page::Hooked),
                Some("legacy") => return Ok(Page::Legacy),
                _ if Instant::now() < deadline => tokio::time::sleep(Duration::from_millis(200)).await,
                _ => bail!(
                    "the app has no test hook: build it with \
                     `cargo build --release -p sse-monitor --features test-hooks`"
                ),
            }
        }
    }

    /// Events the Rust subscriber delivered to the selected connection.
    pub async fn ipc_count(self, session: &Session) -> anyhow::Result<u64> {
        let script = match self {
            Page::Hooked => "const s = window.__sseMonitorTest.selected(); return s ? s.ipcCount : 0",
            Page::Legacy => "return selected ? selected.ipcFeed.count : 0",
        };
        Ok(session.client.execute(script, vec![]).await?.as_u64().unwrap_or(0))
    }

    pub async fn close_browser_feed(self, session: &Session) -> anyhow::Result<()> {
        let script = match self {
            Page::Hooked => "window.__sseMonitorTest.closeBrowserFeed()",
            Page::Legacy => "closeBrowserFeed(selected)",
        };
        session.client.execute(script, vec![]).await?;
        Ok(())
    }

    /// Starts the frame loop and the probe, and the comparison afresh; both feeds' counts and
    /// last ids, and the connection's URL.
    pub async fn start_probe(self, session: &Session) -> anyhow::Result<Value> {
        let probe = match self {
            Page::Hooked => {
                "window.__sseMonitorTest.setProbe((name, ms, outermost) => { \
                   if (outermost) { probe.js += ms; probe.handlers += 1; } \
                   const spent = probe.by[name] || (probe.by[name] = [0, 0]); spent[0] += ms; spent[1] += 1; }); \
                 const hook = window.__sseMonitorTest; hook.resetComparison(); \
                 const s = hook.selected(); \
                 return [s.ipcCount, s.browserCount, s.ipcLastId ?? null, s.browserLastId ?? null, s.url ?? null];"
            }
            Page::Legacy => {
                "const timed = (handler) => function (...args) { const t0 = performance.now(); \
                   try { return handler.apply(this, args); } \
                   finally { probe.js += performance.now() - t0; probe.handlers += 1; } }; \
                 onUpdate = timed(onUpdate); onBrowserEvent = timed(onBrowserEvent); \
                 renderSelected = timed(renderSelected); renderList = timed(renderList); \
                 showRows = timed(showRows); selected.comparison = new PathComparison(); \
                 return [selected.ipcFeed.count, selected.browserFeed.count, selected.ipcFeed.lastId, \
                         selected.browserFeed.lastId, selected.spec.url];"
            }
        };
        Ok(session.client.execute(&format!("{FRAME_LOOP} {probe}"), vec![]).await?)
    }

    /// Stops the probe; frames, long frames, both feeds' counts and last ids, lag and dropped
    /// events.
    pub async fn finish_probe(self, session: &Session) -> anyhow::Result<Value> {
        let read = match self {
            Page::Hooked => {
                "const hook = window.__sseMonitorTest; hook.setProbe(null); \
                 const r = hook.comparison(); const s = hook.selected(); \
                 return { frames: b.frames, maxGapMs: b.maxGapMs, long: b.long, jsMs: b.js, handlers: b.handlers, by: b.by, \
                          ipc: s.ipcCount, browser: s.browserCount, \
                          ipcLastId: s.ipcLastId ?? null, browserLastId: s.browserLastId ?? null, \
                          browserShare: s.browserShare ?? null, \
                          p50: r.p50, p99: r.p99, matched: r.matched, dropped: s.dropped };"
            }
            Page::Legacy => {
                "const r = selected.comparison.report(performance.now(), { ipc: true, browser: true }); \
                 return { frames: b.frames, maxGapMs: b.maxGapMs, long: b.long, jsMs: b.js, handlers: b.handlers, by: b.by, \
                          ipc: selected.ipcFeed.count, browser: selected.browserFeed.count, \
                          ipcLastId: selected.ipcFeed.lastId, browserLastId: selected.browserFeed.lastId, \
                          p50: r.lagP50, p99: r.lagP99, matched: r.matched, dropped: selected.counts.dropped };"
            }
        };
        let script = format!("const b = window.__frameProbe; b.running = false; {read}");
        let value = session.client.execute(&script, vec![]).await?;
        if value == json!(null) {
            bail!("the page returned no figures");
        }
        Ok(value)
    }
}
