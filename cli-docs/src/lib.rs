//! Shell completions and man pages for the project's command-line programs, generated from the
//! same clap definitions the programs parse with, so they never drift from `--help`.
//!
//! # Layout
//! - [`commands`], [`write_docs`], [`Written`] (here): which programs, and what is written for
//!   each, laid out as the packages install it.

use std::io;
use std::path::{Path, PathBuf};

use clap::CommandFactory;
use clap_complete::Shell;

/// The programs a package installs, as clap commands.
pub fn commands() -> Vec<clap::Command> {
    vec![
        sse_subscriber::cli::Args::command(),
        embedded_server::cli::ServerArgs::command(),
        sse_tap::cli::Args::command(),
        sse_connections::LaunchOptions::command(),
    ]
}

/// What was written for one program, relative to the output directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub program: String,
    pub files: Vec<PathBuf>,
}

/// Where each shell looks for vendor completions, below `/usr/share`, and the file's name.
fn completion_path(shell: Shell, program: &str) -> PathBuf {
    match shell {
        Shell::Bash => Path::new("bash-completion/completions").join(program),
        Shell::Zsh => Path::new("zsh/vendor-completions").join(format!("_{program}")),
        Shell::Fish => Path::new("fish/vendor_completions.d").join(format!("{program}.fish")),
        _ => Path::new("completions").join(format!("{program}.{shell}")),
    }
}

/// Writes, below `dir` (laid out like `/usr/share`), the bash, zsh and fish completions and
/// the man page (`man/man1/NAME.1`, not compressed) of `command`.
pub fn write_docs(command: clap::Command, dir: &Path) -> io::Result<Written> {
    let program = command.get_name().to_owned();
    let mut files = Vec::new();
    for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
        let path = completion_path(shell, &program);
        let mut script = Vec::new();
        clap_complete::generate(shell, &mut command.clone(), &program, &mut script);
        write(dir, &path, &script)?;
        files.push(path);
    }
    let mut page = Vec::new();
    clap_mangen::Man::new(command).render(&mut page)?;
    let path = Path::new("man/man1").join(format!("{program}.1"));
    write(dir, &path, &page)?;
    files.push(path);
    Ok(Written { program, files })
}

#[cfg(test)]
fn read_tap_man(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("man/man1/sse-tap.1")).unwrap_or_default()
}

fn write(dir: &Path, path: &Path, bytes: &[u8]) -> io::Result<()> {
    let full = dir.join(path);
    if let Some(parent) = full.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(full, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every program gets three completions and a man page, each naming its real options; the
    /// app's hidden benchmark switches stay out of its man page (clap_complete lists every
    /// argument, hidden or not, in completions).
    #[test]
    fn completions_and_man_pages_come_from_the_clap_definitions() {
        let dir = std::env::temp_dir().join(format!("sse-cli-docs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let written: Vec<_> = commands().into_iter().map(|c| write_docs(c, &dir).unwrap()).collect();
        let programs: Vec<_> = written.iter().map(|w| w.program.as_str()).collect();
        assert_eq!(programs, ["sse-sub", "sse-server", "sse-tap", "sse-monitor"]);
        assert!(read_tap_man(&dir).contains("upstream"));
        let read = |path: &str| std::fs::read_to_string(dir.join(path)).unwrap();
        assert!(read("bash-completion/completions/sse-sub").contains("--connect-timeout"));
        assert!(read("zsh/vendor-completions/_sse-server").contains("--durable-log"));
        assert!(read("fish/vendor_completions.d/sse-monitor.fish").contains("keep-events"));
        let man = read("man/man1/sse-sub.1");
        assert!(man.contains(".TH sse-sub") && man.contains("connect\\-timeout"), "{man}");
        let monitor = read("man/man1/sse-monitor.1");
        assert!(monitor.contains("keep\\-events"), "{monitor}");
        assert!(!monitor.contains("load\\-rate") && !monitor.contains("ipc\\-unbatched"), "{monitor}");
        for w in &written {
            assert_eq!(w.files.len(), 4, "{w:?}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
