"""The recipe contract: what one task must say and do so that `rnnkit train|evaluate|predict` can run it.

A recipe is a class with a name, a description, its dataset, its presets (frozen config dataclasses
with ``data``, ``model`` and ``train`` sections, the model section being the model's own config) and
five steps, each a method:

==================  ===================================================================================
``check``           cross-field checks of a config, before anything is read or written
``prepare``         read the data (raises if it is missing), build what training derives from it (a
                    vocabulary, a scaler): returns a :class:`Prepared` with the splits and artifacts
``build_model``     the model, from the config and the artifacts
``task``            the trainer's task: loss and metrics of a batch
``predict``         the model's answer for each user input (a text, a file, ``test:N``)
==================  ===================================================================================

plus ``save_artifacts`` / ``load_artifacts`` (through the :class:`~rnnkit.training.RunFolder`) and
``report`` (extra figures and plots after the test split). :mod:`rnnkit.recipes.runner` runs them in
the one order every task shares (check, seed, prepare, build, write, fit, test), so a new task is one
recipe file plus one dataset module, registered in :mod:`rnnkit.recipes.registry`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:  # a recipe's settings are read without torch (`rnnkit tasks`, `train --help`)
    from pathlib import Path

    from torch import nn
    from torch.utils.data import Dataset, Sampler

    from ..training.run_folder import RunFolder
    from .inputs import PredictInput


@dataclass
class Split:
    """One split of a task's data as the trainer takes it: a dataset, its collate function and, where
    batches are length buckets, a batch sampler."""

    dataset: Dataset
    collate_fn: Callable[[list[Any]], Any] | None = None
    batch_sampler: Sampler[list[int]] | None = None

    def __len__(self) -> int:
        return len(self.dataset)  # type: ignore[arg-type]  # map-style datasets have __len__


@dataclass
class Prepared:
    """What :meth:`Recipe.prepare` returns: the splits, the artifacts built from the training data
    (``{"vocab": Vocab}``), and counts for the summary."""

    train: Split
    validation: Split | None
    test: Split
    artifacts: dict[str, Any] = field(default_factory=dict)
    counts: dict[str, Any] = field(default_factory=dict)


class Recipe(ABC):
    """One task end to end; subclass it, fill in the class attributes and the steps."""

    name: ClassVar[str]
    description: ClassVar[str]
    dataset: ClassVar[str]
    presets: ClassVar[Mapping[str, Any]]
    quick: ClassVar[tuple[str, ...]] = ()
    """``--set`` overrides of ``--quick``: a tiny run that checks the pipeline, not a result."""
    inputs: ClassVar[str] = ""
    """What ``rnnkit predict`` accepts, for the help text."""
    input_kind: ClassVar[str] = "text"
    """``"text"``: an input is a string (``@PATH`` reads one from a file, ``--file`` one per line);
    ``"item"``: an input names a file (a picture) or an example of the dataset (``test:N``)."""
    cli_options: ClassVar[Mapping[str, tuple[str, str, tuple[str, ...]]]] = {}
    """Task flags of ``rnnkit train``: ``{"--csv": ("data.path", help, extra --set overrides)}``; each is
    a shorthand for ``--set data.path=VALUE`` (and the extra overrides)."""
    next_commands: ClassVar[tuple[str, ...]] = ()
    """Task commands to suggest after training, with ``{run}`` for the run folder (the "Next:" lines)."""
    example_inputs: ClassVar[tuple[str, ...]] = ()
    """Inputs that work on any run of the task, shown in the help and the "Next:" lines."""
    output_formats: ClassVar[tuple[str, ...]] = ()
    """Suffixes ``rnnkit predict --output`` accepts beyond ``.csv`` and ``.jsonl`` (``.conll``), written
    by :func:`rnnkit.recipes.predictions.write_rows`."""

    def file_inputs(self, path: Path) -> list[PredictInput] | None:
        """The inputs of a ``--file`` in the task's own format (a CoNLL file's sentences), or None to read
        it as one input per line (the default)."""
        return None

    def default_config(self, preset: str = "default") -> Any:
        if preset not in self.presets:
            raise ValueError(f"{self.name}: unknown preset {preset!r}; choose one of {sorted(self.presets)}.")
        return self.presets[preset]

    def config_type(self) -> type:
        return type(self.presets["default"])

    def check(self, config: Any) -> None:
        """Raise ValueError for a config that cannot run (beyond what its dataclasses check)."""
        return None

    @abstractmethod
    def prepare(self, config: Any, data_dir: str | None) -> Prepared:
        """Read the data (an error if it is missing) and build the splits and artifacts; write nothing."""

    @abstractmethod
    def build_model(self, config: Any, artifacts: Mapping[str, Any]) -> nn.Module:
        """The model, from the config and what :meth:`prepare` built (e.g. the vocabulary's size)."""

    @abstractmethod
    def task(self, config: Any, artifacts: Mapping[str, Any] | None = None) -> Any:
        """The trainer's task (see :mod:`rnnkit.training.task`); ``artifacts`` are :meth:`prepare`'s (the
        runner passes them; a task that needs them, e.g. the tag names, raises without)."""

    def test_split(self, config: Any, data_dir: str | None, artifacts: Mapping[str, Any]) -> Split:
        """The test split for evaluating a finished run (default: :meth:`prepare`'s)."""
        return self.prepare(config, data_dir).test

    def file_split(
        self, config: Any, artifacts: Mapping[str, Any], path: str, reference: str | None = None
    ) -> Split:
        """The examples of a user's file, to score with ``rnnkit evaluate RUN --file`` (``reference``:
        a second file aligned with it, as a translation's references; default: the task cannot)."""
        raise ValueError(
            f"task {self.name!r} does not evaluate on a file; drop --file to score its test split."
        )

    def split_figures(
        self, config: Any, model: nn.Module, artifacts: Mapping[str, Any], split: Split, prefix: str
    ) -> dict[str, Any]:
        """Figures of a split beyond the trainer's per-batch metrics, named ``{prefix}_...`` (BLEU, which
        needs decoding); ``rnnkit evaluate`` adds them to the loss. Default: none."""
        return {}

    def derived_figures(self, figures: Mapping[str, Any]) -> dict[str, Any]:
        """Figures computed from the evaluated ones (a perplexity from a loss); default: none."""
        return {}

    def generate(
        self,
        config: Any,
        model: nn.Module,
        artifacts: Mapping[str, Any],
        prime: str,
        length: int,
        **sampling: Any,
    ) -> Iterator[str]:
        """Text after ``prime``, streamed piece by piece (``rnnkit generate``); default: the task cannot."""
        raise ValueError(f"task {self.name!r} does not generate text; `rnnkit generate` takes a textgen run.")

    def save_artifacts(self, run: RunFolder, artifacts: Mapping[str, Any]) -> None:
        """Write what :meth:`prepare` built (default: nothing)."""
        return None

    def load_artifacts(self, run: RunFolder) -> dict[str, Any]:
        return {}

    def report(
        self, config: Any, model: nn.Module, prepared: Prepared, run: RunFolder | None
    ) -> dict[str, Any]:
        """Extra figures of a finished run for the summary (baselines, plots written into ``run``)."""
        return {}

    def announce(self, config: Any) -> str:
        """One line that says what a run of this config will do."""
        return f"{self.description}; {config.train.epochs} epochs"

    def verdict(self, summary: Mapping[str, Any]) -> list[str]:
        """Lines that say what the summary means, printed after it (default: none)."""
        return []

    @abstractmethod
    def predict(
        self,
        config: Any,
        model: nn.Module,
        artifacts: Mapping[str, Any],
        inputs: Sequence[Any],
        data_dir: str | None,
    ) -> list[dict[str, Any]]:
        """The answer for each input of one batch, in the task's terms (one dict per input, without
        the input itself: the runner names it). Inputs are what :attr:`input_kind` says: strings, or
        for ``"item"`` paths, ``test:N`` or in-memory examples (e.g. an image array)."""


def split_counts(prepared: Prepared) -> dict[str, int]:
    """Examples per split, for the summary."""
    counts = {"train_examples": len(prepared.train), "test_examples": len(prepared.test)}
    if prepared.validation is not None:
        counts["validation_examples"] = len(prepared.validation)
    return counts


def perplexity_figures(figures: Mapping[str, Any]) -> dict[str, Any]:
    """``<prefix>_perplexity = exp(<prefix>_loss)`` beside each loss in nats (a language model's or a
    translation model's ``derived_figures``); losses of 50 and above are left without one (overflow)."""
    import math

    return {
        name.replace("loss", "perplexity"): round(math.exp(value), 4)
        for name, value in figures.items()
        if name.endswith("loss") and isinstance(value, float) and value < 50
    }
