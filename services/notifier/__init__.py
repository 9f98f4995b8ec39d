"""The notifier: relays each user's recorded job statuses and their jobs' progress to
browsers over WebSocket and SSE (`contracts.live` messages).

`python -m services.notifier` runs it; `create_app` builds the ASGI app;
`python -m services.notifier.asyncapi` writes the AsyncAPI document of its messages.
Modules: `feed` (the bus side of one connection), `admission` (auth and feed opening,
shared by both transports), `ws` and `sse` (the transports), `routes` and `operations`
(endpoints), `asyncapi`.
"""
