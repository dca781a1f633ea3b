use std::error::Error as StdError;
use std::path::PathBuf;

/// An expectations file that cannot be used: refused before anything connects.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// A mistake at a place in the file: TOML syntax, an unknown key, a wrong type, a bad
    /// regex, schema or JSON path, or values that contradict each other.
    #[error("line {line}, column {column}: {message}")]
    At {
        line: usize,
        column: usize,
        message: String,
        #[source]
        source: Option<Box<dyn StdError + Send + Sync>>,
    },
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl FileError {
    /// A mistake at byte `offset` of `text`.
    pub(crate) fn at(
        text: &str,
        offset: usize,
        message: impl Into<String>,
        source: Option<Box<dyn StdError + Send + Sync>>,
    ) -> Self {
        let (line, column) = line_and_column(text, offset);
        Self::At { line, column, message: message.into(), source }
    }

    /// Where in the file the mistake is, when it is in the file.
    pub fn line_and_column(&self) -> Option<(usize, usize)> {
        match self {
            Self::At { line, column, .. } => Some((*line, *column)),
            Self::Read { .. } => None,
        }
    }
}

/// 1-based line and column (in characters) of byte `offset` of `text`.
pub(crate) fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_lines_and_columns_counted_in_characters() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(line_and_column(text, 0), (1, 1));
        assert_eq!(line_and_column(text, 6), (2, 1));
        assert_eq!(line_and_column(text, text.find('=').unwrap()), (1, 3));
        assert_eq!(line_and_column(text, text.rfind('=').unwrap()), (2, 4), "é is one column");
        assert_eq!(line_and_column(text, 999), (3, 1), "past the end is the end");
    }
}
