/// A filter that cannot be used.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum FilterError {
    #[error("the regular expression is not valid: {0}")]
    Regex(#[source] regex::Error),
}
