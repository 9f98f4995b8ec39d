"""The AsyncAPI documents describe every path a message takes, under consistent titles."""

from contracts import subjects
from contracts.enums import JobKind
from services.devstack.generate import asyncapi_documents


def test_every_bus_subject_is_documented() -> None:
    channels = {
        channel["address"]
        for name, document in asyncapi_documents().items()
        if name != "notifier"
        for channel in document["channels"].values()
    }
    for kind in JobKind:
        assert subjects.job_requested(kind) in channels
        for event in subjects.JobStateEvent:
            assert subjects.job_event(kind, event) in channels
    assert subjects.VIDEO_UPLOADED in channels
    assert any(address.startswith("echo.progress.") for address in channels)
    assert any(address.startswith("echo.status.") for address in channels)


def test_titles_name_each_service_alike() -> None:
    titles = {name: doc["info"]["title"] for name, doc in asyncapi_documents().items()}
    assert titles == {
        "gateway": "Echo gateway",
        "transcoder": "Echo transcode worker",
        "metadata": "Echo metadata worker",
        "notifier": "Echo notifier",
    }
