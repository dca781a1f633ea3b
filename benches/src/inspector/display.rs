//! A display of its own for each window measured, so that two windows never share an X
//! server's time: Xvfb at 1280x800 with Debian's `openbox` on it (without a window manager a
//! window cannot be minimised). Both are killed when the display is dropped.

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use sse_bench::kill_group;

/// How long Xvfb and openbox may take to start.
const START_WITHIN: Duration = Duration::from_secs(20);

pub const WIDTH: u32 = 1280;
pub const HEIGHT: u32 = 800;

/// A child leading its own process group, killed with everything it started when dropped:
/// Xvfb, openbox, tauri-driver (with its WebKitWebDriver, the app and WebKit's processes).
pub struct GroupChild(Child);

impl GroupChild {
    /// Starts `command` (`what` names it, and how to install it, in the error) in a new
    /// process group, its output discarded.
    pub fn spawn(command: &mut Command, what: &str) -> anyhow::Result<GroupChild> {
        let child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .with_context(|| format!("start {what}"))?;
        Ok(GroupChild(child))
    }

    /// Whether it has exited.
    pub fn exited(&mut self) -> bool {
        matches!(self.0.try_wait(), Ok(Some(_)))
    }

    /// Asks the leader to end (SIGTERM), so that it cleans up after itself, and waits up to
    /// `within` for it to exit; the group is killed when dropped whatever happened.
    fn terminate(&mut self, within: Duration) {
        let Ok(pid) = i32::try_from(self.0.id()) else { return };
        // SAFETY: kill(2) signals one process; it touches no memory.
        unsafe {
            libc::kill(pid, libc::SIGTERM);
        }
        let _ = wait_until("the process to exit", within, || self.exited());
    }
}

impl Drop for GroupChild {
    fn drop(&mut self) {
        kill_group(self.0.id());
        let _ = self.0.wait();
    }
}

/// Xvfb and openbox on display `name` (`:N`). Dropped, Xvfb is asked to end first: killed, it
/// would leave its socket and lock behind (`/tmp/.X11-unix/XN`, `/tmp/.XN-lock`), and each
/// run after would take a higher display number until none from :90 to :199 is free.
pub struct Display {
    pub name: String,
    _wm: GroupChild,
    xvfb: GroupChild,
}

impl Drop for Display {
    fn drop(&mut self) {
        self.xvfb.terminate(Duration::from_secs(5));
    }
}

impl Display {
    /// Starts Xvfb on the first free display from :90 and openbox on it; returns once openbox
    /// manages the screen (it has set `_NET_SUPPORTING_WM_CHECK` on the root window).
    pub fn start() -> anyhow::Result<Display> {
        let number = (90..200)
            .find(|n| {
                !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
                    && !Path::new(&format!("/tmp/.X{n}-lock")).exists()
            })
            .context("no free X display number from :90 to :199")?;
        let name = format!(":{number}");
        let screen = format!("{WIDTH}x{HEIGHT}x24");
        let xvfb = GroupChild::spawn(
            Command::new("Xvfb").args([name.as_str(), "-screen", "0", &screen, "-nolisten", "tcp"]),
            "Xvfb (apt install xvfb)",
        )?;
        wait_until(&format!("Xvfb to listen on {name}"), START_WITHIN, || {
            Path::new(&format!("/tmp/.X11-unix/X{number}")).exists()
        })?;
        let start_wm = || {
            GroupChild::spawn(Command::new("openbox").env("DISPLAY", &name), "openbox (apt install openbox)")
        };
        let mut wm = start_wm()?;
        let mut wm_error = None;
        wait_until(&format!("openbox to manage {name}"), START_WITHIN, || {
            // Xvfb's socket can exist before it takes clients: an openbox that could not open
            // the display has exited, and goes again.
            if wm.exited() {
                match start_wm() {
                    Ok(again) => wm = again,
                    Err(error) => wm_error = Some(error),
                }
            }
            wm_error.is_some()
                || Command::new("xprop")
                    .args(["-display", &name, "-root", "_NET_SUPPORTING_WM_CHECK"])
                    .output()
                    .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).contains("window id"))
        })?;
        if let Some(error) = wm_error {
            return Err(error);
        }
        Ok(Display { name, _wm: wm, xvfb })
    }
}

/// Polls `ready` every 50 ms for at most `within`.
pub fn wait_until(what: &str, within: Duration, mut ready: impl FnMut() -> bool) -> anyhow::Result<()> {
    let deadline = Instant::now() + within;
    while !ready() {
        if Instant::now() > deadline {
            bail!("gave up after {} s waiting for {what}", within.as_secs());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}
