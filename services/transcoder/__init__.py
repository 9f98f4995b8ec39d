"""The transcoder worker: turns each upload into one web-playable rendition.

H.264/AAC in a fast-start MP4 (or AAC in M4A for audio-only uploads), run from
`JobRequestedCommand`s on `echo.jobs.transcode.requested` by the worker kit
(`services.common.worker`); `pipeline.transcode` is its work function.
"""
