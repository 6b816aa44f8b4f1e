"""rnnkit.reference.losses: cross-entropy and MSE against torch.nn.functional, values and gradients."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from rnnkit.reference import mean_squared_error, softmax_cross_entropy

TOL = dict(rtol=0, atol=1e-12)


def _torch_ce(logits, targets, mask=None):
    logits_t = torch.from_numpy(logits).requires_grad_()
    targets_t = torch.from_numpy(targets)
    if mask is None:
        loss = F.cross_entropy(logits_t.reshape(-1, logits.shape[-1]), targets_t.reshape(-1))
    else:
        m = torch.from_numpy(mask)
        loss = F.cross_entropy(logits_t[m], targets_t[m])
    loss.backward()
    return loss.item(), logits_t.grad.numpy()


@pytest.mark.parametrize("with_mask", [False, True])
def test_cross_entropy_matches_torch(with_mask):
    rng = np.random.default_rng(0)
    logits = rng.standard_normal((3, 5, 7)) * 3  # (B, T, V)
    targets = rng.integers(0, 7, size=(3, 5))  # (B, T)
    mask = np.arange(5)[None, :] < np.array([5, 2, 3])[:, None] if with_mask else None
    loss, dlogits = softmax_cross_entropy(logits, targets, mask)
    ref_loss, ref_grad = _torch_ce(logits, targets, mask)
    assert abs(loss - ref_loss) < 1e-12
    np.testing.assert_allclose(dlogits, ref_grad, **TOL)
    if with_mask:
        np.testing.assert_array_equal(dlogits[~mask], 0.0)


def test_cross_entropy_is_stable_for_huge_logits():
    logits = np.array([[1000.0, 0.0, -1000.0], [-1e4, 1e4, 0.0]])
    loss, dlogits = softmax_cross_entropy(logits, np.array([2, 1]))
    ref_loss, ref_grad = _torch_ce(logits, np.array([2, 1]))
    assert np.isfinite(loss) and abs(loss - ref_loss) < 1e-9
    np.testing.assert_allclose(dlogits, ref_grad, **TOL)


def test_cross_entropy_rejects_bad_input():
    logits = np.zeros((2, 3, 4))
    with pytest.raises(ValueError, match=r"targets must have the shape .*\(2, 3\)"):
        softmax_cross_entropy(logits, np.zeros((2, 4), dtype=int))
    with pytest.raises(ValueError, match=r"\[0, 4\)"):
        softmax_cross_entropy(logits, np.full((2, 3), 4))
    with pytest.raises(ValueError, match="integer"):
        softmax_cross_entropy(logits, np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"mask must have shape \(2, 3\)"):
        softmax_cross_entropy(logits, np.zeros((2, 3), dtype=int), np.ones(2, dtype=bool))
    with pytest.raises(ValueError, match="no positions"):
        softmax_cross_entropy(logits, np.zeros((2, 3), dtype=int), np.zeros((2, 3), dtype=bool))


@pytest.mark.parametrize("with_mask", [False, True])
def test_mse_matches_torch(with_mask):
    rng = np.random.default_rng(1)
    pred, target = rng.standard_normal((3, 5, 2)), rng.standard_normal((3, 5, 2))
    mask = np.arange(5)[None, :] < np.array([1, 5, 3])[:, None] if with_mask else None
    loss, dpred = mean_squared_error(pred, target, mask)
    pred_t = torch.from_numpy(pred).requires_grad_()
    target_t = torch.from_numpy(target)
    m = torch.from_numpy(mask) if with_mask else torch.ones(3, 5, dtype=torch.bool)
    ref = F.mse_loss(pred_t[m], target_t[m])
    ref.backward()
    assert abs(loss - ref.item()) < 1e-12
    np.testing.assert_allclose(dpred, pred_t.grad.numpy(), **TOL)


def test_mse_rejects_bad_input():
    with pytest.raises(ValueError, match=r"target must have the shape of pred \(2, 3\)"):
        mean_squared_error(np.zeros((2, 3)), np.zeros((3, 2)))
    with pytest.raises(ValueError, match="mask must have shape"):
        mean_squared_error(np.zeros((2, 3, 1)), np.zeros((2, 3, 1)), np.ones((3, 2), dtype=bool))
