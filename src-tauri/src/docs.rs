//! The reference pages the window links to (fault profiles, stream expectations, the server
//! check, breakpoints), shown in the
//! window from where they are installed: a package puts them in `share/doc/sse-monitor` beside
//! the binary's `bin/` (`/usr/share/doc/sse-monitor`); a build from the repository reads the
//! source tree's `docs/`. The window names a page, never a path.

use std::path::{Path, PathBuf};

use crate::error::CommandError;

/// A page of the reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum Doc {
    Faults,
    Expectations,
    ServerCheck,
    Breakpoints,
}

impl Doc {
    fn file_name(self) -> &'static str {
        match self {
            Doc::Faults => "faults.md",
            Doc::Expectations => "expectations.md",
            Doc::ServerCheck => "server-check.md",
            Doc::Breakpoints => "breakpoints.md",
        }
    }
}

/// A page's text and the file it was read from.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DocText {
    pub path: String,
    pub text: String,
}

/// Where `doc` may be, in order: installed beside the binary `exe`, then the source tree the app
/// was built from.
fn candidates(doc: Doc, exe: &Path) -> Vec<PathBuf> {
    let mut places = Vec::new();
    if let Some(prefix) = exe.parent().and_then(Path::parent) {
        places.push(prefix.join("share/doc/sse-monitor").join(doc.file_name()));
    }
    places.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs").join(doc.file_name()));
    places
}

/// The first of `places` that holds `doc`.
fn locate(doc: Doc, places: &[PathBuf]) -> Result<PathBuf, CommandError> {
    places.iter().find(|place| place.is_file()).cloned().ok_or_else(|| CommandError::File {
        doing: "find",
        path: doc.file_name().to_owned(),
        source: std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!(
                "not installed with the app (looked in {})",
                places.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(" and ")
            ),
        ),
    })
}

/// The reference page `doc`, read from where it is installed.
#[tauri::command]
pub fn read_doc(doc: Doc) -> Result<DocText, CommandError> {
    let exe = std::env::current_exe().map_err(|source| CommandError::File {
        doing: "find",
        path: "the app's binary".into(),
        source,
    })?;
    let found = locate(doc, &candidates(doc, &exe))?;
    // Shown to the user: `/work/app/docs/faults.md`, not `/work/app/src-tauri/../docs/faults.md`.
    let path = std::fs::canonicalize(&found).unwrap_or(found);
    let text = std::fs::read_to_string(&path).map_err(|source| CommandError::File {
        doing: "read",
        path: path.display().to_string(),
        source,
    })?;
    Ok(DocText { path: path.display().to_string(), text })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A packaged binary in `/usr/bin` reads `/usr/share/doc/sse-monitor`, first.
    #[test]
    fn an_installed_app_reads_the_installed_copy_first() {
        let places = candidates(Doc::Faults, Path::new("/usr/bin/sse-monitor"));
        assert_eq!(places[0], PathBuf::from("/usr/share/doc/sse-monitor/faults.md"));
    }

    /// A build from the repository, with nothing installed beside it, reads the source tree's
    /// page; each page the window links to is there.
    #[test]
    fn a_repository_build_reads_the_source_tree() {
        let exe = Path::new("/nonexistent/target/debug/sse-monitor");
        for (doc, heading) in [
            (Doc::Faults, "fault"),
            (Doc::Expectations, "expectation"),
            (Doc::ServerCheck, "server check"),
            (Doc::Breakpoints, "breakpoint"),
        ] {
            let path = locate(doc, &candidates(doc, exe)).expect("the page is in docs/");
            assert!(path.ends_with(Path::new("docs").join(doc.file_name())), "{}", path.display());
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(text.to_lowercase().contains(heading), "{}", path.display());
        }
    }

    /// Where the page is nowhere, the error names it and every place looked in.
    #[test]
    fn a_missing_page_says_where_it_was_looked_for() {
        let places = [PathBuf::from("/nonexistent/a/faults.md"), PathBuf::from("/nonexistent/b/faults.md")];
        let message = locate(Doc::Faults, &places).map(|_| ()).unwrap_err().to_string();
        assert!(message.starts_with("cannot find faults.md: not installed with the app"), "{message}");
        assert!(message.contains("/nonexistent/a/faults.md and /nonexistent/b/faults.md"), "{message}");
    }
}
