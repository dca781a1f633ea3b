//! `--idle`: what the window costs while little happens. The app opens on the embedded counter
//! (10 events/s); after it settles, the CPU time of the app and its WebKit processes is taken
//! over a span in each state a user leaves it in: following the counter, Follow off, paused,
//! disconnected. The states are set as a user would (the Follow box, the Pause and Disconnect
//! buttons), so any build of the app can be measured, the baseline too.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::bail;
use fantoccini::Locator;
use serde_json::json;

use crate::session::{total_cpu_secs, Session};

/// A state, how to get there from the one before, and how to tell it was reached.
struct State {
    name: &'static str,
    /// The button or box to click, if any.
    click: Option<&'static str>,
    /// A script that returns true once the page shows the state.
    reached: &'static str,
}

const STATES: &[State] = &[
    State {
        name: "on the counter, following",
        click: None,
        reached: "return document.getElementById('follow').checked === true",
    },
    State {
        name: "Follow off",
        click: Some("follow"),
        reached: "return document.getElementById('follow').checked === false",
    },
    State {
        name: "paused",
        click: Some("pause-button"),
        reached: "return document.getElementById('pause-button').textContent.trim() === 'Resume'",
    },
    State {
        name: "disconnected",
        click: Some("disconnect-button"),
        reached: "return document.getElementById('ipc-state').textContent.trim() === 'closed'",
    },
];

/// Per state: % of one core used by the app alone, and by the app with its WebKit processes.
pub struct IdleFigures {
    pub states: Vec<(&'static str, f64, f64)>,
}

/// `before`, if given, runs in the page after it settles (for experiments: hide a part, say).
pub async fn measure(
    app: &Path,
    settle: Duration,
    span: Duration,
    before: Option<&str>,
) -> anyhow::Result<IdleFigures> {
    let session = Session::open(app, &[]).await?;
    let counting = "const el = document.getElementById('ipc-count'); \
                    return el !== null && Number(el.textContent) > 0";
    session.wait_for("the counter's first events", counting).await?;
    tokio::time::sleep(settle).await;
    if let Some(script) = before {
        session.client.execute(script, vec![]).await?;
    }
    let pids = session.processes();
    if pids.is_empty() {
        bail!("cannot find the app's process ({})", app.display());
    }
    let mut states = Vec::new();
    for state in STATES {
        if let Some(id) = state.click {
            session.client.find(Locator::Id(id)).await?.click().await?;
        }
        session.wait_for(state.name, state.reached).await?;
        // Let what the change set off (a last page, a redraw) pass before measuring.
        tokio::time::sleep(Duration::from_secs(1)).await;
        let (app_before, all_before) = (total_cpu_secs(&pids[..1]), total_cpu_secs(&pids));
        let started = Instant::now();
        tokio::time::sleep(span).await;
        let elapsed = started.elapsed().as_secs_f64();
        let app_share = (total_cpu_secs(&pids[..1]) - app_before) / elapsed * 100.0;
        let all_share = (total_cpu_secs(&pids) - all_before) / elapsed * 100.0;
        eprintln!("  {:<28} {app_share:>10.1} {all_share:>16.1}", state.name);
        states.push((state.name, app_share, all_share));
    }
    let still =
        session.client.execute("return document.getElementById('ipc-state').textContent", vec![]).await?;
    if still != json!("closed") {
        bail!("the app did not stay disconnected: {still}");
    }
    session.close().await;
    Ok(IdleFigures { states })
}

pub fn print(label: &str, figures: &IdleFigures) {
    println!("{label}");
    println!("  {:<28} {:>10} {:>16}", "state", "app %CPU", "app+WebKit %CPU");
    for (name, app, all) in &figures.states {
        println!("  {name:<28} {app:>10.1} {all:>16.1}");
    }
}
