"""Typed job errors carried by failure events and REST responses."""

from pydantic import Field

from contracts.base import ContractModel
from contracts.enums import JobErrorCode


class JobError(ContractModel):
    """Why a job failed, for programs (`code`, `retriable`) and for people (`message`)."""

    code: JobErrorCode = Field(description="Machine-readable reason.")
    message: str = Field(
        description="What went wrong and what the uploader can do about it, in plain words.",
        max_length=2000,
    )
    retriable: bool = Field(
        description="True when the same input may succeed later (a transient fault); "
        "false when the input itself must change."
    )
