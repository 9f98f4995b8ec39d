"""The adaptive HLS ladder: one decode, every rung encoded in the same pass, packaged as HLS.

    result = encode_ladder(source, out_dir, LadderOptions(), on_progress=..., should_stop=...)

No dependency on the bus or the worker kit: the worker wires it in.
"""

from contracts.outputs import OutputKind, OutputStatus
from services.transcoder.ladder.run import MASTER_NAME, encode_ladder
from services.transcoder.ladder.rungs import DEFAULT_RUNGS, Rung, RungSpec, plan_rungs
from services.transcoder.ladder.types import (
    FilterStep,
    LadderCancelledError,
    LadderOptions,
    LadderOutput,
    LadderResult,
)

__all__ = [
    "DEFAULT_RUNGS",
    "MASTER_NAME",
    "FilterStep",
    "LadderCancelledError",
    "LadderOptions",
    "LadderOutput",
    "LadderResult",
    "OutputKind",
    "OutputStatus",
    "Rung",
    "RungSpec",
    "encode_ladder",
    "plan_rungs",
]
