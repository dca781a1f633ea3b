"""A few lines of OTLP/HTTP receiver over the official definitions (PyPI opentelemetry-proto):
POST /v1/traces and /v1/metrics in http/protobuf or http/json are decoded with the generated
messages (for JSON, after turning the hex trace and span ids into bytes, as the OTLP/JSON
encoding differs from protobuf's JSON mapping there) and printed, one JSON line each:
{"path", "contentType", "headers", "body"}. The first line printed is the port.
Usage: python otlp_receiver.py. Run by sse_test_support::OtlpReceiver (otlp.rs)."""
import base64
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from google.protobuf import json_format
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

KINDS = {
    "/v1/traces": (trace_service_pb2.ExportTraceServiceRequest, trace_service_pb2.ExportTraceServiceResponse),
    "/v1/metrics": (metrics_service_pb2.ExportMetricsServiceRequest, metrics_service_pb2.ExportMetricsServiceResponse),
}
HEX_IDS = ("traceId", "spanId", "parentSpanId")


def hex_ids_to_base64(value):
    """OTLP/JSON writes ids as hex; protobuf's JSON mapping reads bytes as base64."""
    if isinstance(value, dict):
        return {
            key: (base64.b64encode(bytes.fromhex(item)).decode() if key in HEX_IDS and isinstance(item, str) else hex_ids_to_base64(item))
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [hex_ids_to_base64(item) for item in value]
    return value


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        kind = KINDS.get(self.path)
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        if kind is None:
            self.send_response(404)
            self.end_headers()
            return
        request_type, response_type = kind
        content_type = self.headers.get("content-type", "")
        message = request_type()
        if content_type.startswith("application/json"):
            json_format.ParseDict(hex_ids_to_base64(json.loads(body)), message)
            answer, answer_type = json_format.MessageToJson(response_type()).encode(), "application/json"
        else:
            message.ParseFromString(body)
            answer, answer_type = response_type().SerializeToString(), "application/x-protobuf"
        decoded = json_format.MessageToDict(message)
        headers = {name.lower(): value for name, value in self.headers.items()}
        print(json.dumps({"path": self.path, "contentType": content_type, "headers": headers, "body": decoded}), flush=True)
        self.send_response(200)
        self.send_header("content-type", answer_type)
        self.send_header("content-length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
try:
    server.serve_forever()
except KeyboardInterrupt:
    sys.exit(0)
