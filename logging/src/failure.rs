//! How a program says it failed: one line, `PROGRAM: what is wrong`, on stderr (no `Error:`
//! prefix, no backtrace whatever `RUST_BACKTRACE` says), and its exit code: 2 for the user's
//! arguments or a file they name, 1 for what fails at run time.

use std::fmt::Display;
use std::process::ExitCode;

/// Why a program stops with an error.
#[derive(Debug)]
pub enum Failure<E> {
    /// Bad arguments, or a file an argument names that cannot be used: exit 2.
    Arguments(E),
    /// Something failed while running (a port taken, an upstream gone): exit 1.
    Run(E),
}

impl<E: Display> Failure<E> {
    /// The line said on stderr (a chain of causes joined with `: `, as `{:#}` writes anyhow's).
    pub fn line(&self, program: &str) -> String {
        let error = match self {
            Self::Arguments(error) | Self::Run(error) => error,
        };
        format!("{program}: {error:#}")
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Arguments(_) => 2,
            Self::Run(_) => 1,
        }
    }

    /// Says it on stderr and gives the exit code.
    pub fn report(self, program: &str) -> ExitCode {
        eprintln!("{}", self.line(program));
        ExitCode::from(self.exit_code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One line with the program's name, and the exit code by kind.
    #[test]
    fn a_failure_is_one_line_and_its_code() {
        let bad: Failure<&str> = Failure::Arguments("--faults x.json: no stream `s`");
        assert_eq!(
            (bad.line("sse-server"), bad.exit_code()),
            ("sse-server: --faults x.json: no stream `s`".into(), 2)
        );
        let run: Failure<&str> = Failure::Run("cannot listen on 127.0.0.1:80: permission denied");
        assert_eq!(run.exit_code(), 1);
        assert!(!run.line("sse-tap").contains("Error"));
    }
}
