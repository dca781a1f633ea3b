// Generated from the Rust types by src-tauri/src/ipc_types.rs: do not edit.
// UPDATE_IPC_TYPES=1 cargo test -p sse-monitor --lib ipc_types rewrites it.

/** A Tauri channel as a command receives it: the page sets `onmessage`. */
export interface ChannelOf<T> {
  onmessage: (message: T) => void;
}

export type ErrorKind = "spec" | "settings" | "inspect" | "replay" | "broker" | "tap" | "faults" | "otlp" | "task" | "file" | "internal";

export type ErrorPayload = { kind: ErrorKind, message: string, };

export type Doc = "faults" | "expectations" | "serverCheck" | "breakpoints";

export type DocText = { path: string, text: string, };

export type ServerInfo = { 
/**
 * `http://127.0.0.1:PORT`
 */
baseUrl: string, 
/**
 * The counter stream's name and URL.
 */
counterStream: string, counterUrl: string, 
/**
 * Built with `test-hooks`: the page installs its test hook (`ui/test-hook.js`).
 */
testHooks: boolean, };

export type SpecInfo = { 
/**
 * For the clipboard: with the secrets, or the command would not work.
 */
curl: string, sseSub: string, 
/**
 * For the screen: secrets masked.
 */
curlShown: string, sseSubShown: string, 
/**
 * Why the browser's EventSource cannot open it, if it cannot.
 */
browserLimits: Array<string>, 
/**
 * The first problem that stops it from connecting.
 */
problem: string | null, 
/**
 * Headers the connection adds to those the user set (MCP's request metadata headers).
 */
addedHeaders: Array<HeaderField>, };

export type StreamStatus = { stream: string, subscribers: number, };

export type Exported = { path: string, bytes: number, };

export type Imported = { 
/**
 * What to open to watch the replay.
 */
spec: ConnectionSpec, events: number, };

export type ConnectionSpec = { 
/**
 * Shown in the connection list; the URL's host when empty.
 */
name: string, url: string, 
/**
 * `GET` unless set; `POST` for most LLM APIs.
 */
method: string, headers: Array<HeaderField>, 
/**
 * Sent with every (re)connection; empty means none.
 */
body: string, auth: Auth, tls: TlsOptions, reconnect: ReconnectOptions, 
/**
 * A JSON path joined from every event into the assembled text, e.g.
 * `choices[0].delta.content`; empty turns the assembled view off.
 */
assemblePath: string, 
/**
 * How the LLM panel reads the stream: empty to guess from the URL and the first events,
 * `off`, or a provider's key (`openai`, `responses`, `anthropic`, `gemini`, `ollama`).
 */
llm: string, 
/**
 * Add MCP revision 2026-07-28's request metadata headers to a JSON-RPC body whose
 * `params._meta` names that revision ([`ConnectionSpec::added_headers`]).
 */
mcpHeaders: boolean, };

export type HeaderField = { name: string, value: string, };

export type Auth = { "kind": "none" } | { "kind": "bearer", token: string, } | { "kind": "basic", user: string, password: string, };

export type TlsOptions = { 
/**
 * Accept any certificate: for test servers only, and marked as such in the UI.
 */
insecure: boolean, 
/**
 * A PEM file of extra CA certificates to trust; empty for none.
 */
caFile: string, };

export type ReconnectOptions = { 
/**
 * Reconnect like EventSource after the stream ends or the network fails.
 */
enabled: boolean, 
/**
 * Also retry HTTP 5xx and 429 answers.
 */
retryHttpErrors: boolean, connectTimeoutSecs: number, 
/**
 * Reconnect when nothing, not even a keep-alive, arrives for this long; 0 for never.
 */
idleTimeoutSecs: number, };

export type Preset = { id: string, label: string, 
/**
 * What the user still has to fill in, if anything.
 */
hint: string, 
/**
 * The form field the hint is about, where the window shows it.
 */
hintField: HintField, spec: ConnectionSpec, };

export type HintField = "none" | "url" | "bearerToken" | "headers";

export type SecretState = "none" | "inKeyring" | "notSaved";

export type SavedConnection = { 
/**
 * Stable across saves; names the connection's keyring entry.
 */
key: string, spec: ConnectionSpec, secrets: SecretState, };

export type OtlpSettings = { 
/**
 * The collector's base URL (`http://127.0.0.1:4318`).
 */
url: string, 
/**
 * `http/protobuf` or `http/json`.
 */
protocol: string, 
/**
 * Prompts and completions too.
 */
content: boolean, 
/**
 * A header sent with every export (`authorization`), empty for none.
 */
headerName: string, 
/**
 * Its value: a secret.
 */
headerValue: string, };

export type SavedOtlp = { settings: OtlpSettings, secrets: SecretState, };

export type OtlpStatus = { on: boolean, url: string, protocol: string, content: boolean, 
/**
 * The header's name, if one is sent (its value never leaves Rust).
 */
headerName: string, 
/**
 * Calls sent since it was set.
 */
exported: number, 
/**
 * The first failure since it was set, as said.
 */
failure: string | null, };

export type WindowState = { width: number, height: number, x: number | null, y: number | null, maximized: boolean, };

export type PaneLayout = { 
/**
 * The connection list's width.
 */
sidebar: number | null, 
/**
 * The detail pane's width (its height when it stacks under the log).
 */
detail: number | null, 
/**
 * The tabs' height below the log.
 */
lower: number | null, 
/**
 * The id of the tab shown.
 */
tab: string | null, 
/**
 * The tabs fill the workspace (the log and the feeds' cards hidden).
 */
lowerMaximised: boolean, };

export type Settings = { version: number, connections: Array<SavedConnection>, 
/**
 * The key of the connection shown last.
 */
selected: string | null, window: WindowState | null, panes: PaneLayout, 
/**
 * Added after version 1 was out: a file without it has no taps.
 */
taps: Array<SavedTap>, 
/**
 * The OpenTelemetry export, when it is on (added after version 1: off when absent).
 */
otlp?: SavedOtlp | null, };

export type Loaded = { settings: Settings, 
/**
 * Things the user should know: a corrupt file set aside, a secret that could not be read.
 */
problems: Array<string>, };

export type Page = { 
/**
 * Where `rows` start in the (filtered) log.
 */
start: number, rows: Array<EventRow>, counts: Counts, };

export type WarningKind = "contentType" | "cacheControl" | "contentEncoding" | "noKeepAlive" | "idRepeated" | "idBackwards" | "resumeGap" | "resumeDuplicates" | "invalidUtf8";

export type Warning = { kind: WarningKind, message: string, };

export type Resume = { "outcome": "clean", lastBefore: string, firstAfter: string, } | { "outcome": "gap", lastBefore: string, firstAfter: string, missing: number, } | { "outcome": "duplicates", lastBefore: string, firstAfter: string, replayed: number, } | { "outcome": "unknown", lastBefore: string, firstAfter: string, };

export type CompressionReport = { 
/**
 * `gzip`, `deflate`, `br` or `zstd`.
 */
encoding: string, wireBytes: number, decodedBytes: number, reads: number, events: number, 
/**
 * The most events one read completed: 1 means the events came as they were flushed.
 */
mostEventsInOneRead: number, 
/**
 * The above in a sentence, for the user.
 */
arrival: string, };

export type DiagnosticsReport = { status: number | null, 
/**
 * The last response's headers as `[name, value]`.
 */
headers: Array<[string, string]>, 
/**
 * When the last response was refused (a 4xx, a wrong Content-Type): its body's first
 * lines, as text.
 */
refusedBody: string | null, 
/**
 * One per kind, the first occurrence's message; `count` how often it was seen.
 */
warnings: Array<Warning>, reconnects: number, resumes: Array<Resume>, 
/**
 * When the body came compressed: how, and whether its events came one per read.
 */
compression: CompressionReport | null, };

export type ConnectionUpdate = { "type": "feed", update: FeedUpdate, } | { "type": "batch", ids: BatchIds, 
/**
 * Event types first seen (since the capture began or was cleared) in this batch.
 */
newTypes: Array<string>, latest: EventRow | null, 
/**
 * The newest rows of the (filtered) log that the UI was not sent before (at most
 * the policy's `tail_rows`), so a log that follows the newest events needs no
 * round trip.
 */
tail: Array<EventRow>, 
/**
 * The rows follow on from the last batch's tail (else they start a new one: more
 * came than were sent, or the UI's tail was of another view).
 */
tailContinues: boolean, counts: Counts, stats: StatsReport, } | { "type": "diagnostics", report: DiagnosticsReport, } | { "type": "assembled", piece: string, used: number, skipped: number, truncated: boolean, done: boolean, } | { "type": "expectations", report: ExpectationsReport, } | { "type": "llm", report: LlmReport, };

export type FeedUpdate = { "kind": "connecting", url: string, attempt: number, } | { "kind": "open", status: number, contentType: string, headers: Array<[string, string]>, } | { "kind": "event", event: string, data: string, id: string, idSet: boolean, size: number, receivedAtMs: number, } | { "kind": "raw", text: string, } | { "kind": "error", message: string, willRetry: boolean, response?: FailedResponse, } | { "kind": "retrying", inMs: number, } | { "kind": "closed", reason: string, };

export type FailedResponse = { status: number, 
/**
 * `[name, value]` in the order received.
 */
headers: Array<[string, string]>, 
/**
 * The body's first lines as text (invalid UTF-8 replaced), bounded; shown as text, never
 * rendered.
 */
bodyStart: string, };

export type BatchIds = { 
/**
 * How many events (an event without an id is an empty line, so the lines alone cannot
 * tell one such event from none).
 */
count: number, lines: string, };

export type Counts = { kept: number, 
/**
 * Kept events the filter lets through (all of them without a filter).
 */
matching: number, 
/**
 * Old events dropped to stay within the limits.
 */
dropped: number, filtered: boolean, 
/**
 * The view these counts (and the rows sent with them) belong to: a batch of an older
 * view than the UI's last filter answer is out of date.
 */
view: number, };

export type EventRow = { seq: number, receivedAtUs: number, deltaUs: number | null, event: string, id: string, idSet: boolean, size: number, 
/**
 * The data on one line, with line breaks, tabs and control characters made visible.
 */
preview: string, 
/**
 * Whether the preview stops short of the data.
 */
truncated: boolean, 
/**
 * The data is empty or only whitespace (the preview shows it as symbols).
 */
blank: boolean, };

export type EventDetail = { 
/**
 * The data's first [`DETAIL_SHOWN_BYTES`] (all of it when shorter).
 */
data: string, 
/**
 * The whole data's length in bytes.
 */
dataBytes: number, 
/**
 * `data` is only its start.
 */
dataCut: boolean, retryMs: number | null, connection: number, 
/**
 * The event's block as received (its first [`DETAIL_SHOWN_BYTES`]), when those bytes
 * are still kept.
 */
raw: Array<RawLine> | null, 
/**
 * `raw` is only the block's start.
 */
rawCut: boolean, 
/**
 * How much of the data and of the raw block is sent at most ([`DETAIL_SHOWN_BYTES`]).
 */
cutAt: number, 
/**
 * For empty or whitespace-only data: how the detail pane shows it.
 */
whitespace: WhitespaceView | null, seq: number, receivedAtUs: number, deltaUs: number | null, event: string, id: string, idSet: boolean, size: number, 
/**
 * The data on one line, with line breaks, tabs and control characters made visible.
 */
preview: string, 
/**
 * Whether the preview stops short of the data.
 */
truncated: boolean, 
/**
 * The data is empty or only whitespace (the preview shows it as symbols).
 */
blank: boolean, };

export type WhitespaceView = { 
/**
 * What the data is, in a sentence, with the legend of the symbols.
 */
note: string, 
/**
 * Each character as a symbol; line breaks also break the line, so the shape stays.
 */
shown: string, };

export type EventFilter = { types: Array<string>, text: string, regex: boolean, caseSensitive: boolean, };

export type ExportFormat = "ndjson" | "csv";

export type LineEnding = "lf" | "cr" | "crlf" | "none";

export type LineKind = "field" | "comment" | "blank" | "connectionStart" | "read";

export type RawLine = { 
/**
 * Where it starts, in the subscription's byte offsets.
 */
offset: number, 
/**
 * The line without its ending; a byte that is not UTF-8 as an escape (`\xff`), so the
 * bytes show as received. For a connection start, which connection.
 */
text: string, ending: LineEnding, kind: LineKind, };

export type RawView = { lines: Array<RawLine>, 
/**
 * Bytes received in all.
 */
totalBytes: number, 
/**
 * Bytes still kept (the view shows the end of them).
 */
keptBytes: number, };

export type StatsReport = { events: number, 
/**
 * Bytes of the event blocks.
 */
bytes: number, 
/**
 * Bytes received in all, comments and keep-alives included (when raw bytes are kept).
 */
rawBytes: number, 
/**
 * From the first connection attempt to the first event.
 */
timeToFirstEventMs: number | null, reconnects: number, 
/**
 * Events in each of the last `RATE_WINDOW_SECS` seconds, oldest first; the last is the
 * second now under way.
 */
perSecond: Array<number>, 
/**
 * Events in the last whole second.
 */
rate: number, };

export type TapSpec = { 
/**
 * How the list names it; empty: by its upstream.
 */
name: string, 
/**
 * `http(s)://host:port/base`: a request for `/x` goes to `/base/x`.
 */
upstream: string, 
/**
 * Added to every forwarded request (replacing the client's header of that name).
 */
headers: Array<HeaderField>, tls: TlsOptions, 
/**
 * The loopback port it listened on last (kept, so the app under test need not change);
 * none: any free port.
 */
port: number | null, };

export type SavedTap = { 
/**
 * Stable across saves; names the tap's keyring entry.
 */
key: string, spec: TapSpec, secrets: SecretState, };

export type TapOpened = { id: number, 
/**
 * `http://127.0.0.1:PORT`: where the user points their app.
 */
listenUrl: string, port: number, 
/**
 * Why it listens elsewhere than the port asked for, if it does.
 */
note: string | null, };

export type TapUpdate = { 
/**
 * New or changed rows, oldest first.
 */
rows: Array<ExchangeRow>, 
/**
 * Exchanges with a lower id are no longer kept (the tap keeps the newest 1,000).
 */
oldestKept: number, 
/**
 * Exchanges still open.
 */
open: number, 
/**
 * Fault rules the tap has (a `once` rule goes once it applied).
 */
faultRules: number, 
/**
 * Breakpoints it has (switched off ones too), and events they hold now.
 */
breakpoints: number, held: number, };

export type TapFaults = { 
/**
 * The JSON array, one rule a line; `[]` for none.
 */
rules: string, count: number, };

export type TapBreakpointsView = { 
/**
 * The JSON array, one breakpoint a line; `[]` for none.
 */
list: string, 
/**
 * Each breakpoint in words, in order.
 */
described: Array<string>, 
/**
 * The events held now, oldest exchange first.
 */
held: Array<HeldView>, };

export type HoldAction = { "kind": "sendOn" } | { "kind": "sendEdited", event: WrittenEvent, } | { "kind": "drop" } | { "kind": "injectBefore", event: WrittenEvent, } | { "kind": "injectAfter", event: WrittenEvent, } | { "kind": "resume" };

export type HeldView = { 
/**
 * The tap's exchange id.
 */
exchange: number, method: string, target: string, client: string | null, 
/**
 * Its number among the upstream's events on this exchange, from 1.
 */
number: number, 
/**
 * The breakpoint that stopped it (1-based position) and its words.
 */
breakpoint: number, breakpointText: string, 
/**
 * `message` when it names no type.
 */
event: string, id: string | null, data: string, retryMs: number | null, 
/**
 * Its bytes as they came (lossy UTF-8).
 */
text: string, 
/**
 * An NDJSON line: only its data can be edited.
 */
ndjson: boolean, heldMs: number, behindEvents: number, behindBytes: number, injectedBefore: number, injectAfter: number, };

export type WrittenEvent = { 
/**
 * Left out (a `message`) when none.
 */
event: string | null, id: string | null, data: string, retryMs: number | null, };

export type HoldMark = { 
/**
 * The upstream's event it concerns, counted from 1 (an injected event: the one held).
 */
event: number, action: MarkAction, 
/**
 * The breakpoint that stopped there (1-based position).
 */
breakpoint: number, heldMs: number, 
/**
 * The event as written, for an edited or injected one (at most 4 KiB kept).
 */
written: string | null, };

export type MarkAction = "sentOn" | "edited" | "dropped" | "resumed" | "injectedBefore" | "injectedAfter" | "wentWithExchange";

export type ExchangeRow = { id: number, method: string, 
/**
 * As the client sent it: path and query.
 */
target: string, 
/**
 * None until the response head (or the tap's own answer).
 */
status: number | null, contentType: string, 
/**
 * Milliseconds since the Unix epoch.
 */
startedMs: number, 
/**
 * Until it ended, or so far while it is open.
 */
durationMs: number, 
/**
 * Of the response body, as sent to the client.
 */
bytes: number, 
/**
 * Events (or NDJSON lines) of a stream.
 */
events: number, isStream: boolean, tunnel: boolean, 
/**
 * How it ended, in words; none while it is open.
 */
ending: string | null, 
/**
 * It ended other than completed (or a closed tunnel): who cut it is in `ending`.
 */
failed: boolean, 
/**
 * A fault rule selected it: what the rule did (`rule 1: cut after 5 events at byte 1,234`).
 */
fault: string | null, 
/**
 * A breakpoint holds one of its events now.
 */
held: boolean, 
/**
 * What breakpoints did to it (`held event 3: edited; 1 injected`), when they did anything.
 */
breakpoints: string | null, };

export type ExchangeDetail = { row: ExchangeRow, 
/**
 * The upstream's URL for it.
 */
url: string, 
/**
 * `HTTP/1.1` or `HTTP/2`, as spoken to the upstream.
 */
upstreamVersion: string | null, requestHeaders: Array<[string, string]>, requestBody: BodyView, responseHeaders: Array<[string, string]>, responseBody: BodyView, 
/**
 * Until the response head, since the exchange began.
 */
headMs: number | null, 
/**
 * Bytes of the body once its `Content-Encoding` is undone.
 */
decodedBytes: number, chunks: number, warnings: Array<string>, 
/**
 * The request again as curl, for the clipboard (with its credentials, or it would not work).
 */
curl: string, 
/**
 * The same with credentials masked, for the screen.
 */
curlShown: string, 
/**
 * Why the command does not send the very same request, when it cannot.
 */
curlNote: string | null, 
/**
 * A stream's last bytes (decoded), chunk by chunk as they came, as lines.
 */
raw: Array<RawChunk>, 
/**
 * A stream's bytes not in `raw` (older, or past what the view shows).
 */
rawLeftOut: number, 
/**
 * The events breakpoints held (and what became of them) and those injected, in order.
 */
breakpoints: Array<HoldMark>, };

export type RawChunk = { 
/**
 * Since the exchange began.
 */
atMs: number, bytes: number, lines: Array<RawLine>, };

export type BodyView = { "kind": "none" } | { "kind": "json", text: string, kept: number, total: number, } | { "kind": "text", text: string, kept: number, total: number, } | { "kind": "binary", total: number, } | { "kind": "stream", events: number, };

export type TimelineRow = { id: number, 
/**
 * Milliseconds since the Unix epoch.
 */
startedMs: number, 
/**
 * The rest since it started.
 */
headMs: number | null, 
/**
 * Chunks' arrivals; past [`MAX_CHUNK_MARKS`], one mark per stretch of time that had any.
 */
chunkMs: Array<number>, 
/**
 * When it ended, or how long it has been open so far.
 */
endMs: number, open: boolean, failed: boolean, };

export type ExpectationsReport = { 
/**
 * Where the expectations came from: a file's name, or "generated from N events".
 */
source: string, rows: Array<ExpectationRow>, pass: number, fail: number, 
/**
 * Undecided or still pending.
 */
open: number, 
/**
 * Checking is over (the stream ended, or the file's `events` arrived).
 */
finished: boolean, 
/**
 * What a user should know about how it was checked (say, that the log had already let
 * the stream's first events go).
 */
note: string, };

export type ExpectationRow = { name: string, verdict: Verdict, detail: string, 
/**
 * The log's sequence number of the event that decided it, to jump to.
 */
seq: number | null, };

export type Verdict = "pending" | "pass" | "fail" | "undecided";

export type LlmReport = { 
/**
 * The choice, as the spec writes it: `""` (guess), `"off"` or a provider's key.
 */
choice: string, 
/**
 * How the provider was found ("chosen", "guessed from the URL", "guessed from the first
 * event"), or why there is none.
 */
found: string, 
/**
 * The stream so far. Unless `fresh`, each block's `text` is only what it added since the
 * last report (blocks the window has not seen come whole).
 */
summary: Summary | null, 
/**
 * The blocks' text is whole (a new stream, or read again as another provider's): the
 * window replaces what it has.
 */
fresh: boolean, 
/**
 * Counts the readings (each connection that opens, each choice): a report of an earlier
 * reading than the window holds is stale.
 */
reading: number, };

export type Summary = { provider: Provider, 
/**
 * False when the events do not look like `provider`'s: show the plain view instead.
 */
fits: boolean, model: string | null, 
/**
 * The response's id, as the provider names it.
 */
responseId: string | null, blocks: Array<Block>, usage: Usage | null, 
/**
 * Finish or stop reasons, one per choice or candidate.
 */
finish: Array<string>, completeness: Completeness, 
/**
 * Says why: "message_stop", "the stream ended without message_stop", the error.
 */
detail: string, error: string | null, 
/**
 * When each moment came, TTFT (the first content) among them.
 */
milestones: Milestones, timing: Timing, oddities: Oddities, };

export type Provider = "openAiChat" | "openAiResponses" | "anthropic" | "gemini" | "ollama";

export type Completeness = "streaming" | "complete" | "truncated" | "failed";

export type Block = { 
/**
 * Where the provider put it: "choice 0", "block 2", "output 1".
 */
place: string, kind: BlockKind, 
/**
 * A tool call's function name and id.
 */
name: string | null, id: string | null, 
/**
 * The text, reasoning or arguments as assembled (up to 4 MiB).
 */
text: string, 
/**
 * Pieces (deltas) that made it.
 */
pieces: number, 
/**
 * When its first and its latest piece came, in ms from the request being sent (its lane
 * on a timeline).
 */
firstMs: number | null, lastMs: number | null, 
/**
 * Text past the limit was dropped.
 */
truncated: boolean, 
/**
 * Its end came (a stop, a finish reason, a done event).
 */
closed: boolean, 
/**
 * For a tool call, once its block ended (or the stream did).
 */
arguments: Arguments | null, };

export type BlockKind = "text" | "reasoning" | "toolCall" | "refusal";

export type Arguments = { "state": "valid" } | { "state": "malformed", message: string, line: number, column: number, };

export type Usage = { input: number | null, output: number | null, reasoning: number | null, total: number | null, };

export type Timing = { secondTokenMs: number | null, tokens: number, tokensPerSecond: number | null, gapP50Ms: number | null, gapP99Ms: number | null, gapMaxMs: number | null, 
/**
 * Gaps per bucket of [`GAP_BUCKETS_MS`] (under 1 ms, 1-2, ..., 1-5 s, over 5 s).
 */
gapHistogram: number[], stalls: Array<Stall>, };

export type Milestones = { 
/**
 * 0 when the stream had a request (every time counts from it).
 */
requestSent: number | null, headReceived: number | null, firstByte: number | null, firstEvent: number | null, 
/**
 * The first event carrying generated content: TTFT.
 */
firstContent: number | null, 
/**
 * The first piece of answer text (not reasoning, a tool call or a refusal).
 */
firstText: number | null, lastContent: number | null, end: number | null, 
/**
 * Once the stream is over: why no content came, or what came instead of answer text.
 */
noContentReason: NoContent | null, };

export type NoContent = "cut" | "error" | "noneGenerated" | "onlyReasoning" | "onlyToolCalls" | "onlyRefusal";

export type Stall = { 
/**
 * The token it came after (from 1).
 */
afterToken: number, atMs: number, gapMs: number, };

export type Oddities = { events: number, notJson: number, unexpected: number, unknownTypes: number, 
/**
 * Blocks past the 256 kept.
 */
droppedBlocks: number, 
/**
 * The first few events that did not fit, as they came (cut at 300 characters).
 */
samples: Array<string>, 
/**
 * Gaps in the Responses API's `sequence_number`: `[expected, got]`.
 */
sequenceGaps: Array<[number, number]>, };

export type Conversation = { transport: Transport | null, 
/**
 * The era it speaks (the last, when it changed); chosen by hand, when it was.
 */
era: Era | null, 
/**
 * Where a client that tried the modern era fell back to `initialize`.
 */
eraChange: EraChange | null, 
/**
 * The path JSON-RPC messages were posted to (the MCP endpoint, or the message endpoint).
 */
endpoint: string | null, 
/**
 * The `Mcp-Session-Id` the server gave at initialization (HTTP+SSE: the endpoint's
 * `sessionId`).
 */
sessionId: string | null, 
/**
 * The protocol revision the initialization agreed on.
 */
protocolVersion: string | null, sessionEnd: SessionEnd | null, calls: Array<Call>, 
/**
 * Calls past the 10,000 kept.
 */
callsDropped: number, 
/**
 * Requests (either way) with no response yet.
 */
unanswered: number, 
/**
 * The exchanges that carried MCP, by their numbers.
 */
exchanges: number[], violations: Array<Violation>, 
/**
 * What a SHOULD of the transport advises against (an SSE response without
 * `X-Accel-Buffering: no`, messages after a stream's final response).
 */
advice: Array<Violation>, };

export type Transport = "streamableHttp" | "httpSse";

export type Era = "legacy" | "modern";

export type EraChange = { 
/**
 * The refused modern attempt.
 */
refused: number, 
/**
 * The `initialize` that followed it.
 */
fellBack: number, };

export type Call = { kind: CallKind, direction: Direction, 
/**
 * The JSON-RPC id as JSON text (`1`, `"a"`), for requests and responses.
 */
id: string | null, 
/**
 * Empty for a stray response.
 */
method: string, params: string, atMs: number, 
/**
 * The exchange it travelled on, and how.
 */
exchange: number, via: Via, reply: Reply | null, 
/**
 * From the request to its response.
 */
latencyMs: number | null, notes: Array<Note>, notesDropped: number, 
/**
 * The era of the exchange it travelled on.
 */
era: Era, 
/**
 * The tool (`tools/call`, `prompts/get`: `params.name`) or resource (`resources/read`:
 * `params.uri`) it names.
 */
name: string | null, 
/**
 * A `tools/call` answered with a result whose `isError` is true.
 */
failed: boolean, 
/**
 * Its client closed its response stream before the response came (revision 2026-07-28:
 * that cancels it).
 */
cancelled: boolean, 
/**
 * A modern request's metadata headers, each beside the body field it mirrors.
 */
headers: Array<MetadataHeader>, 
/**
 * A multi round-trip request's rounds before its last answer: what the server asked, what
 * the client answered, the retry that carried it.
 */
rounds: Array<Round>, };

export type Round = { 
/**
 * The `inputRequests` the server sent (JSON).
 */
asked: string, 
/**
 * The `inputResponses` the retry carried (JSON), if any.
 */
answered: string | null, 
/**
 * The retry: its id, exchange and time.
 */
retryId: string | null, retryExchange: number, retryAtMs: number, 
/**
 * The retry's metadata headers.
 */
headers: Array<MetadataHeader>, };

export type MetadataHeader = { name: string, 
/**
 * As sent; none when it is missing.
 */
sent: string | null, 
/**
 * A Base64 sentinel's value, decoded.
 */
decoded: string | null, 
/**
 * The body field it mirrors (`method`, `params.name`, `params.arguments.region`).
 */
field: string, 
/**
 * That field's value, as the header would carry it; none when the body has none.
 */
bodyValue: string | null, 
/**
 * What is wrong with it, if anything: missing, differs from the body, badly encoded.
 */
problem: string | null, 
/**
 * The rule that problem breaks (`metadata-headers`, `header-encoding`).
 */
rule: string | null, };

export type CallKind = "request" | "notification" | "strayResponse";

export type Direction = "clientToServer" | "serverToClient";

export type Via = "postBody" | "postJson" | "postStream" | "getStream" | "sseStream";

export type Reply = { 
/**
 * A `result` (else an `error`).
 */
ok: boolean, 
/**
 * The result or error as JSON (cut at 16 KiB).
 */
value: string, atMs: number, exchange: number, via: Via, 
/**
 * An error's code and name (`-32020 HeaderMismatch`), or its code and message when the
 * specification names no such code.
 */
error: string | null, 
/**
 * A result that asks the client for input (`resultType: "input_required"`, revision
 * 2026-07-28): the request is to be retried with the answers.
 */
inputRequired: boolean, };

export type Note = { method: string, params: string, atMs: number, exchange: number, via: Via, };

export type SessionEnd = { exchange: number, status: number | null, atMs: number, };

export type Violation = { 
/**
 * A short name: `get-stream`, `session-id`, `protocol-version`, `response-on-get`,
 * `resume`, `post-answer`, `endpoint-event`.
 */
rule: string, 
/**
 * The specification's sentence.
 */
quote: string, 
/**
 * What happened.
 */
detail: string, exchange: number, 
/**
 * The revision whose page the quote is from (`2025-06-18`, `2024-11-05`, `2026-07-28`).
 */
revision: string, };

export type StreamInfo = { name: string, subscribers: number, lastEventId: number, };

export type FaultProfile = { 
/**
 * Only subscriptions whose `client` query parameter or `X-SSE-Client` header is this.
 */
client: string | null, 
/**
 * Only the next matching subscription; the profile is cleared once it is applied.
 */
once?: boolean, 
/**
 * Seeds the random cut point: runs with a seed are reproducible.
 */
seed: number | null, 
/**
 * Close the connection after this many events.
 */
cutAfterEvents: number | null, 
/**
 * Close the connection after this many bytes of the body: inside a line, a UTF-8
 * sequence, or between the CR and LF of a CRLF.
 */
cutAfterBytes: number | null, 
/**
 * Close the connection at a random byte in `1..=N` of the body (by `seed`).
 */
cutRandomlyWithinBytes: number | null, 
/**
 * Write the body at most this many bytes a second.
 */
dripBytesPerSecond: number | null, stall: FaultStall | null, 
/**
 * Send `retry: MS` first.
 */
retryMs: number | null, 
/**
 * Send a UTF-8 byte order mark first (the spec says a client skips one).
 */
bom?: boolean, lineEnding: FaultLineEnding | null, ids: IdFault | null, 
/**
 * Send an `error`-typed event after this many events.
 */
errorEventAfter: number | null, 
/**
 * Send this many comment lines before each event.
 */
commentFlood: number | null, 
/**
 * Send first an event whose data is this many bytes.
 */
oversizedEventBytes: number | null, 
/**
 * Answer the next (or every) reconnect with this instead of the stream.
 */
onReconnect: ReconnectAnswer | null, };

export type ReconnectAnswer = { 
/**
 * 204, or a 4xx or 5xx status.
 */
status: number | null, 
/**
 * A 200 with this Content-Type instead of `text/event-stream`.
 */
contentType: string | null, 
/**
 * A 307 to this URL or path.
 */
redirect: string | null, 
/**
 * Every reconnect, not only the next one.
 */
every?: boolean, };

export type FaultStall = { 
/**
 * After this many events (0: before the first).
 */
afterEvents: number, ms: number, };

export type FaultLineEnding = "lf" | "cr" | "crlf";

export type IdFault = "repeat" | "reset";

export type ClientReport = { nowMs: number, clients: Array<GradedClient>, 
/**
 * The clients whose `client` tags name scenarios (`eventsource/cut`), each scenario's card
 * in short, side by side.
 */
byClient: Array<ClientScenarios>, };

export type ServerCard = { url: string, 
/**
 * The second URL the battery ran on (`--via`), if any: each rule then has its verdict
 * there too, and the hop's rules follow.
 */
via: string | null, ranForMs: number, rules: Array<ServerRule>, };

export type ServerRule = { rule: string, level: Level, 
/**
 * What the rule rests on: the spec's sentence, or the practice and where it is documented.
 */
source: string, verdict: CardVerdict, evidence: Array<string>, 
/**
 * With `--via`: the same rule's verdict on the second URL.
 */
via?: ViaVerdict, };

export type ViaVerdict = { verdict: CardVerdict, evidence: Array<string>, };

export type CheckCommand = { command: string, shown: string, };

export type ClientScenarios = { 
/**
 * The tag before the slash.
 */
client: string, scenarios: Array<Scenario>, };

export type Scenario = { 
/**
 * The tag after the slash.
 */
scenario: string, 
/**
 * Which EventSource of the tag (1, 2, ...).
 */
instance: number, 
/**
 * Its card's place in the report's `clients`.
 */
card: number, reconnects: boolean | null, 
/**
 * The rules it failed (INFO is never a failure).
 */
failed: Array<string>, };

export type EventsLost = { 
/**
 * When the stream ended (ms since the server started), and how.
 */
endedMs: number, ended: string, 
/**
 * The last id the client had been given before it ended.
 */
given: string | null, 
/**
 * The `Last-Event-ID` the resume sent.
 */
askedAfter: string | null, 
/**
 * The first id the resume was given.
 */
resumedAt: string | null, 
/**
 * How many ids it never got; none while that cannot be told (see `note`).
 */
count: number | null, 
/**
 * Which: `5-9`, or `7`; none when none were lost.
 */
ids: string | null, 
/**
 * Why the count cannot be told, when it cannot.
 */
note: string | null, };

export type GradedClient = { 
/**
 * Which EventSource of its name this is: 1, 2, ... in the order they began.
 */
instance: number, 
/**
 * Why its first attempt is graded as a new EventSource, when it could have continued
 * several.
 */
note: string | null, card: Card, client: string, namedBy: ClientNamedBy, attempts: Array<Attempt>, 
/**
 * Attempts dropped to keep within the recorder's bound.
 */
dropped: number, };

export type ClientHistory = { client: string, namedBy: ClientNamedBy, attempts: Array<Attempt>, 
/**
 * Attempts dropped to keep within the recorder's bound.
 */
dropped: number, };

export type ClientNamedBy = "parameter" | "header" | "addressAndAgent";

export type Attempt = { 
/**
 * Milliseconds since the server started (for waits), and since the Unix epoch (to show).
 */
atMs: number, wallMs: number, method: string, 
/**
 * The request's path and query.
 */
target: string, 
/**
 * Request headers as sent, credentials masked, `Last-Event-ID` apart.
 */
headers: Array<[string, string]>, 
/**
 * The `Last-Event-ID` header sent, if any.
 */
lastEventId: string | null, 
/**
 * The request's body, if it had one, kept as its length and fingerprint (a body may hold
 * a prompt or a key): enough to see it was sent the same again.
 */
body: string | null, answer: Answer, delivered: Delivered, 
/**
 * When it ended (ms since the server started) and how; none while it is open.
 */
endedMs: number | null, 
/**
 * How long nothing (no event, no comment) had been written to it when it ended: a client
 * that leaves a quiet stream after a read timeout shows it here.
 */
silentMs: number | null, end: AttemptEnd | null, };

export type Answer = { status: number, contentType: string | null, 
/**
 * A redirect's target.
 */
location: string | null, 
/**
 * The fault profile applied (its JSON), if one was.
 */
fault: string | null, };

export type Delivered = { events: number, 
/**
 * The id of the first event given that had one (to see what a resume skipped).
 */
firstId: string | null, lastId: string | null, retryMs: number | null, };

export type AttemptEnd = "answered" | "clientLeft" | "cut" | "ended" | "broken" | "kicked" | "fellBehind" | "writeStalled" | "serverStopped";

export type Card = { client: string, 
/**
 * Whether it reconnects at all: none until a stream the server ended shows it.
 */
reconnects: boolean | null, rules: Array<RuleVerdict>, 
/**
 * After each stream the server ended and the client came back: the ids it never got.
 */
eventsLost: Array<EventsLost>, };

export type RuleVerdict = { rule: string, level: Level, 
/**
 * The spec's words the rule rests on.
 */
spec: string, verdict: CardVerdict, evidence: Array<string>, };

export type Level = "MUST" | "SHOULD" | "MAY" | "INFO";

export type CardVerdict = "pass" | "fail" | "notObserved" | "beyondSpec";

/** Every command: its arguments and what it resolves to. */
export interface Commands {
  server_info: { args: {  }; result: ServerInfo };
  initial_connection: { args: {  }; result: ConnectionSpec };
  connection_presets: { args: {  }; result: Array<Preset> };
  connect: { args: { spec: ConnectionSpec; onUpdate: ChannelOf<ConnectionUpdate> }; result: number };
  disconnect: { args: { id: number; keep?: boolean | null }; result: boolean };
  reconnect: { args: { id: number }; result: boolean };
  inspect_connection: { args: { spec: ConnectionSpec }; result: SpecInfo };
  watch_server: { args: { onStatus: ChannelOf<StreamStatus> }; result: null };
  load_settings: { args: {  }; result: Loaded };
  save_connections: { args: { connections: Array<SavedConnection>; selected: string | null }; result: Array<string> };
  save_panes: { args: { panes: PaneLayout }; result: null };
  window_ready: { args: {  }; result: null };
  events_page: { args: { id: number; start: number; count: number }; result: Page };
  event_detail: { args: { id: number; seq: number }; result: EventDetail | null };
  event_data: { args: { id: number; seq: number }; result: string | null };
  save_event_data: { args: { id: number; seq: number; path?: string | null }; result: Exported | null };
  event_position: { args: { id: number; seq: number }; result: number | null };
  set_filter: { args: { id: number; filter: EventFilter }; result: Counts };
  clear_events: { args: { id: number }; result: Counts };
  raw_tail: { args: { id: number; maxBytes: number }; result: RawView };
  export_events: { args: { id: number; format: ExportFormat; matchingOnly: boolean; path?: string | null }; result: Exported | null };
  import_capture: { args: { path?: string | null; speed: number }; result: Imported | null };
  open_tap: { args: { spec: TapSpec; onUpdate: ChannelOf<TapUpdate> }; result: TapOpened };
  restart_tap: { args: { id: number; spec: TapSpec; onUpdate: ChannelOf<TapUpdate> }; result: TapOpened };
  stop_tap: { args: { id: number }; result: boolean };
  clear_tap: { args: { id: number }; result: boolean };
  close_tap: { args: { id: number }; result: boolean };
  save_taps: { args: { taps: Array<SavedTap> }; result: Array<string> };
  tap_exchange: { args: { id: number; exchange: number }; result: ExchangeDetail | null };
  tap_timeline: { args: { id: number; max: number }; result: Array<TimelineRow> };
  tap_mcp: { args: { id: number; era: Era | null }; result: Conversation };
  inspect_exchange: { args: { id: number; exchange: number; onUpdate: ChannelOf<ConnectionUpdate> }; result: number };
  replay_exchange: { args: { id: number; exchange: number; speed: number }; result: Imported | null };
  export_har: { args: { id: number; withSecrets: boolean; path?: string | null }; result: Exported | null };
  tap_faults: { args: { id: number }; result: TapFaults };
  set_tap_faults: { args: { id: number; rules: string }; result: TapFaults };
  tap_breakpoints: { args: { id: number }; result: TapBreakpointsView };
  set_tap_breakpoints: { args: { id: number; list: string }; result: TapBreakpointsView };
  act_on_held: { args: { id: number; exchange: number; action: HoldAction }; result: null };
  load_fault_rules: { args: { path?: string | null }; result: string | null };
  save_fault_rules: { args: { rules: string; path?: string | null }; result: Exported | null };
  load_expectations: { args: { id: number; path?: string | null }; result: ExpectationsReport | null };
  generate_expectations: { args: { id: number; events: number }; result: ExpectationsReport };
  save_expectations: { args: { id: number; path?: string | null }; result: Exported | null };
  clear_expectations: { args: { id: number }; result: null };
  mcp_conversation: { args: { id: number }; result: Conversation | null };
  server_streams: { args: {  }; result: Array<StreamInfo> };
  create_stream: { args: { name: string }; result: null };
  publish_event: { args: { stream: string; event?: string | null; data: string; retry?: number | null }; result: number };
  stream_faults: { args: { stream: string }; result: FaultProfile | null };
  set_stream_faults: { args: { stream: string; profile: string }; result: FaultProfile };
  clear_stream_faults: { args: { stream: string }; result: boolean };
  client_report: { args: {  }; result: ClientReport };
  tap_client_report: { args: { id: number }; result: ClientReport };
  check_server: { args: { spec: ConnectionSpec; checkFor: number; via: string | null }; result: ServerCard };
  check_command: { args: { spec: ConnectionSpec; checkFor: number; via: string | null }; result: CheckCommand };
  watch_problems: { args: { onProblem: ChannelOf<string> }; result: null };
  read_doc: { args: { doc: Doc }; result: DocText };
  panic_for_test: { args: { message: string }; result: null };
  choose_llm: { args: { id: number; choice: string }; result: LlmReport };
  set_otlp_export: { args: { settings: OtlpSettings | null }; result: [OtlpStatus, Array<string>] };
  otlp_export_status: { args: {  }; result: OtlpStatus };
}
