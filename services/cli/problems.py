"""What the CLI tells a person about a refused request, by the problem's `code`.

Gateway and notifier answer with the same codes (`contracts.problems.ProblemCode`); a
code this CLI does not know yet is still shown, just without advice.
"""

from contracts.problems import ProblemCode

_RETRY_SOON = "Echo is starting, stopping or missing a dependency; try again shortly."

HINTS: dict[ProblemCode, str] = {
    ProblemCode.NOT_AUTHENTICATED: "Pass --token or set ECHO_TOKEN (a dev token: echoctl token).",
    ProblemCode.INVALID_TOKEN: "The token is not one this Echo accepts; get a new one "
    "(a dev token: echoctl token).",
    ProblemCode.TOKEN_EXPIRED: "The token has expired; get a new one (a dev token: echoctl token).",
    ProblemCode.UPLOAD_TOO_LARGE: "The file is over the gateway's upload limit "
    "(ECHO_GATEWAY_MAX_UPLOAD_BYTES).",
    ProblemCode.QUOTA_EXCEEDED: "Your videos fill your quota: see echoctl me, and free room "
    "with echoctl delete VIDEO_ID.",
    ProblemCode.NOT_MEDIA: "Echo takes audio and video files only; the bytes sent were removed.",
    ProblemCode.MEDIA_LIMIT_EXCEEDED: "The file is over a media limit (duration, picture "
    "size, streams); the bytes sent were removed.",
    ProblemCode.UPLOAD_EXPIRED: "The upload was not finished in time; run the command again "
    "to start over.",
    ProblemCode.UPLOAD_BUSY: "Another echoctl is sending this file; wait for it, or run "
    "again shortly to resume.",
    ProblemCode.CHECKSUM_MISMATCH: "Bytes were damaged on the way; run the command again "
    "to resume from the last good chunk.",
    ProblemCode.VIDEO_NOT_FOUND: "No video of yours has this id: echoctl videos lists them.",
    ProblemCode.JOB_NOT_FOUND: "No job of yours has this id: echoctl jobs lists them.",
    ProblemCode.JOB_NOT_CANCELLABLE: "Only a pending or processing job can be cancelled.",
    ProblemCode.JOB_NOT_RETRIABLE: "Only a failed job whose failure may change can be retried "
    "(echoctl jobs --status failed).",
    ProblemCode.DATABASE_UNAVAILABLE: _RETRY_SOON,
    ProblemCode.BUS_UNAVAILABLE: _RETRY_SOON,
    ProblemCode.NOT_READY: _RETRY_SOON,
}


def as_problem(code: str | None) -> ProblemCode | None:
    """The known problem code `code` names, if any."""
    try:
        return ProblemCode(code) if code is not None else None
    except ValueError:
        return None


def hint(code: str | None) -> str | None:
    """What a person can do about the problem `code`, when there is something to do."""
    problem = as_problem(code)
    return HINTS.get(problem) if problem is not None else None
