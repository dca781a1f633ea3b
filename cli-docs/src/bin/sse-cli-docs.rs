//! `sse-cli-docs DIR`: writes the completions and man pages of sse-sub, sse-server and
//! sse-monitor below DIR, laid out like `/usr/share` (run by `scripts/build-clis.sh`).

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: sse-cli-docs DIR");
        return ExitCode::from(2);
    };
    for command in sse_cli_docs::commands() {
        match sse_cli_docs::write_docs(command, &dir) {
            Ok(written) => {
                for file in written.files {
                    println!("{}", dir.join(file).display());
                }
            }
            Err(error) => {
                eprintln!("sse-cli-docs: cannot write below {}: {error}", dir.display());
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
