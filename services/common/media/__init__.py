"""Untrusted media with PyAV: opening, decoding, and the one upright picture.

`open_untrusted` is the only way an upload is opened. `picture_geometry` and
`upright_graph` are the one rule for how a stored picture is shown (turned,
stretched to square pixels, deinterlaced, sized), shared by the metadata probe,
its poster and the transcoder, so what the probe reports is what a rendition is.
"""

from services.common.media.decoding import decode, first_frame, require_decoder
from services.common.media.geometry import (
    DisplayGeometry,
    declared_sample_aspect_ratio,
    display_geometry,
    even_size,
    picture_geometry,
)
from services.common.media.limits import MediaError, MediaLimits
from services.common.media.opener import (
    ALLOWED_DEMUXERS,
    AUDIO_DECODERS,
    VIDEO_DECODERS,
    container_duration,
    open_untrusted,
    sniff_container,
)
from services.common.media.rate import frame_rate, standard_rate
from services.common.media.streams import (
    primary_audio_stream,
    primary_video_stream,
    stream_duration,
)
from services.common.media.upright import (
    DEINTERLACER,
    H264_PICTURE,
    JPEG_PICTURE,
    PictureFormat,
    is_interlaced,
    upright_filters,
    upright_graph,
    upright_steps,
)

__all__ = [
    "ALLOWED_DEMUXERS",
    "AUDIO_DECODERS",
    "DEINTERLACER",
    "H264_PICTURE",
    "JPEG_PICTURE",
    "VIDEO_DECODERS",
    "DisplayGeometry",
    "MediaError",
    "MediaLimits",
    "PictureFormat",
    "container_duration",
    "declared_sample_aspect_ratio",
    "decode",
    "display_geometry",
    "even_size",
    "first_frame",
    "frame_rate",
    "is_interlaced",
    "open_untrusted",
    "picture_geometry",
    "primary_audio_stream",
    "primary_video_stream",
    "require_decoder",
    "sniff_container",
    "standard_rate",
    "stream_duration",
    "upright_filters",
    "upright_graph",
    "upright_steps",
]
