//! `--idle`: what the window costs while little happens, against the anchor (`anchor.rs`).
//! The app opens on the embedded counter (10 events/s) on a display of its own; after it
//! settles, the CPU time of its process tree (the app with its embedded server and subscriber,
//! WebKit's web and network processes) is taken over a span in each state a user leaves it in:
//! following the counter, Follow off, paused, hidden (minimised while following) and
//! disconnected, with the PSS at the end of each. The states are set as a user would (the
//! Follow box, Pause, Disconnect, the window manager's minimise), so any build of the app can
//! be measured, the baseline too.

use std::path::Path;
use std::time::Duration;

use anyhow::bail;
use serde_json::json;

use crate::display::{Display, HEIGHT, WIDTH};
use crate::session::{process_name, total_pss_mib, CpuMark, Session};

/// How a state is reached from the one before.
enum Step {
    Nothing,
    /// Restore the minimised window (the WebDriver spec's Set Window Rect restores it), then
    /// click.
    RestoreAndClick(&'static [&'static str]),
    /// Click the element with this id (by script: a minimised window takes no pointer).
    Click(&'static [&'static str]),
    /// Turn Follow and Pause back as they were on the counter, then minimise the window.
    Minimise,
}

/// A state, how to get there from the one before, and a script that returns true once the
/// page shows it.
struct State {
    name: &'static str,
    step: Step,
    reached: &'static str,
    /// The most the state may cost, as a multiple of the anchor's CPU (the target).
    target: f64,
}

const FOLLOWING: &str = "return document.getElementById('follow').checked === true \
     && document.getElementById('pause-button').textContent.trim() === 'Pause'";

const STATES: &[State] = &[
    State { name: "following", step: Step::Nothing, reached: FOLLOWING, target: 3.0 },
    State {
        name: "Follow off",
        step: Step::Click(&["follow"]),
        reached: "return document.getElementById('follow').checked === false",
        target: 3.0,
    },
    State {
        name: "paused",
        step: Step::Click(&["pause-button"]),
        reached: "return document.getElementById('pause-button').textContent.trim() === 'Resume'",
        target: 1.5,
    },
    State { name: "hidden (minimised)", step: Step::Minimise, reached: FOLLOWING, target: 1.5 },
    State {
        name: "disconnected",
        step: Step::RestoreAndClick(&["disconnect-button"]),
        reached: "return document.getElementById('ipc-state').textContent.trim() === 'closed'",
        target: 1.5,
    },
];

/// One state's figures: % of one core used by the app alone and by its whole tree, PSS of the
/// tree at the state's end.
pub struct StateFigures {
    pub name: &'static str,
    pub app: f64,
    pub all: f64,
    pub pss_mib: f64,
    pub target: f64,
}

/// How long to settle and to measure; `before`, if given, runs in the page after it settles
/// (for experiments: hide a part, say), and `after` at the end of each state, its answer
/// printed; `only`, if not empty, names the states measured (the
/// others are passed through).
pub struct Plan<'a> {
    pub settle: Duration,
    pub span: Duration,
    pub before: Option<&'a str>,
    pub after: Option<&'a str>,
    pub only: &'a [String],
}

pub async fn measure(app: &Path, plan: &Plan<'_>) -> anyhow::Result<Vec<StateFigures>> {
    let Plan { settle, span, before, after, only } = *plan;
    let display = Display::start()?;
    let session = Session::open(app, &[], &display).await?;
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
    let mut figures = Vec::new();
    for state in STATES {
        match state.step {
            Step::Nothing => {}
            Step::Click(ids) => click(&session, ids).await?,
            Step::RestoreAndClick(ids) => {
                session.client.set_window_rect(0, 0, WIDTH, HEIGHT).await?;
                session
                    .wait_for("the window shown again", "return document.visibilityState === 'visible'")
                    .await?;
                click(&session, ids).await?;
            }
            Step::Minimise => {
                click(&session, &["pause-button", "follow"]).await?;
                session.wait_for("following again", FOLLOWING).await?;
                session.client.minimize_window().await?;
                let seen = session.client.execute("return document.visibilityState", vec![]).await?;
                eprintln!("  minimised: the page's visibilityState is {seen}");
            }
        }
        session.wait_for(state.name, state.reached).await?;
        if !only.is_empty() && !only.iter().any(|name| state.name.starts_with(name.as_str())) {
            continue;
        }
        // Let what the change set off (a last page, a redraw) pass before measuring.
        tokio::time::sleep(Duration::from_secs(1)).await;
        // The tree, then each of its processes alone (where a frame's cost lands).
        let mut sets: Vec<&[u32]> = vec![&pids];
        sets.extend(pids.chunks(1));
        let mark = CpuMark::take(&sets);
        tokio::time::sleep(span).await;
        let shares = mark.percent(&sets);
        let (all_share, app_share) = (shares[0], shares[1]);
        let pss_mib = total_pss_mib(&pids);
        if let Some(script) = after {
            eprintln!("  after {}: {}", state.name, session.client.execute(script, vec![]).await?);
        }
        let each: Vec<String> = pids
            .iter()
            .zip(&shares[1..])
            .map(|(pid, share)| format!("{} {share:.1}", process_name(*pid)))
            .collect();
        eprintln!(
            "  {:<20} {app_share:>8.1} {all_share:>8.1} {pss_mib:>8.0}  ({})",
            state.name,
            each.join(", ")
        );
        figures.push(StateFigures {
            name: state.name,
            app: app_share,
            all: all_share,
            pss_mib,
            target: state.target,
        });
    }
    let still =
        session.client.execute("return document.getElementById('ipc-state').textContent", vec![]).await?;
    if only.is_empty() && still != json!("closed") {
        bail!("the app did not stay disconnected: {still}");
    }
    session.close().await;
    Ok(figures)
}

/// Clicks each element by id, in order.
async fn click(session: &Session, ids: &[&str]) -> anyhow::Result<()> {
    for id in ids {
        session.client.execute("document.getElementById(arguments[0]).click()", vec![json!(id)]).await?;
    }
    Ok(())
}

/// The states as a table: absolute figures, and the whole tree as a multiple of the anchor's
/// CPU beside the target.
pub fn print(label: &str, figures: &[StateFigures], anchor_cpu: f64) {
    println!("{label}");
    println!(
        "  {:<20} {:>9} {:>11} {:>9} {:>9} {:>7}",
        "state", "app %CPU", "tree %CPU", "x anchor", "target", "PSS MiB"
    );
    for f in figures {
        let ratio = f.all / anchor_cpu;
        let verdict = if ratio <= f.target { "met" } else { "not met" };
        println!(
            "  {:<20} {:>9.1} {:>11.1} {:>9.1} {:>5.1} {:<3} {:>7.0}",
            f.name, f.app, f.all, ratio, f.target, verdict, f.pss_mib
        );
    }
}
