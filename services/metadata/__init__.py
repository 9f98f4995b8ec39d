"""The metadata worker: describes each upload and stores its posters and storyboard.

`python -m services.metadata` runs it: the worker kit (`services.common.worker`)
takes `JobRequestedCommand`s from `echo.jobs.metadata.requested` and runs
`job.extract_metadata` on each; see `docs/architecture.md`.
"""
