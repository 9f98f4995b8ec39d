"""The metadata worker: probes each upload's container and streams and writes a poster JPEG.

`python -m services.metadata` runs it. It takes the `metadata` job of every
`VideoUploadedEvent` from its durable pull consumer and reports the outcome as
job events; see `docs/architecture.md`.
"""
