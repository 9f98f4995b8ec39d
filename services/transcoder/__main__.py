"""`python -m services.transcoder`: run the worker with its health and metrics endpoints."""

from contracts.enums import JobKind
from services.common.worker import serve
from services.transcoder.app import create_app
from services.transcoder.settings import TranscoderSettings


def main() -> None:
    settings = TranscoderSettings()
    serve(JobKind.TRANSCODE, create_app(settings), settings)


if __name__ == "__main__":
    main()
