"""The transcoder worker: turns each upload into an adaptive HLS ladder and a download.

H.264/AAC renditions in fMP4 segments with a master playlist, and a fast-start
MP4 (or an M4A for audio-only uploads) encoded in the same pass (`ladder/`), run
from `JobRequestedCommand`s on `echo.jobs.transcode.requested` by the worker kit
(`services.common.worker`); `job.transcode` is its work function.
"""
