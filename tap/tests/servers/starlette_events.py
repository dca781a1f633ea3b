"""An upstream nobody here wrote: PyPI sse-starlette (on Starlette and uvicorn) serving
numbered events, for the tap's fault-rule tests (tap/tests/faults.rs).

GET /events?count=N&every=MS  N events `id: n`, `data: event n`, from the one after
                              Last-Event-ID (or 1), one every MS ms; `: ping` comments
                              every second (sse-starlette's own keep-alive).
GET /ndjson?count=N           N JSON lines.
GET /json                     a plain JSON body.

It prints `{"listening": PORT}` first, then a JSON line per request (`request`, with the
path and query, the Last-Event-ID and the X-SSE-Client it got) and per stream that closed
(`closed`, with the events sent), flushed, so a test can wait for each.
"""

import asyncio
import json
import socket
import sys

import uvicorn
from sse_starlette.sse import EventSourceResponse, ServerSentEvent
from starlette.applications import Starlette
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route


def say(**line):
    print(json.dumps(line), flush=True)


def told(request):
    say(
        request=request.url.path + ("?" + request.url.query if request.url.query else ""),
        lastEventId=request.headers.get("last-event-id"),
        client=request.headers.get("x-sse-client"),
    )


async def events(request):
    told(request)
    last = request.headers.get("last-event-id", "")
    first = int(last) + 1 if last.isdigit() else 1
    count = int(request.query_params.get("count", "20"))
    every = int(request.query_params.get("every", "20")) / 1000

    async def numbered():
        sent = 0
        try:
            for n in range(first, first + count):
                yield ServerSentEvent(data=f"event {n}", id=str(n))
                sent += 1
                await asyncio.sleep(every)
        finally:
            say(closed=request.url.path, sent=sent)

    return EventSourceResponse(numbered(), ping=1)


async def ndjson(request):
    told(request)
    count = int(request.query_params.get("count", "5"))

    async def lines():
        for n in range(1, count + 1):
            yield json.dumps({"n": n}) + "\n"
            await asyncio.sleep(0.01)

    return StreamingResponse(lines(), media_type="application/x-ndjson")


async def plain(request):
    told(request)
    return JSONResponse({"plain": True, "padding": "x" * 200})


app = Starlette(routes=[Route("/events", events), Route("/ndjson", ndjson), Route("/json", plain)])

if __name__ == "__main__":
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    # Listening before the port is said: a connection waits in the backlog until uvicorn runs.
    listener.listen(128)
    say(listening=listener.getsockname()[1])
    config = uvicorn.Config(app, log_level="warning", lifespan="off")
    uvicorn.Server(config).run(sockets=[listener])
