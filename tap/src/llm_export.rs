//! Each LLM call the tap forwards, exported when its exchange ends (`sse_otlp`), for
//! `sse-tap --otlp` and the window's export: read from the record as the exchange finishes,
//! queued (at most 1,000 unsent, the oldest dropped and counted), and sent one after another,
//! so a slow or absent collector never holds a stream. A failed export is said once.

use std::sync::Arc;
use std::time::Duration;

use sse_otlp::{ExportQueue, Exporter, LlmCall};
use tokio::sync::broadcast::error::RecvError;
use tokio::task::JoinHandle;

use crate::record::Recorder;

/// The export of one tap's LLM calls, running.
pub struct LlmExport {
    queue: ExportQueue,
    watcher: JoinHandle<()>,
    sender: JoinHandle<()>,
}

impl LlmExport {
    /// Starts exporting the calls `recorder`'s exchanges finish with (on the current tokio
    /// runtime); `say` hears the first failure (the exporter's: it may be shared), `sent`
    /// each call sent.
    pub fn start(
        recorder: &Recorder,
        exporter: Arc<Exporter>,
        say: impl Fn(String) + Send + 'static,
        sent: impl Fn() + Send + 'static,
    ) -> Self {
        let queue = ExportQueue::new();
        let watcher = tokio::spawn(watch(recorder.clone(), queue.clone()));
        let sender = tokio::spawn(send(queue.clone(), exporter, say, sent));
        Self { queue, watcher, sender }
    }

    /// Calls dropped because too many waited.
    pub fn dropped(&self) -> u64 {
        self.queue.dropped()
    }

    /// Takes no more calls and sends those waiting, `within` at most.
    pub async fn finish(mut self, within: Duration) {
        self.watcher.abort();
        self.queue.close();
        let _ = tokio::time::timeout(within, &mut self.sender).await;
    }
}

impl Drop for LlmExport {
    fn drop(&mut self) {
        self.watcher.abort();
        self.sender.abort();
    }
}

/// The call an exchange made, once it ended: none when it was not read as an LLM stream.
fn call_of(recorder: &Recorder, id: u64) -> Option<LlmCall> {
    recorder
        .with_exchange(id, |exchange| {
            let reading = exchange.llm.as_ref()?;
            LlmCall::from_reading(reading, &exchange.url, &exchange.request_body)
        })
        .flatten()
}

async fn watch(recorder: Recorder, queue: ExportQueue) {
    let mut finished = recorder.finished();
    loop {
        match finished.recv().await {
            Ok(summary) if summary.is_stream => {
                if let Some(call) = call_of(&recorder, summary.id) {
                    queue.push(call);
                }
            }
            Ok(_) | Err(RecvError::Lagged(_)) => {}
            Err(RecvError::Closed) => return,
        }
    }
}

async fn send(queue: ExportQueue, exporter: Arc<Exporter>, say: impl Fn(String), sent: impl Fn()) {
    while let Some(call) = queue.next().await {
        match exporter.export(&call).await {
            Ok(()) => sent(),
            Err(error) => {
                if let Some(line) = exporter.first_failure(&error) {
                    say(line);
                }
            }
        }
    }
}
