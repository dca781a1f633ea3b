//! The conventions' four client metrics, as histograms with their explicit bucket
//! boundaries, and a call recorded on them: its duration, its input and output tokens, its
//! time to first chunk (the first event), and the time between each event and the one
//! before it (every event after the first).

use opentelemetry::metrics::{Histogram, Meter};
use opentelemetry::KeyValue;

use crate::call::LlmCall;
use crate::conventions as c;

pub(crate) struct Instruments {
    duration: Histogram<f64>,
    token_usage: Histogram<u64>,
    time_to_first_chunk: Histogram<f64>,
    time_per_output_chunk: Histogram<f64>,
}

impl Instruments {
    pub(crate) fn new(meter: &Meter) -> Self {
        let seconds = |name: &'static str, description: &'static str| {
            meter
                .f64_histogram(name)
                .with_unit(c::UNIT_SECONDS)
                .with_description(description)
                .with_boundaries(c::SECONDS_BUCKETS.to_vec())
                .build()
        };
        Self {
            duration: seconds(c::OPERATION_DURATION, "GenAI operation duration."),
            token_usage: meter
                .u64_histogram(c::TOKEN_USAGE)
                .with_unit(c::UNIT_TOKENS)
                .with_description("Number of input and output tokens used.")
                .with_boundaries(c::TOKEN_BUCKETS.to_vec())
                .build(),
            time_to_first_chunk: seconds(
                c::TIME_TO_FIRST_CHUNK,
                "Time to receive the first chunk, measured from when the client issues the generation request to when the first chunk is received in the response stream.",
            ),
            time_per_output_chunk: seconds(
                c::TIME_PER_OUTPUT_CHUNK,
                "Time per output chunk, recorded for each chunk received after the first one, measured as the time elapsed from the end of the previous chunk to the end of the current chunk.",
            ),
        }
    }

    /// Records `call`, its [`crate::span::common_attributes`] being `attributes`.
    pub(crate) fn record(&self, call: &LlmCall, attributes: &[KeyValue]) {
        self.duration.record(call.duration().as_secs_f64(), attributes);
        // The usage metric takes no error.type: only the operation's own attributes.
        let usage_base: Vec<KeyValue> =
            attributes.iter().filter(|kv| kv.key.as_str() != c::ERROR_TYPE).cloned().collect();
        if let Some(usage) = &call.summary.usage {
            for (kind, tokens) in [("input", usage.input), ("output", usage.output)] {
                if let Some(tokens) = tokens {
                    let mut with_type = usage_base.clone();
                    with_type.push(KeyValue::new(c::TOKEN_TYPE, kind));
                    self.token_usage.record(tokens, &with_type);
                }
            }
        }
        if let Some(first) = call.summary.milestones.first_event {
            self.time_to_first_chunk.record(first / 1000.0, &usage_base);
        }
        for pair in call.event_times.windows(2) {
            let gap = pair[1].saturating_sub(pair[0]);
            self.time_per_output_chunk.record(gap.as_secs_f64(), &usage_base);
        }
    }
}
