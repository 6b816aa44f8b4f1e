"""rnnkit.training: one trainer that every task shares.

``Trainer(model, task, config, run_dir).fit(train_dataset, val_dataset)`` trains any model given a
task's ``compute_loss(model, batch) -> (loss, count)``; :class:`TrainConfig` holds every setting;
runs are folders with atomic, verified checkpoints and bit-exact resume; the same script trains with
DDP under torchrun.

Example:
    >>> from rnnkit.training import TrainConfig, apply_overrides
    >>> apply_overrides(TrainConfig(), ["lr=3e-4", "scheduler=cosine"]).scheduler
    'cosine'
"""

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from ..config import apply_overrides, from_dict, load_toml, to_dict, valid_keys
    from ..progress import ProgressBar
    from .callbacks import Callback, StepInfo
    from .checkpoint import CheckpointError, load_weights, save_weights
    from .config import TrainConfig
    from .distributed import DistributedContext
    from .history import History
    from .run_folder import RunFolder
    from .state import seed_everything
    from .step import NonFiniteLossError, clip_gradients
    from .task import (
        FunctionTask,
        MetricSums,
        Task,
        accuracy,
        binary_accuracy,
        forecast_errors,
        mean_loss,
    )
    from .trainer import Trainer

__all__ = [
    "Callback",
    "CheckpointError",
    "DistributedContext",
    "FunctionTask",
    "History",
    "MetricSums",
    "NonFiniteLossError",
    "ProgressBar",
    "RunFolder",
    "StepInfo",
    "Task",
    "TrainConfig",
    "Trainer",
    "accuracy",
    "apply_overrides",
    "binary_accuracy",
    "forecast_errors",
    "clip_gradients",
    "from_dict",
    "load_toml",
    "load_weights",
    "mean_loss",
    "save_weights",
    "seed_everything",
    "to_dict",
    "valid_keys",
]

_EXPORTS = {
    "apply_overrides": "..config",
    "from_dict": "..config",
    "load_toml": "..config",
    "to_dict": "..config",
    "valid_keys": "..config",
    "ProgressBar": "..progress",
    "Callback": ".callbacks",
    "StepInfo": ".callbacks",
    "CheckpointError": ".checkpoint",
    "load_weights": ".checkpoint",
    "save_weights": ".checkpoint",
    "TrainConfig": ".config",
    "DistributedContext": ".distributed",
    "History": ".history",
    "RunFolder": ".run_folder",
    "seed_everything": ".state",
    "NonFiniteLossError": ".step",
    "clip_gradients": ".step",
    "FunctionTask": ".task",
    "MetricSums": ".task",
    "Task": ".task",
    "accuracy": ".task",
    "forecast_errors": ".task",
    "binary_accuracy": ".task",
    "mean_loss": ".task",
    "Trainer": ".trainer",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
