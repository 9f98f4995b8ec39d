"""A command that does not validate can never run: terminate it at once.

Without this it would be nacked until its deliveries ran out. Terminated, it stays
in `ECHO_JOBS` and JetStream's MSG_TERMINATED advisory is kept in `ECHO_DEAD_LETTERS`.
"""

import logging
from typing import Any

from faststream import BaseMiddleware, StreamMessage
from faststream._internal.basic_types import AsyncFuncAny
from faststream.exceptions import RejectMessage
from pydantic import ValidationError

logger = logging.getLogger(__name__)


class RejectMalformed(BaseMiddleware):
    """Terminate a message whose payload fails validation.

    Only the handler's arguments can fail validation here: the job runner turns every
    error of its own into an outcome before it could reach this middleware.
    """

    async def consume_scope(self, call_next: AsyncFuncAny, msg: StreamMessage[Any]) -> Any:
        try:
            return await call_next(msg)
        except ValidationError as error:
            logger.error("malformed command terminated: %s", error)
            raise RejectMessage from error
