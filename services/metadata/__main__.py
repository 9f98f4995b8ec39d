"""`python -m services.metadata`: run the worker with its health and metrics endpoints."""

from contracts.enums import JobKind
from services.common.worker import serve
from services.metadata.app import create_app
from services.metadata.settings import MetadataSettings


def main() -> None:
    settings = MetadataSettings()
    serve(JobKind.METADATA, create_app(settings), settings)


if __name__ == "__main__":
    main()
