"""The transcoder worker: turns each upload into one web-playable rendition.

H.264/AAC in a fast-start MP4 (or AAC in M4A for audio-only uploads), run
from `VideoUploadedEvent`s through `services.common.worker.run_job`.
"""
