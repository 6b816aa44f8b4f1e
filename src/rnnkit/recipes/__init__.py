"""rnnkit.recipes: one task end to end per file, run through one lifecycle (see :mod:`.base`, :mod:`.runner`).

``load_run(path)`` opens a run folder that ``rnnkit train`` wrote; its ``predict([...])`` answers a list
of inputs in batches, with the same rows as ``rnnkit predict``.
"""

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from .inputs import PredictInput
    from .runner import TrainedRun, load_run

__all__ = ["PredictInput", "TrainedRun", "load_run"]

_EXPORTS = {"PredictInput": ".inputs", "TrainedRun": ".runner", "load_run": ".runner"}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
