"""rnnkit.reference.clipping against torch.nn.utils.clip_grad_norm_ and clip_grad_value_."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from rnnkit.reference import clip_by_global_norm, clip_by_value


def _grads(scale: float) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    return {
        "W": rng.standard_normal((4, 3)) * scale,
        "U": rng.standard_normal((4, 4)) * scale,
        "b": rng.standard_normal(4),
    }


def _torch_clip_norm(grads, max_norm):
    tensors = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads.values()]
    for t, g in zip(tensors, grads.values(), strict=True):
        t.grad = torch.from_numpy(g.copy())
    total = torch.nn.utils.clip_grad_norm_(tensors, max_norm)
    return dict(zip(grads, (t.grad.numpy() for t in tensors), strict=True)), float(total)


@pytest.mark.parametrize("scale,max_norm", [(10.0, 1.0), (1.0, 3.0), (0.1, 100.0)])
def test_clip_by_global_norm_matches_torch(scale, max_norm):
    grads = _grads(scale)
    originals = {k: v.copy() for k, v in grads.items()}
    clipped, total = clip_by_global_norm(grads, max_norm)
    ref, ref_total = _torch_clip_norm(grads, max_norm)
    assert abs(total - ref_total) < 1e-12 * max(1.0, ref_total)
    for key in grads:
        np.testing.assert_allclose(clipped[key], ref[key], rtol=1e-14, atol=1e-15)
        np.testing.assert_array_equal(grads[key], originals[key])  # the input is left alone
    new_norm = np.sqrt(sum(np.sum(g**2) for g in clipped.values()))
    assert new_norm <= max_norm
    if total < max_norm:
        for key in grads:
            np.testing.assert_array_equal(clipped[key], grads[key])


def test_clip_by_global_norm_of_zero_gradients():
    clipped, total = clip_by_global_norm({"a": np.zeros(3)}, 1.0)
    assert total == 0.0
    np.testing.assert_array_equal(clipped["a"], 0.0)


def test_clip_by_value_matches_torch():
    grads = _grads(3.0)
    clipped = clip_by_value(grads, 2.0)
    for key, g in grads.items():
        t = torch.zeros(g.shape, dtype=torch.float64, requires_grad=True)
        t.grad = torch.from_numpy(g.copy())
        torch.nn.utils.clip_grad_value_([t], 2.0)
        np.testing.assert_array_equal(clipped[key], t.grad.numpy())


def test_clipping_rejects_non_positive_limits():
    with pytest.raises(ValueError, match="max_norm must be > 0, got 0"):
        clip_by_global_norm({"a": np.ones(2)}, 0)
    with pytest.raises(ValueError, match="clip_value must be > 0, got -1"):
        clip_by_value({"a": np.ones(2)}, -1)
