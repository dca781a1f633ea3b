"""PyPI httpx-sse (on httpx) reads each URL once, as its README shows: it parses the stream
and does not reconnect. Prints one JSON line per URL: the events it parsed (id, type, data),
and the error that ended the read, if any.
    python httpx_sse_graded.py SECS URL...
"""
import json
import sys

import httpx
from httpx_sse import connect_sse

secs, urls = float(sys.argv[1]), sys.argv[2:]
with httpx.Client(timeout=httpx.Timeout(secs)) as client:
    for url in urls:
        got = {"url": url, "events": [], "error": None}
        try:
            with connect_sse(client, "GET", url) as source:
                for sse in source.iter_sse():
                    got["events"].append({"id": sse.id, "event": sse.event, "data": sse.data})
        except Exception as error:  # the cut, as httpx reports it
            got["error"] = type(error).__name__
        print(json.dumps(got), flush=True)
