//! The server under test as a child process, shared by `sse-load` and `sse-abuse`: where its
//! binary is, starting it and reading the address it prints, and its memory and CPU; a child
//! that leads its own process group, killed whole (`Group`).

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use anyhow::Context;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// `given`, or the `sse-server` built beside this binary.
pub fn sse_server_bin(given: Option<&PathBuf>) -> anyhow::Result<PathBuf> {
    match given {
        Some(bin) => Ok(bin.clone()),
        None => Ok(std::env::current_exe()?.with_file_name("sse-server")),
    }
}

/// Starts `command` and waits for its first line, `listening on http://ADDR`; the child and
/// ADDR. The child is killed when dropped.
pub async fn spawn_listening(command: &mut Command) -> anyhow::Result<(Child, String)> {
    let mut child = command.stdout(Stdio::piped()).kill_on_drop(true).spawn()?;
    let stdout = child.stdout.take().context("server stdout")?;
    let line = tokio::time::timeout(Duration::from_secs(10), BufReader::new(stdout).lines().next_line())
        .await??
        .context("server exited")?;
    let addr = line.strip_prefix("listening on http://").context("unexpected first line")?.to_owned();
    Ok((child, addr))
}

/// A child started as the leader of its own process group and killed with the whole group when
/// dropped: a proxy's workers (nginx's) go with their master instead of living on as orphans,
/// which killing the master alone leaves behind.
pub struct Group {
    child: Child,
}

impl Group {
    /// Starts `command` in a new process group.
    pub fn spawn(command: &mut Command) -> std::io::Result<Self> {
        let child = command.process_group(0).kill_on_drop(true).spawn()?;
        Ok(Self { child })
    }

    pub fn child(&mut self) -> &mut Child {
        &mut self.child
    }

    /// The leader's pid (the group's id), while it runs.
    pub fn id(&self) -> Option<u32> {
        self.child.id()
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        if let Some(leader) = self.child.id() {
            kill_group(leader);
        }
    }
}

/// Kills every process of the group `leader` leads (started with `process_group(0)`).
pub fn kill_group(leader: u32) {
    if let Ok(leader) = i32::try_from(leader) {
        // SAFETY: kill(2) with a negative pid signals that process group; it touches no memory.
        unsafe {
            libc::kill(-leader, libc::SIGKILL);
        }
    }
}

/// A process's `/proc/PID/stat`: its command name, and the fields after it (state, parent,
/// group, session, ...; `proc(5)` numbers them from 3).
pub struct Stat {
    pub command: String,
    pub fields: Vec<String>,
}

impl Stat {
    /// The process's stat, if it is still there.
    pub fn of(pid: u32) -> Option<Stat> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // The command name is in parentheses and may contain spaces and parentheses.
        let (head, rest) = stat.rsplit_once(')')?;
        let command = head.split_once('(').map_or("", |(_, name)| name).to_owned();
        Some(Stat { command, fields: rest.split_whitespace().map(str::to_owned).collect() })
    }

    /// The field `at` after the command name, as a number.
    pub fn number(&self, at: usize) -> Option<u64> {
        self.fields.get(at)?.parse().ok()
    }
}

/// User plus system CPU time the process has used, in seconds.
pub fn cpu_secs(pid: u32) -> anyhow::Result<f64> {
    let stat = Stat::of(pid).context("no such process")?;
    let ticks = stat.number(11).context("no utime")? + stat.number(12).context("no stime")?;
    // CLK_TCK is 100 on Linux.
    Ok(ticks as f64 / 100.0)
}

/// The process's resident memory, in KiB.
pub fn rss_kib(pid: u32) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).context("no VmRSS")?;
    Ok(line.split_whitespace().nth(1).context("bad VmRSS")?.parse()?)
}

/// The process's proportional set size (its private memory plus its share of what it shares
/// with others, WebKit's processes' shared memory included), in KiB.
pub fn pss_kib(pid: u32) -> anyhow::Result<u64> {
    let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))?;
    let line = rollup.lines().find(|l| l.starts_with("Pss:")).context("no Pss")?;
    Ok(line.split_whitespace().nth(1).context("bad Pss")?.parse()?)
}

/// The processes whose parent is `pid` (nginx's workers, say).
pub fn children(pid: u32) -> Vec<u32> {
    all_pids()
        .into_iter()
        // The parent is the second field after the command name.
        .filter(|&child| Stat::of(child).and_then(|stat| stat.number(1)) == Some(u64::from(pid)))
        .collect()
}

/// Every process's pid.
pub fn all_pids() -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
    entries.filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok()).collect()
}
