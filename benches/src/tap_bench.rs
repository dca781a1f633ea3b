//! `sse-tap-bench`: what a proxy in the middle costs an SSE stream. One upstream per scenario
//! (`sse-server`'s load mode: each event's data its publish time in ns) is read side by side
//! in one run directly, through `sse-tap`, through nginx (`proxy_buffering off`) and through
//! mitmproxy (`mitmdump --mode reverse:URL --set stream_large_bodies=1`). Reported: deliveries/s,
//! latency and the latency each proxy adds over direct (p50/p99/max), the proxy's CPU µs per
//! delivery and RSS per proxied stream, and each path's firehose saturation (the rule of
//! `sse-load`). nginx and mitmproxy come from `scripts/setup.sh bench`; a missing one is skipped.
//!
//! cargo build --profile bench -p embedded-server -p sse-tap -p sse-bench && target/release/sse-tap-bench

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use anyhow::{bail, Context};
use clap::Parser;
use sse_bench::load::{measure, Measured};
use sse_bench::{children, spawn_listening, sse_server_bin, Group};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::process::{Child, Command};

#[derive(Parser, Debug)]
#[command(about = "SSE through a proxy: direct, sse-tap, nginx and mitmproxy side by side")]
struct Args {
    /// Seconds each measurement lasts.
    #[arg(long, default_value_t = 10)]
    secs: u64,
    /// A smoke run (under a minute): fewer streams, lower rates, 2 s windows.
    #[arg(long)]
    quick: bool,
    /// Only the scenarios whose name contains this (`firehose` for the saturation ramp).
    #[arg(long)]
    only: Option<String>,
    /// The `sse-server` binary (default: next to this one).
    #[arg(long)]
    server_bin: Option<PathBuf>,
    /// The `sse-tap` binary (default: next to this one).
    #[arg(long)]
    tap_bin: Option<PathBuf>,
    /// Gives sse-tap these fault rules (`--faults FILE`): with rules that select none of the
    /// bench's exchanges, what a tap with rules costs the exchanges it leaves alone.
    #[arg(long, value_name = "FILE")]
    tap_faults: Option<PathBuf>,
    /// nginx (default: `nginx` on PATH, or /usr/sbin/nginx).
    #[arg(long)]
    nginx: Option<PathBuf>,
    /// mitmdump (default: the venv `scripts/setup.sh bench` makes, target/bench-venv).
    #[arg(long)]
    mitmdump: Option<PathBuf>,
    /// The firehose's first rate, in events/s; each next step is about 1.41x.
    #[arg(long, default_value_t = 5_000)]
    firehose_start: u64,
    /// The firehose's highest rate tried.
    #[arg(long, default_value_t = 2_000_000)]
    firehose_max: u64,
    /// Runs the upstream and the proxies on this CPU only (through `taskset`); run the bench
    /// itself on the others (`taskset -c 1 sse-tap-bench --servers-cpu 0`), so the measuring
    /// client's scheduling stays out of the latency it measures.
    #[arg(long)]
    servers_cpu: Option<usize>,
}

/// As `sse-load`: a firehose step keeps up with this share delivered, p99 under a second, no error.
const KEPT_UP_SHARE: f64 = 0.95;
const KEPT_UP_P99_MS: f64 = 1000.0;
/// The upstream's per-subscriber queue on the firehose (as `sse-load`).
const FIREHOSE_QUEUE: usize = 65_536;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Path {
    Direct,
    Tap,
    Nginx,
    Mitmproxy,
}

const PATHS: [Path; 4] = [Path::Direct, Path::Tap, Path::Nginx, Path::Mitmproxy];

impl Path {
    fn label(self) -> &'static str {
        match self {
            Self::Direct => "direct",
            Self::Tap => "sse-tap",
            Self::Nginx => "nginx",
            Self::Mitmproxy => "mitmproxy",
        }
    }
}

/// A proxy running in front of the upstream: where to connect, and its processes.
struct Middle {
    addr: String,
    pids: Vec<u32>,
    /// Killed with its whole process group when the measurement is done.
    _process: Option<Group>,
    _dir: Option<TempDir>,
}

/// A directory removed when dropped.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The tools found on this machine, or why not.
struct Tools {
    tap: PathBuf,
    tap_faults: Option<PathBuf>,
    nginx: Result<PathBuf, String>,
    mitmdump: Result<PathBuf, String>,
    servers_cpu: Option<usize>,
}

impl Tools {
    /// `program`, on `--servers-cpu` when it is set.
    fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        on_cpu(program, self.servers_cpu)
    }
}

/// `program`, pinned to `cpu` through `taskset` (which execs it: the pid is the program's).
fn on_cpu(program: impl AsRef<std::ffi::OsStr>, cpu: Option<usize>) -> Command {
    match cpu {
        None => Command::new(program),
        Some(cpu) => {
            let mut command = Command::new("taskset");
            command.arg("-c").arg(cpu.to_string()).arg(program);
            command
        }
    }
}

fn find_tools(args: &Args) -> anyhow::Result<Tools> {
    let beside =
        |name: &str| -> anyhow::Result<PathBuf> { Ok(std::env::current_exe()?.with_file_name(name)) };
    let tap = match &args.tap_bin {
        Some(bin) => bin.clone(),
        None => beside("sse-tap")?,
    };
    let installed = |given: &Option<PathBuf>, candidates: &[&str], name: &str| -> Result<PathBuf, String> {
        let found = match given {
            Some(path) => Some(path.clone()),
            None => candidates.iter().map(PathBuf::from).find(|p| p.is_file()),
        };
        found.filter(|p| p.is_file()).ok_or_else(|| format!("{name} not installed (scripts/setup.sh bench)"))
    };
    let venv = concat!(env!("CARGO_MANIFEST_DIR"), "/../target/bench-venv/bin/mitmdump");
    Ok(Tools {
        tap,
        tap_faults: args.tap_faults.clone(),
        nginx: installed(&args.nginx, &["/usr/sbin/nginx", "/usr/bin/nginx"], "nginx"),
        mitmdump: installed(&args.mitmdump, &[venv], "mitmproxy"),
        servers_cpu: args.servers_cpu,
    })
}

async fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0").await?.local_addr()?.port())
}

/// Waits until something accepts connections on `addr` (10 s at most).
async fn wait_listening(addr: &str, child: &mut Child) -> anyhow::Result<()> {
    for _ in 0..200 {
        if TcpStream::connect(addr).await.is_ok() {
            return Ok(());
        }
        if let Some(status) = child.try_wait()? {
            bail!("exited before listening: {status}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bail!("not listening on {addr} after 10 s")
}

async fn start_middle(path: Path, upstream: &str, tools: &Tools) -> anyhow::Result<Middle> {
    match path {
        Path::Direct => {
            Ok(Middle { addr: upstream.to_owned(), pids: Vec::new(), _process: None, _dir: None })
        }
        Path::Tap => {
            let mut command = tools.command(&tools.tap);
            command.args(["--listen", "127.0.0.1:0", "--upstream", &format!("http://{upstream}")]);
            if let Some(rules) = &tools.tap_faults {
                command.arg("--faults").arg(rules);
            }
            let mut process = Group::spawn(command.stdout(Stdio::null()).stderr(Stdio::piped()))
                .with_context(|| format!("start {}", tools.tap.display()))?;
            let stderr = process.child().stderr.take().context("sse-tap stderr")?;
            let mut lines = BufReader::new(stderr).lines();
            let line = tokio::time::timeout(Duration::from_secs(10), lines.next_line())
                .await??
                .context("sse-tap exited")?;
            let addr = line
                .split_whitespace()
                .find_map(|word| word.strip_prefix("http://"))
                .map(|a| a.trim_end_matches(',').to_owned())
                .with_context(|| format!("unexpected first line: {line}"))?;
            // Keep reading its warnings so it never blocks on a full pipe.
            tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
            let pids = process.id().into_iter().collect();
            Ok(Middle { addr, pids, _process: Some(process), _dir: None })
        }
        Path::Nginx => {
            let nginx = tools.nginx.as_ref().map_err(|e| anyhow::anyhow!("{e}"))?;
            let port = free_port().await?;
            let dir = TempDir(
                std::env::temp_dir().join(format!("sse-tap-bench-nginx-{}-{port}", std::process::id())),
            );
            std::fs::create_dir_all(&dir.0)?;
            let config = format!(
                "worker_processes auto;\ndaemon off;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\n\
                 events {{ worker_connections 4096; }}\n\
                 http {{\n  access_log off;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n\
                   fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n\
                   server {{\n    listen 127.0.0.1:{port};\n    location / {{\n      proxy_pass http://{upstream};\n\
                       proxy_buffering off;\n      proxy_http_version 1.1;\n      proxy_set_header Connection \"\";\n\
                       proxy_read_timeout 1h;\n    }}\n  }}\n}}\n",
                d = dir.0.display()
            );
            std::fs::write(dir.0.join("nginx.conf"), config)?;
            let mut process = Group::spawn(
                tools
                    .command(nginx)
                    .arg("-p")
                    .arg(&dir.0)
                    .arg("-e")
                    .arg(dir.0.join("error.log"))
                    .arg("-c")
                    .arg(dir.0.join("nginx.conf"))
                    .stdout(Stdio::null())
                    .stderr(Stdio::inherit()),
            )
            .context("start nginx")?;
            let addr = format!("127.0.0.1:{port}");
            wait_listening(&addr, process.child()).await.context("nginx")?;
            let master = process.id().context("nginx pid")?;
            let mut pids = vec![master];
            pids.extend(children(master));
            Ok(Middle { addr, pids, _process: Some(process), _dir: Some(dir) })
        }
        Path::Mitmproxy => {
            let mitmdump = tools.mitmdump.as_ref().map_err(|e| anyhow::anyhow!("{e}"))?;
            let port = free_port().await?;
            let mut process = Group::spawn(
                tools
                    .command(mitmdump)
                    .args(["--mode", &format!("reverse:http://{upstream}"), "--listen-host", "127.0.0.1"])
                    .args(["--listen-port", &port.to_string(), "--set", "stream_large_bodies=1", "-q"])
                    .stdout(Stdio::null())
                    .stderr(Stdio::inherit()),
            )
            .context("start mitmdump")?;
            let addr = format!("127.0.0.1:{port}");
            wait_listening(&addr, process.child()).await.context("mitmdump")?;
            let pids = process.id().into_iter().collect();
            Ok(Middle { addr, pids, _process: Some(process), _dir: None })
        }
    }
}

/// The upstream: `sse-server` publishing `rate` events/s on `bench`.
async fn start_upstream(args: &Args, rate: u64, queue: Option<usize>) -> anyhow::Result<(Child, String)> {
    let mut command = on_cpu(sse_server_bin(args.server_bin.as_ref())?, args.servers_cpu);
    command.args(["--addr", "127.0.0.1:0", "--interval-ms", "0", "--max-subscribers", "100000"]);
    command.args(["--load-stream", "bench", "--load-rate", &rate.to_string()]);
    if let Some(queue) = queue {
        command.args(["--subscriber-queue", &queue.to_string()]);
    }
    command.env("RUST_LOG", "warn");
    spawn_listening(command.stderr(Stdio::inherit())).await
}

/// One path's measurement: the upstream's pid is watched for `direct`, the proxy's otherwise.
async fn measure_path(
    path: Path,
    upstream: &str,
    upstream_pid: u32,
    streams: usize,
    secs: u64,
    tools: &Tools,
) -> anyhow::Result<Measured> {
    let middle = start_middle(path, upstream, tools).await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let watched = if path == Path::Direct { vec![upstream_pid] } else { middle.pids.clone() };
    measure(&middle.addr, streams, secs, &watched).await
}

fn available(path: Path, tools: &Tools) -> Result<(), String> {
    match path {
        Path::Nginx => tools.nginx.as_ref().map(|_| ()).map_err(Clone::clone),
        Path::Mitmproxy => tools.mitmdump.as_ref().map(|_| ()).map_err(Clone::clone),
        Path::Direct | Path::Tap => Ok(()),
    }
}

fn row(scenario: &str, path: Path, m: &Measured, direct: Option<&Measured>, streams: usize) {
    let added = |p: f64| direct.map_or(f64::NAN, |d| m.latency_ms(p) - d.latency_ms(p));
    let added_max = direct.map_or(f64::NAN, |d| m.max_ms() - d.max_ms());
    println!(
        "| {scenario:<26} | {:<9} | {:>11.0} | {:>6.2} | {:>6.2} | {:>7.2} | {:>+8.2} | {:>+8.2} | {:>+8.2} | {:>6} | {:>7.2} | {:>8.1} |",
        path.label(),
        m.per_sec(),
        m.latency_ms(0.5),
        m.latency_ms(0.99),
        m.max_ms(),
        added(0.5),
        added(0.99),
        added_max,
        m.errors,
        m.cpu_us_per_delivery(),
        m.rss_growth_kib as f64 / streams.max(1) as f64,
    );
}

/// p99 added over direct, per path, for one scenario.
type Added = Vec<(Path, f64)>;

async fn fixed_rate(
    name: &str,
    streams: usize,
    rate: u64,
    secs: u64,
    args: &Args,
    tools: &Tools,
) -> anyhow::Result<Added> {
    let (mut upstream, addr) = start_upstream(args, rate, None).await?;
    let pid = upstream.id().context("upstream pid")?;
    let mut direct = None;
    let mut added = Vec::new();
    for path in PATHS {
        if let Err(reason) = available(path, tools) {
            println!("| {name:<26} | {:<9} | skipped: {reason} |", path.label());
            continue;
        }
        let measured = measure_path(path, &addr, pid, streams, secs, tools)
            .await
            .with_context(|| format!("{name} via {}", path.label()))?;
        row(name, path, &measured, direct.as_ref(), streams);
        if path == Path::Direct {
            direct = Some(measured);
        } else if let Some(d) = &direct {
            added.push((path, measured.latency_ms(0.99) - d.latency_ms(0.99)));
        }
    }
    let _ = upstream.kill().await;
    Ok(added)
}

/// The highest rate `path` kept up with on one stream, the rate growing about 1.41x a step.
async fn saturate(path: Path, args: &Args, tools: &Tools, step_secs: u64) -> anyhow::Result<f64> {
    let mut best = 0.0;
    let mut rate = args.firehose_start as f64;
    while rate <= args.firehose_max as f64 {
        let (mut upstream, addr) = start_upstream(args, rate as u64, Some(FIREHOSE_QUEUE)).await?;
        let pid = upstream.id().context("upstream pid")?;
        let measured = measure_path(path, &addr, pid, 1, step_secs, tools).await;
        let _ = upstream.kill().await;
        let measured = measured?;
        let name = format!("firehose {:.0}k ev/s", rate / 1000.0);
        row(&name, path, &measured, None, 1);
        let kept_up = measured.errors == 0
            && measured.per_sec() >= KEPT_UP_SHARE * rate
            && measured.latency_ms(0.99) < KEPT_UP_P99_MS;
        if !kept_up {
            break;
        }
        best = measured.per_sec();
        rate *= std::f64::consts::SQRT_2;
    }
    Ok(best)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    let tools = find_tools(&args)?;
    let secs = if args.quick { 2 } else { args.secs };
    let scenarios: Vec<(String, usize, u64)> = if args.quick {
        vec![("10 streams x 100 ev/s".into(), 10, 100), ("1 stream x 2,000 ev/s".into(), 1, 2_000)]
    } else {
        vec![("100 streams x 100 ev/s".into(), 100, 100), ("1 stream x 10,000 ev/s".into(), 1, 10_000)]
    };
    let wanted = |name: &str| args.only.as_ref().is_none_or(|only| name.contains(only.as_str()));
    println!("| scenario | path | delivered ev/s | p50 ms | p99 ms | max ms | added p50 | added p99 | added max | errors | CPU µs/delivery | RSS KiB/stream |");
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut verdicts = Vec::new();
    for (name, streams, rate) in scenarios.iter().filter(|(name, ..)| wanted(name)) {
        let added = fixed_rate(name, *streams, *rate, secs, &args, &tools).await?;
        let of = |path: Path| added.iter().find(|(p, _)| *p == path).map(|(_, a)| *a);
        if let (Some(tap), Some(nginx)) = (of(Path::Tap), of(Path::Nginx)) {
            verdicts.push(format!(
                "{name}: sse-tap adds {tap:+.2} ms at p99, nginx {nginx:+.2} ms: within 1 ms of nginx: {}",
                tap - nginx <= 1.0
            ));
        }
        if let (Some(tap), Some(mitm)) = (of(Path::Tap), of(Path::Mitmproxy)) {
            verdicts.push(format!("{name}: below mitmproxy's {mitm:+.2} ms: {}", tap < mitm));
        }
    }
    if wanted("firehose") {
        let (step_secs, max) = if args.quick { (1, args.firehose_start * 2) } else { (5, args.firehose_max) };
        let args = Args { firehose_max: max, ..args };
        let mut best = Vec::new();
        for path in PATHS {
            match available(path, &tools) {
                Ok(()) => best.push((path, saturate(path, &args, &tools, step_secs).await?)),
                Err(reason) => println!("| firehose | {:<9} | skipped: {reason} |", path.label()),
            }
        }
        println!();
        println!(
            "Firehose saturation, one stream: the highest rate each path kept up with (>= {:.0}% delivered, p99 < {KEPT_UP_P99_MS:.0} ms, no error); the tap parses and records every event.",
            KEPT_UP_SHARE * 100.0
        );
        println!();
        println!("| path | sustained ev/s |");
        println!("|---|---:|");
        for (path, rate) in &best {
            println!("| {:<9} | {rate:>12.0} |", path.label());
        }
        let of = |path: Path| best.iter().find(|(p, _)| *p == path).map(|(_, r)| *r);
        if let (Some(tap), Some(nginx)) = (of(Path::Tap), of(Path::Nginx)) {
            verdicts.push(format!(
                "saturation: sse-tap {:.2}x nginx's rate: at least half: {}",
                tap / nginx,
                tap >= nginx / 2.0
            ));
        }
    }
    if !verdicts.is_empty() {
        println!();
        for verdict in verdicts {
            println!("- {verdict}");
        }
    }
    Ok(())
}
