//! `sse-llm-ttft-bench`: how much earlier a tap sees an LLM stream's first content than the
//! provider's official SDK yields it to the app, per provider: the median and the largest gap
//! over `--runs` streams (20 by default), and whether the tap was ever later than the SDK.
//! The baseline is the SDK itself, in the same run.
//!
//! Usage: `cargo run --release -p sse-bench --bin sse-llm-ttft-bench -- [--runs 20]`

use clap::Parser;
use sse_bench::llm_ttft::{measure, median_and_max, CASES};

#[derive(Parser)]
#[command(about = "The tap's time to first content against each LLM SDK's own")]
struct Args {
    /// Streams per provider.
    #[arg(long, default_value_t = 20)]
    runs: usize,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    println!("| SDK (fixture) | runs | SDK after the tap, median | largest | tap ever later |");
    println!("|---|---|---|---|---|");
    let mut later = false;
    for case in CASES {
        let runs = measure(case, args.runs).await?;
        let gaps: Vec<f64> = runs.iter().map(|run| run.gap_ms()).collect();
        let (median, max) = median_and_max(&gaps).unwrap_or((f64::NAN, f64::NAN));
        let ever_later = gaps.iter().any(|gap| *gap < 0.0);
        later |= ever_later;
        println!(
            "| {} ({}) | {} | {median:.2} ms | {max:.2} ms | {} |",
            case.sdk,
            case.fixture,
            runs.len(),
            if ever_later { "yes" } else { "no" }
        );
    }
    if later {
        anyhow::bail!("the tap saw a first content after the SDK yielded it");
    }
    Ok(())
}
