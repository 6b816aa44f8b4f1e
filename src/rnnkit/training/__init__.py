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

from .callbacks import Callback, StepInfo
from .checkpoint import CheckpointError, load_weights, save_weights
from .clipping import clip_gradients
from .coerce import from_dict, to_dict
from .config import TrainConfig
from .distributed import DistributedContext
from .divergence import NonFiniteLossError
from .history import History
from .metrics import MetricSums, accuracy, binary_accuracy, mean_loss
from .overrides import apply_overrides, load_toml, valid_keys
from .progress import ProgressBar
from .run_folder import RunFolder
from .seed import seed_everything
from .task import FunctionTask, Task
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
