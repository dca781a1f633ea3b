//! What a fault rule did to one exchange, as the record, the tap's line and the HAR say it.

/// What a fault rule (`sse-tap --faults`) did to an exchange.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppliedFault {
    /// The rule's position in the list when the exchange took it (1-based).
    pub rule: usize,
    /// The rule's profile as JSON (`docs/faults.md`'s fields).
    pub profile: String,
    /// What it did, in order ("stalled 2,000 ms after 3 events", "cut after 5 events at byte
    /// 1,234").
    pub did: Vec<String>,
    /// Faults that could not apply to this exchange, each with why.
    pub skipped: Vec<String>,
    /// The upstream body's `Content-Encoding`, decoded so the faults could apply: the client got
    /// it uncompressed.
    pub decoded: Option<String>,
    /// Bytes of the body the client was handed (the upstream's are `response_bytes`).
    pub client_bytes: u64,
}

impl AppliedFault {
    /// As the tap's line ends: `rule 1: cut after 5 events at byte 1,234`.
    pub fn line(&self) -> String {
        let mut said: Vec<String> = self.did.clone();
        if let Some(encoding) = &self.decoded {
            said.push(format!("decoded {encoding} for the client"));
        }
        if said.is_empty() {
            said.push("nothing to do before the exchange ended".into());
        }
        said.extend(self.skipped.iter().cloned());
        format!("rule {}: {}", self.rule, said.join(", "))
    }
}
