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
