"""rnnkit.kernels: the compiled LSTM and GRU step kernels equal the torch operations they replace, on
strided rows too, in float32 and float64; where they cannot build, the cells fall back cleanly."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import torch
from helpers import assert_close

import rnnkit.kernels as kernels
from rnnkit.cells.gru import gru_gates_backward, gru_gates_saved
from rnnkit.cells.lstm import LSTMCell

TOLERANCE = {torch.float32: 1e-5, torch.float64: 1e-12}


@pytest.fixture(scope="module")
def native():
    module = kernels.native()
    assert module is not None, kernels.why_not_native()  # this machine has a compiler: it must build
    return module


def strided_rows(B: int, features: int, dtype: torch.dtype, seed: int) -> torch.Tensor:
    """``(B, features)`` rows of a wider tensor, as ``x_proj[:, t]`` gives them."""
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(B, 3, features, generator=gen, dtype=dtype)[:, 1] * 2


def without_kernels(fn, *args):
    kernels.enabled = False
    try:
        return fn(*args)
    finally:
        kernels.enabled = True


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_lstm_kernels_equal_the_torch_operations(native, dtype):
    B, H = 5, 7
    cell = LSTMCell(3, H).to(dtype)
    x_proj, rec = strided_rows(B, 4 * H, dtype, 0), strided_rows(B, 4 * H, dtype, 1)
    c_prev = strided_rows(B, H, dtype, 2)
    state = (torch.zeros(B, H, dtype=dtype), c_prev)
    compiled = cell.bptt_step(x_proj, rec, state, {})
    reference = without_kernels(cell.bptt_step, x_proj, rec, state, {})
    for mine, ref in zip((*compiled[0], *compiled[1]), (*reference[0], *reference[1]), strict=True):
        assert_close(mine, ref, TOLERANCE[dtype], "lstm forward")
    d_state = (strided_rows(B, H, dtype, 3), strided_rows(B, H, dtype, 4))
    grads = cell.bptt_step_backward(compiled[1], d_state, {})
    grads_ref = without_kernels(cell.bptt_step_backward, reference[1], d_state, {})
    assert_close(grads.x_proj, grads_ref.x_proj, TOLERANCE[dtype], "d gates")
    assert_close(grads.state[1], grads_ref.state[1], TOLERANCE[dtype], "d c_prev")


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_gru_kernels_equal_the_torch_operations(native, dtype):
    B, H = 4, 6
    x_proj, h_proj, h = (
        strided_rows(B, 3 * H, dtype, 0),
        strided_rows(B, 3 * H, dtype, 1),
        strided_rows(B, H, dtype, 2),
    )
    (h_new, saved), (h_ref, saved_ref) = (
        gru_gates_saved(x_proj, h_proj, h),
        without_kernels(gru_gates_saved, x_proj, h_proj, h),
    )
    assert_close(h_new[0], h_ref[0], TOLERANCE[dtype], "gru h_t")
    d_h = strided_rows(B, H, dtype, 3)
    for mine, ref, name in zip(
        gru_gates_backward(saved, d_h),
        without_kernels(gru_gates_backward, saved_ref, d_h),
        ("dx", "dh_proj", "dh"),
        strict=True,
    ):
        assert_close(mine, ref, TOLERANCE[dtype], f"gru {name}")


def test_saturated_gates_stay_finite(native):
    x = torch.tensor([[-1e4, 1e4, -1e4, 1e4]], dtype=torch.float32)
    h, c, activated, tanh_c = native.lstm_step_forward(x, torch.zeros_like(x), torch.zeros(1, 1))
    assert torch.isfinite(activated).all()
    assert_close(activated, torch.tensor([[0.0, 1.0, -1.0, 1.0]]), 1e-30, "saturated gates")


def test_wrong_shapes_are_refused_with_the_name(native):
    with pytest.raises(RuntimeError, match=r"rec_t must be \(2, 8\)"):
        native.lstm_step_forward(torch.zeros(2, 8), torch.zeros(2, 4), torch.zeros(2, 2))


def test_no_kernels_off_the_cpu_float_path():
    assert kernels.usable(torch.zeros(2, 3, dtype=torch.bfloat16)) is None
    assert kernels.usable(torch.zeros(4, 6).t()) is None  # features not contiguous


def test_switched_off_or_failed_builds_fall_back_with_the_reason():
    code = (
        "import rnnkit.kernels as k, rnnkit, torch\n"
        "print(k.native(), k.why_not_native())\n"
        "layer = rnnkit.LSTM(2, 3, backend='bptt')\n"
        "out, _ = layer(torch.randn(1, 4, 2)); out.sum().backward(); print('trained')\n"
    )
    off = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, "RNNKIT_NATIVE": "0"}
    )
    assert off.returncode == 0, off.stderr
    assert "None switched off by RNNKIT_NATIVE=0" in off.stdout and "trained" in off.stdout
    broken = code.replace(
        "import rnnkit.kernels as k, rnnkit, torch\n",
        "import rnnkit.kernels as k, rnnkit, torch, torch.utils.cpp_extension as c\n"
        "def fail(**_): raise OSError('no compiler here')\n"
        "c.load = fail\n",
    )
    failed = subprocess.run([sys.executable, "-c", broken], capture_output=True, text=True)
    assert failed.returncode == 0, failed.stderr
    assert "the C++ kernels did not build (OSError: no compiler here)" in failed.stdout
    assert "trained" in failed.stdout
