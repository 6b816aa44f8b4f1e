"""Speed of rnnkit's RNN (tanh), GRU and LSTM against torch.nn's, measured side by side in one run.

What it measures:
    For each cell, shape and mode, the throughput in tokens/s (batch * time per second) of a
    torch.nn layer and of the rnnkit layer with the same configuration, the same weights (copied
    with ``load_state_dict``) and the same input.

    * ``train``: one training step: forward, ``output.square().mean()``, backward, Adam step,
      ``zero_grad``; the model in train mode.
    * ``infer``: one forward under ``torch.inference_mode()``, the model in eval mode.

    Each rnnkit backend is its own row against torch.nn: ``auto`` (which takes the fused path: the
    column ``backend`` shows what it resolved to), ``bptt`` (the hand-written backpropagation through
    time, compiled step kernels where they build) and ``loop`` (the cell's equations stepped in
    Python; autograd does the backward).

    The variants torch.nn lacks (``--cells layernorm_lstm,layernorm_gru,lstm_rd,gru_rd``: the
    layer-norm cells, and recurrent dropout 0.25) are timed against torch.nn's *plain* cell of the
    same shape: their ratio is the plain kernel's time over the variant's (the issue's target: the
    variant within 1.3x the plain cell, a ratio >= 0.77).

How:
    ``torch.set_num_threads(--threads)``; warm-up calls of both contenders; then the number of inner
    calls that makes one measurement last at least ~20 ms is found for each; then pairs of
    measurements, one of torch.nn and one of rnnkit, in a random order within each pair. Times come
    from ``time.perf_counter`` on a CPU and from CUDA events (after a synchronize) on a GPU; the
    garbage collector is paused while a measurement runs (as ``timeit`` does). The number of pairs
    per row is what fits a time budget, within bounds (fewer for the slow loop backend).

Reading the table:
    ``ratio`` is rnnkit's throughput over torch.nn's (= torch.nn's time / rnnkit's time), computed
    pair by pair; the table shows the median over the pairs and their min..max. Above 1 rnnkit is
    faster, below 1 slower; 0.97 means rnnkit takes about 3% longer. Only ratios measured in the
    same run compare: shared machines drift by 15% or more between runs, but a drift slows both
    members of a pair alike. ``tok/s`` columns are medians over the pairs. For ``loop`` rows,
    ``loop us/step`` is the median over pairs of (t_loop - t_torch) / (T * layers * directions):
    what stepping in Python costs per cell step (for ``train``, forward and backward together).

Ragged batches (``--ragged``):
    A bidirectional GRU and LSTM, B=64, T=240, D=H=128, with random lengths (seeded; the longest is
    T). Every row is timed against torch.nn fed a ``pack_padded_sequence``, the usual way to run a
    ragged batch in PyTorch:

    * ``rnnkit``: the rnnkit layer with ``lengths=`` (``backend="auto"``; the column ``path`` says
      whether it ran the padded kernel layer by layer or packed, see ``fused.ragged_strategy``: on
      the CPU it pads single-state cells while training and packs in inference);
    * ``rnnkit-bptt``: the same with ``backend="bptt"`` (padded steps masked inside the one node);
    * ``padded``: torch.nn on the padded batch, lengths ignored: what the padded kernel costs on the
      same tensor (its outputs past each length are wrong; it is a speed reference, not a method).

    ``ratio`` is then t_packed / t_other pair by pair (> 1: faster than packing); tok/s counts real
    tokens (the sum of the lengths).

Usage:
    python bench/layers.py                    # the default grid, ~3.5 min on 2 idle CPU cores
    python bench/layers.py --quick            # a smoke test, under 30 s
    python bench/layers.py --markdown --json results.json --cells lstm --backends auto
    python bench/layers.py --ragged --threads 1 --cells gru,lstm --markdown   # ragged rows
"""

from __future__ import annotations

import argparse
import copy
import datetime
import functools
import gc
import json
import math
import os
import platform
import random
import shlex
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

import rnnkit
from rnnkit.layers import fused

LAYERS: dict[str, tuple[type[nn.Module], type[nn.Module], dict[str, float]]] = {
    "rnn": (rnnkit.RNN, nn.RNN, {}),  # tanh, the default of both
    "gru": (rnnkit.GRU, nn.GRU, {}),
    "lstm": (rnnkit.LSTM, nn.LSTM, {}),
    # the variants torch.nn lacks, each timed against torch.nn's plain cell of the same shape
    "layernorm_lstm": (rnnkit.LayerNormLSTM, nn.LSTM, {}),
    "layernorm_gru": (rnnkit.LayerNormGRU, nn.GRU, {}),
    "lstm_rd": (rnnkit.LSTM, nn.LSTM, {"recurrent_dropout": 0.25}),
    "gru_rd": (rnnkit.GRU, nn.GRU, {"recurrent_dropout": 0.25}),
}
DIFFERENT_MATHS = ("layernorm_lstm", "layernorm_gru")  # outputs not comparable with torch.nn's plain cell
BACKENDS = ("auto", "bptt", "fused", "loop")
MODES = ("train", "infer")


@dataclass(frozen=True)
class Shape:
    """One layer configuration: B batch, T time, D input features, H hidden, L layers, K directions."""

    batch: int
    time: int
    input: int
    hidden: int
    layers: int = 1
    bidirectional: bool = False

    @property
    def directions(self) -> int:
        return 2 if self.bidirectional else 1

    @property
    def tokens(self) -> int:
        return self.batch * self.time

    @property
    def cell_steps(self) -> int:
        """Sequential cell steps per forward: T * L * K."""
        return self.time * self.layers * self.directions


@dataclass(frozen=True)
class Reps:
    """How many pairs to time in a row: what fits ``budget_s`` seconds, within [least, most]."""

    least: int
    most: int
    budget_s: float

    def count(self, pair_s: float) -> int:
        return min(self.most, max(self.least, int(self.budget_s / max(pair_s, 1e-9))))


@dataclass(frozen=True)
class Effort:
    """How hard to measure: warm-up calls, seconds per measurement, pairs for fast and loop rows."""

    warmup: int
    min_time_s: float
    fast: Reps
    loop: Reps


DEFAULT_GRID = (
    Shape(32, 64, 32, 64),
    Shape(64, 128, 64, 128),
    Shape(16, 256, 128, 256),
    Shape(64, 128, 64, 128, layers=2),
    Shape(64, 128, 64, 128, bidirectional=True),
)
QUICK_GRID = (Shape(8, 16, 16, 32), Shape(8, 16, 16, 32, layers=2, bidirectional=True))
DEFAULT_EFFORT = Effort(warmup=2, min_time_s=0.02, fast=Reps(11, 41, 7.0), loop=Reps(3, 9, 5.0))
QUICK_EFFORT = Effort(warmup=1, min_time_s=0.005, fast=Reps(3, 3, 0.0), loop=Reps(3, 3, 0.0))
RAGGED_SHAPE = Shape(64, 240, 128, 128, bidirectional=True)
QUICK_RAGGED_SHAPE = Shape(8, 24, 16, 16, bidirectional=True)
RAGGED_CONTENDERS = ("rnnkit", "rnnkit-bptt", "padded")
RAGGED_EFFORT = Effort(warmup=1, min_time_s=0.02, fast=Reps(3, 7, 20.0), loop=Reps(3, 3, 0.0))


# -- the statistics -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """Median and range of a set of measurements."""

    median: float
    low: float
    high: float


def summarise(values: Sequence[float]) -> Summary:
    """Median, min and max of ``values`` (at least one)."""
    if not values:
        raise ValueError("summarise: no values to summarise; time at least one pair.")
    return Summary(statistics.median(values), min(values), max(values))


def pair_ratios(torch_s: Sequence[float], rnnkit_s: Sequence[float]) -> list[float]:
    """Throughput ratio rnnkit/torch.nn of each pair: torch.nn's time over rnnkit's (> 1: rnnkit faster)."""
    if len(torch_s) != len(rnnkit_s):
        raise ValueError(f"pair_ratios: {len(torch_s)} torch.nn times but {len(rnnkit_s)} rnnkit times.")
    return [t / r for t, r in zip(torch_s, rnnkit_s, strict=True)]


def step_overhead_us(torch_s: Sequence[float], rnnkit_s: Sequence[float], cell_steps: int) -> Summary:
    """Extra microseconds per cell step of rnnkit over torch.nn, pair by pair: (t_r - t_t) / steps."""
    return summarise([(r - t) / cell_steps * 1e6 for t, r in zip(torch_s, rnnkit_s, strict=True)])


# -- timing ---------------------------------------------------------------------------------------


class Timer:
    """Seconds taken by ``n`` calls of ``fn``: perf_counter on a CPU, CUDA events on a GPU."""

    def __init__(self, device: torch.device) -> None:
        self.device = device

    def __call__(self, fn: Callable[[], None], n: int) -> float:
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            if self.device.type == "cuda":
                return self._cuda(fn, n)
            start = time.perf_counter()
            for _ in range(n):
                fn()
            return time.perf_counter() - start
        finally:
            if gc_was_enabled:
                gc.enable()

    def _cuda(self, fn: Callable[[], None], n: int) -> float:
        start = torch.cuda.Event(enable_timing=True)
        end = torch.cuda.Event(enable_timing=True)
        torch.cuda.synchronize(self.device)
        start.record()
        for _ in range(n):
            fn()
        end.record()
        end.synchronize()
        return start.elapsed_time(end) / 1e3  # ms -> s


def calibrate(timer: Timer, fn: Callable[[], None], min_time_s: float) -> tuple[int, float]:
    """Inner calls ``n`` that make one measurement last >= ``min_time_s``, and seconds per call."""
    n = 1
    while True:
        elapsed = timer(fn, n)
        if elapsed >= min_time_s or n >= 1_000_000:
            return n, elapsed / n
        n = max(n + 1, math.ceil(1.2 * n * min_time_s / max(elapsed, 1e-9)))


def time_pairs(
    timer: Timer, steps: tuple[Callable[[], None], ...], inner: tuple[int, ...], reps: int, rng: random.Random
) -> tuple[list[float], list[float]]:
    """Seconds per call of torch.nn (steps[0]) and rnnkit (steps[1]), pair by pair, in random order."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(reps):
        order = [0, 1]
        rng.shuffle(order)
        for who in order:
            times[who].append(timer(steps[who], inner[who]) / inner[who])
    return times


# -- the workloads --------------------------------------------------------------------------------


def build_pair(
    cell: str, shape: Shape, backend: str, device: torch.device, seed: int
) -> tuple[nn.Module, nn.Module, Tensor]:
    """A torch.nn layer, the rnnkit layer with the same weights, and an input ``(B, T, D)``."""
    ours_class, theirs_class, extra = LAYERS[cell]
    torch.manual_seed(seed)
    config = {"num_layers": shape.layers, "bidirectional": shape.bidirectional, "batch_first": True}
    ours = ours_class(shape.input, shape.hidden, **config, **extra, backend=backend).to(device)
    theirs = theirs_class(shape.input, shape.hidden, **config).to(device)
    theirs.load_state_dict(ours.state_dict(), strict=cell not in DIFFERENT_MATHS)
    x = torch.randn(shape.batch, shape.time, shape.input, device=device)  # (B, T, D)
    return theirs, ours, x


def check_same_outputs(
    theirs: nn.Module, ours: nn.Module, theirs_forward: Forward, ours_forward: Forward
) -> None:
    """Refuse to time two layers that do not compute the same thing."""
    with torch.inference_mode():
        expected = theirs_forward(theirs.eval())  # (B, T, K*H)
        got = ours_forward(ours.eval())  # (B, T, K*H)
    tolerance = 1e-4 if got.device.type == "cpu" else 2e-3  # cuDNN may use TF32
    error = float((got - expected).abs().max())
    if error > tolerance:
        raise RuntimeError(f"rnnkit and torch.nn outputs differ by {error:.3g} (> {tolerance}).")


Forward = Callable[[nn.Module], Tensor]
"""How a contender calls its layer: ``forward(model) -> output (B, T, K*H)``."""


def padded_forward(x: Tensor, lengths: Tensor | None = None) -> Forward:
    """``model(x)``, or ``model(x, lengths=lengths)`` (rnnkit's ragged batches)."""
    if lengths is None:
        return lambda model: model(x)[0]
    return lambda model: model(x, lengths=lengths)[0]


def packed_forward(x: Tensor, lengths: Tensor) -> Forward:
    """torch.nn's way with a ragged batch: pack, run, pad back (both conversions are timed)."""

    def forward(model: nn.Module) -> Tensor:
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        output, _ = model(packed)
        return pad_packed_sequence(output, batch_first=True, total_length=x.shape[1])[0]

    return forward


def training_step(model: nn.Module, forward: Forward) -> Callable[[], None]:
    """One step of training: forward, a simple loss, backward, Adam, zero_grad."""
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step() -> None:
        forward(model).square().mean().backward()  # output (B, T, K*H)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)

    return step


def inference_step(model: nn.Module, forward: Forward) -> Callable[[], None]:
    """One forward in eval mode, under inference_mode."""
    model.eval()

    def step() -> None:
        with torch.inference_mode():
            forward(model)

    return step


@dataclass
class Row:
    """One line of the table: raw per-call seconds of each pair, and what they summarise to."""

    cell: str
    mode: str
    shape: Shape
    backend: str
    resolved: str
    inner: tuple[int, int]
    torch_s: list[float]
    rnnkit_s: list[float]

    @property
    def ratio(self) -> Summary:
        return summarise(pair_ratios(self.torch_s, self.rnnkit_s))

    @property
    def torch_tokens_per_s(self) -> float:
        return self.shape.tokens / statistics.median(self.torch_s)

    @property
    def rnnkit_tokens_per_s(self) -> float:
        return self.shape.tokens / statistics.median(self.rnnkit_s)

    @property
    def overhead_us(self) -> Summary | None:
        if self.resolved != "loop":
            return None
        return step_overhead_us(self.torch_s, self.rnnkit_s, self.shape.cell_steps)


def measure_row(
    cell: str, mode: str, shape: Shape, backend: str, *, effort: Effort, timer: Timer, rng: random.Random,
    seed: int,
) -> Row:  # fmt: skip
    """Build both layers, check them equal, warm up, calibrate, and time pairs."""
    theirs, ours, x = build_pair(cell, shape, backend, timer.device, seed)
    if cell not in DIFFERENT_MATHS:
        check_same_outputs(theirs, ours, padded_forward(x), padded_forward(x))
    make_step = training_step if mode == "train" else inference_step
    steps = (make_step(theirs, padded_forward(x)), make_step(ours, padded_forward(x)))
    resolved = ours.resolve_backend(x)  # after make_step has set train/eval mode
    reps = effort.fast if resolved == "fused" else effort.loop
    inner, torch_s, rnnkit_s = time_contenders(timer, steps, effort, reps, rng)
    return Row(cell, mode, shape, backend, resolved, inner, torch_s, rnnkit_s)


def time_contenders(
    timer: Timer, steps: tuple[Callable[[], None], ...], effort: Effort, reps: Reps, rng: random.Random
) -> tuple[tuple[int, int], list[float], list[float]]:
    """Warm up, calibrate the inner calls of each contender, and time as many pairs as ``reps`` allows."""
    for step in steps:
        for _ in range(effort.warmup):
            step()
    calibrated = [calibrate(timer, step, effort.min_time_s) for step in steps]
    inner = (calibrated[0][0], calibrated[1][0])
    pair_s = sum(n * per_call for n, per_call in calibrated)
    first_s, second_s = time_pairs(timer, steps, inner, reps.count(pair_s), rng)
    return inner, first_s, second_s


# -- ragged batches -------------------------------------------------------------------------------


def ragged_lengths(batch: int, time: int, seed: int) -> Tensor:
    """``(batch,)`` int64 lengths, uniform in ``[time // 8, time]`` (seeded); the first is ``time``, so the
    batch is exactly ``time`` wide."""
    generator = torch.Generator().manual_seed(seed)
    lengths = torch.randint(max(1, time // 8), time + 1, (batch,), generator=generator)
    lengths[0] = time
    return lengths


def ragged_path(layer: nn.Module, x: Tensor, needs_grad: bool) -> str:
    """What an rnnkit layer runs for a ragged batch: the loop, or the fused kernels padded or packed."""
    backend = layer.resolve_backend(x)
    mode = fused.kernel_mode(layer.cell)
    if backend != "fused" or mode is None:
        return backend
    return f"fused-{fused.ragged_strategy(mode, x.device, needs_grad)}"


@dataclass
class RaggedRow:
    """One ragged line: torch.nn packed against ``contender`` (rnnkit with lengths, or torch.nn padded)."""

    cell: str
    mode: str
    shape: Shape
    lengths: list[int]
    contender: str
    path: str
    inner: tuple[int, int]
    packed_s: list[float]
    other_s: list[float]

    @property
    def ratio(self) -> Summary:
        return summarise(pair_ratios(self.packed_s, self.other_s))  # t_packed / t_other

    @property
    def real_tokens(self) -> int:
        return sum(self.lengths)

    @property
    def packed_tokens_per_s(self) -> float:
        return self.real_tokens / statistics.median(self.packed_s)

    @property
    def other_tokens_per_s(self) -> float:
        return self.real_tokens / statistics.median(self.other_s)


def measure_ragged_row(
    cell: str, mode: str, shape: Shape, contender: str, *, effort: Effort, timer: Timer, rng: random.Random,
    seed: int,
) -> RaggedRow:  # fmt: skip
    """torch.nn packed against rnnkit with ``lengths`` (checked equal) or against torch.nn padded."""
    backend = "bptt" if contender == "rnnkit-bptt" else "auto"
    theirs, ours, x = build_pair(cell, shape, backend, timer.device, seed)
    lengths = ragged_lengths(shape.batch, shape.time, seed)  # (B,) on the CPU, as a data loader gives it
    packed = packed_forward(x, lengths)
    if contender.startswith("rnnkit"):
        other_model, other = ours, padded_forward(x, lengths)
        check_same_outputs(theirs, ours, packed, other)
    else:
        other_model, other = copy.deepcopy(theirs), padded_forward(x)
    make_step = training_step if mode == "train" else inference_step
    steps = (make_step(theirs, packed), make_step(other_model, other))
    path = (
        ragged_path(ours, x, mode == "train") if contender.startswith("rnnkit") else "torch.nn"
    )  # mode set above
    inner, packed_s, other_s = time_contenders(timer, steps, effort, effort.fast, rng)
    return RaggedRow(cell, mode, shape, lengths.tolist(), contender, path, inner, packed_s, other_s)


# -- reporting ------------------------------------------------------------------------------------


def machine_description(device: torch.device) -> str:
    """The CPU model (from /proc/cpuinfo where there is one), and the GPU's name on CUDA."""
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    text = f"cpu: {cpu} ({os.cpu_count()} logical CPUs)"
    if device.type == "cuda":
        text = f"cuda: {torch.cuda.get_device_name(device)}; {text}"
    return text


def git_revision() -> str:
    """The repository's commit (with ``+dirty`` for local changes), or ``unknown``."""
    here = Path(__file__).resolve().parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=here, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=here, capture_output=True, text=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + ("+dirty" if dirty else "")


def command_line() -> str:
    """How this run was started, with the interpreter relative to the working directory when inside it."""
    python = Path(sys.executable)
    try:
        python = python.relative_to(Path.cwd())
    except ValueError:
        pass
    return shlex.join([str(python), *sys.argv])


def run_header(args: argparse.Namespace, device: torch.device, effort: Effort) -> dict[str, str]:
    """Everything needed to say how the numbers were obtained."""
    return {
        "command": command_line(),
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "rnnkit": f"{rnnkit.__version__} (git {git_revision()})",
        "device": machine_description(device),
        "threads": f"torch.set_num_threads({args.threads}) -> get_num_threads() = {torch.get_num_threads()}",
        "load average at start": " ".join(f"{v:.2f}" for v in os.getloadavg()),
        "method": (
            f"warm-up: {effort.warmup} calls each; >= {effort.min_time_s * 1e3:.0f} ms per measurement; "
            f"{'torch.nn packed and each contender' if args.ragged else 'torch.nn and rnnkit'} timed in "
            f"pairs, random order within each pair (seed {args.seed}); "
            f"{'CUDA events' if device.type == 'cuda' else 'time.perf_counter'}"
        ),
    }


COLUMNS = (
    "cell", "mode", "BxTxDxH", "L", "K", "backend", "pairs", "calls", "torch.nn[tok/s]", "rnnkit[tok/s]",
    "ratio", "min..max", "loop[us/step]",
)  # fmt: skip


def si(value: float) -> str:
    """1234567 -> '1.23M'."""
    for factor, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= factor:
            return f"{value / factor:.3g}{suffix}"
    return f"{value:.3g}"


def row_cells(row: Row) -> list[str]:
    """The table cells of one row, as text."""
    s, ratio, overhead = row.shape, row.ratio, row.overhead_us
    backend = row.backend if row.backend == row.resolved else f"{row.backend}->{row.resolved}"
    return [
        row.cell,
        row.mode,
        f"{s.batch}x{s.time}x{s.input}x{s.hidden}",
        str(s.layers),
        str(s.directions),
        backend,
        str(len(row.torch_s)),
        f"{row.inner[0]}/{row.inner[1]}",
        si(row.torch_tokens_per_s),
        si(row.rnnkit_tokens_per_s),
        f"{ratio.median:.3f}",
        f"{ratio.low:.3f}..{ratio.high:.3f}",
        "-" if overhead is None else f"{overhead.median:.1f}",
    ]


LEGEND = (
    "ratio = rnnkit tok/s / torch.nn tok/s (= torch.nn time / rnnkit time) per pair; median and min..max "
    "over the pairs; > 1 means rnnkit is faster. tok/s = batch*time per second, medians over the pairs. "
    "pairs = timed pairs; calls = calls per measurement (torch.nn/rnnkit). L layers, K directions. "
    "loop[us/step] = median over pairs of (t_loop - t_torch) / (T*L*K), microseconds per cell step "
    "(train: forward + backward + Adam)."
)


RAGGED_COLUMNS = (
    "cell", "mode", "BxTxDxH", "K", "lengths", "contender", "path", "pairs", "calls", "packed[tok/s]",
    "other[tok/s]", "ratio", "min..max",
)  # fmt: skip


def ragged_row_cells(row: RaggedRow) -> list[str]:
    """The table cells of one ragged row, as text."""
    s, ratio = row.shape, row.ratio
    return [
        row.cell,
        row.mode,
        f"{s.batch}x{s.time}x{s.input}x{s.hidden}",
        str(s.directions),
        f"{min(row.lengths)}..{max(row.lengths)} (mean {statistics.mean(row.lengths):.0f})",
        row.contender,
        row.path,
        str(len(row.packed_s)),
        f"{row.inner[0]}/{row.inner[1]}",
        si(row.packed_tokens_per_s),
        si(row.other_tokens_per_s),
        f"{ratio.median:.3f}",
        f"{ratio.low:.3f}..{ratio.high:.3f}",
    ]


RAGGED_LEGEND = (
    "ratio = t_packed / t_other per pair (> 1: the contender is faster than torch.nn on a packed "
    "sequence); median and min..max over the pairs. contender rnnkit = the rnnkit layer with lengths "
    "(path: fused-padded = the padded kernel layer by layer, fused-packed = packed as torch.nn); padded = "
    "torch.nn on the padded batch with the lengths ignored (a speed reference: its outputs past each "
    "length are wrong). tok/s = real tokens (sum of lengths) per second, medians over the pairs. "
    "calls = calls per measurement (packed/other)."
)


def format_table(
    header: dict[str, str], columns: Sequence[str], body: Sequence[Sequence[str]], legend: str, markdown: bool
) -> str:
    """The header lines, the table (plain columns or Markdown) and the legend."""
    if markdown:
        lines = [f"- **{key}**: `{value}`" for key, value in header.items()]
        lines += ["", "| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        lines += ["| " + " | ".join(cells) + " |" for cells in body]
        return "\n".join([*lines, "", legend])
    key_width = max(len(key) for key in header)
    lines = [f"{key:<{key_width}} : {value}" for key, value in header.items()]
    widths = [max(len(text) for text in column) for column in zip(columns, *body, strict=True)]
    for cells in (columns, *body):
        lines.append("  ".join(text.rjust(width) for text, width in zip(cells, widths, strict=True)))
    return "\n".join([*lines[: len(header)], "", *lines[len(header) :], "", legend])


def row_json(row: Row) -> dict[str, object]:
    ratio, overhead = row.ratio, row.overhead_us
    return {
        "cell": row.cell,
        "mode": row.mode,
        "shape": asdict(row.shape),
        "backend": row.backend,
        "resolved": row.resolved,
        "calls_per_measurement": {"torch": row.inner[0], "rnnkit": row.inner[1]},
        "torch_s_per_call": row.torch_s,
        "rnnkit_s_per_call": row.rnnkit_s,
        "ratios": pair_ratios(row.torch_s, row.rnnkit_s),
        "ratio": asdict(ratio),
        "torch_tokens_per_s": row.torch_tokens_per_s,
        "rnnkit_tokens_per_s": row.rnnkit_tokens_per_s,
        "loop_overhead_us_per_step": None if overhead is None else asdict(overhead),
    }


def ragged_row_json(row: RaggedRow) -> dict[str, object]:
    return {
        "cell": row.cell,
        "mode": row.mode,
        "shape": asdict(row.shape),
        "lengths": row.lengths,
        "contender": row.contender,
        "path": row.path,
        "calls_per_measurement": {"packed": row.inner[0], "other": row.inner[1]},
        "packed_s_per_call": row.packed_s,
        "other_s_per_call": row.other_s,
        "ratios": pair_ratios(row.packed_s, row.other_s),
        "ratio": asdict(row.ratio),
        "packed_tokens_per_s": row.packed_tokens_per_s,
        "other_tokens_per_s": row.other_tokens_per_s,
    }


# -- command line ---------------------------------------------------------------------------------


def parse_list(text: str, allowed: Sequence[str], flag: str, parser: argparse.ArgumentParser) -> list[str]:
    items = [item.strip() for item in text.split(",") if item.strip()]
    unknown = [item for item in items if item not in allowed]
    if unknown or not items:
        parser.error(f"{flag}: got {text!r}; expected a comma-separated subset of {','.join(allowed)}.")
    return items


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny grid, few pairs: a smoke test")
    parser.add_argument(
        "--ragged",
        action="store_true",
        help="ragged-batch rows (B=64, T=240, random lengths) instead of the grid",
    )
    parser.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    parser.add_argument(
        "--cells",
        default="rnn,gru,lstm",
        help=f"subset of {','.join(LAYERS)} (variants against torch.nn's plain cell)",
    )
    parser.add_argument(
        "--backends",
        default="auto,loop",
        help="rnnkit backends: subset of auto,bptt,fused,loop (not --ragged)",
    )
    parser.add_argument("--modes", default="train,infer", help="subset of train,infer")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the raw results here")
    parser.add_argument("--seed", type=int, default=0, help="weights, inputs and pair order")
    args = parser.parse_args(argv)
    cells = parse_list(args.cells, tuple(LAYERS), "--cells", parser)
    backends = parse_list(args.backends, BACKENDS, "--backends", parser)
    modes = parse_list(args.modes, MODES, "--modes", parser)
    if args.threads < 1:
        parser.error(f"--threads: got {args.threads}; expected an integer >= 1.")
    if args.device == "cuda" and not torch.cuda.is_available():
        parser.error("--device cuda: this torch build sees no CUDA device; run with --device cpu.")

    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    if args.ragged:
        effort = QUICK_EFFORT if args.quick else RAGGED_EFFORT
        shape = QUICK_RAGGED_SHAPE if args.quick else RAGGED_SHAPE
        plan = [
            functools.partial(measure_ragged_row, c, m, shape, o)
            for c in cells
            for m in modes
            for o in RAGGED_CONTENDERS
        ]
        columns, legend, cells_of, json_of = RAGGED_COLUMNS, RAGGED_LEGEND, ragged_row_cells, ragged_row_json
    else:
        effort = QUICK_EFFORT if args.quick else DEFAULT_EFFORT
        grid = QUICK_GRID if args.quick else DEFAULT_GRID
        plan = [
            functools.partial(measure_row, c, m, s, b)
            for s in grid
            for c in cells
            for m in modes
            for b in backends
        ]
        columns, legend, cells_of, json_of = COLUMNS, LEGEND, row_cells, row_json
    header = run_header(args, device, effort)
    rng = random.Random(args.seed)
    timer = Timer(device)
    rows = []
    start = time.perf_counter()
    for index, measure_one in enumerate(plan, 1):
        row_start = time.perf_counter()
        row = measure_one(effort=effort, timer=timer, rng=rng, seed=args.seed)
        rows.append(row)
        gc.collect()
        print(
            f"[{index}/{len(plan)}] {' '.join(cells_of(row)[:6])}: ratio {row.ratio.median:.3f} "
            f"({time.perf_counter() - row_start:.1f} s)",
            file=sys.stderr,
            flush=True,
        )
    header["load average at end"] = " ".join(f"{v:.2f}" for v in os.getloadavg())
    header["wall time"] = f"{time.perf_counter() - start:.0f} s"
    print(format_table(header, columns, [cells_of(row) for row in rows], legend, args.markdown))
    if args.json is not None:
        payload = {"header": header, "effort": asdict(effort), "rows": [json_of(row) for row in rows]}
        args.json.write_text(json.dumps(payload, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
