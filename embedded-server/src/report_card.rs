//! `GET /clients` and `sse-server --report FILE`: the client record (`clients.rs`) graded by
//! `sse_report_card`, which holds every rule.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use sse_report_card::ClientReport;

use crate::access::{check_publish_token, json, HttpState, Refusal};
use crate::clients::ClientBook;

/// Every client in `book`, graded.
pub fn report(book: &ClientBook) -> ClientReport {
    let now_ms = book.now_ms();
    sse_report_card::report(book.histories(), now_ms)
}

#[derive(Debug, serde::Deserialize)]
pub(crate) struct ClientsQuery {
    client: Option<String>,
}

/// `GET /clients[?client=NAME]`: every client's attempts and card. Other clients' requests are
/// private: no CORS, and the publish token when one is set.
pub(crate) async fn get_clients(
    State(state): State<HttpState>,
    headers: HeaderMap,
    Query(query): Query<ClientsQuery>,
) -> Result<Response, Refusal> {
    check_publish_token(&state, &headers)?;
    let mut report = report(&state.clients);
    if let Some(wanted) = &query.client {
        report.clients.retain(|graded| graded.history.client == *wanted);
    }
    json(StatusCode::OK, &report)
}
