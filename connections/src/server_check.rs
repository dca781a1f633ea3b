//! The window's Check server tab: the server check (`sse-sub --check`, in `sse_subscriber`'s
//! `check.rs` and `sse_server_check`) run on a connection's request, through a second URL too.

use std::time::Duration;

use sse_server_check::{compare, grade, ServerCard, MAX_CHECK_SECS, MIN_CHECK_SECS};
use sse_subscriber::check::run_check;

use crate::error::SpecError;
use crate::spec::ConnectionSpec;

/// Checks the server of `spec`'s request for `check_for_secs` (held within 5 to 3,600), and
/// through `via` side by side when given; the card, as `sse-sub --check --json` gives it.
pub async fn check_server(
    spec: &ConnectionSpec,
    check_for_secs: u64,
    via: Option<&str>,
) -> Result<ServerCard, SpecError> {
    let request = spec.to_request()?;
    let via = via.map(str::trim).filter(|via| !via.is_empty());
    let through = via
        .map(|url| request.to_url(url))
        .transpose()
        .map_err(|error| SpecError::Invalid { field: "Compare through", reason: error.to_string() })?;
    let check_for = Duration::from_secs(check_for_secs.clamp(MIN_CHECK_SECS, MAX_CHECK_SECS));
    let never = std::future::pending::<()>;
    Ok(match through {
        Some(through) => {
            let (direct, via) = tokio::join!(
                run_check(&request, check_for, never()),
                run_check(&through, check_for, never())
            );
            compare(&direct, &via)
        }
        None => grade(&run_check(&request, check_for, never()).await),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A spec with no URL is refused before anything opens; a bad second URL names its field.
    #[tokio::test]
    async fn a_check_needs_a_valid_request() {
        let empty = ConnectionSpec::default();
        assert!(check_server(&empty, 5, None).await.is_err());
        let spec = ConnectionSpec { url: "http://127.0.0.1:9/events".into(), ..ConnectionSpec::default() };
        let refused = check_server(&spec, 5, Some("not a url")).await.expect_err("a bad --via");
        assert!(refused.to_string().starts_with("Compare through: "), "{refused}");
    }
}
