"""rnnkit.reference.optimizers against torch.optim.SGD and torch.optim.Adam over several steps."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from rnnkit.reference import SGD, Adam

STEPS = 6


def _run_both(ours, make_theirs):
    """Apply the same gradient sequence to a NumPy dict and to torch tensors; return both results."""
    rng = np.random.default_rng(0)
    params = {"W": rng.standard_normal((3, 2)), "b": rng.standard_normal(3)}
    tensors = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    theirs = make_theirs(list(tensors.values()))
    for _ in range(STEPS):
        grads = {k: rng.standard_normal(v.shape) for k, v in params.items()}
        ours.step(params, grads)
        for k, t in tensors.items():
            t.grad = torch.from_numpy(grads[k].copy())
        theirs.step()
    return params, {k: t.detach().numpy() for k, t in tensors.items()}


@pytest.mark.parametrize("momentum,nesterov", [(0.0, False), (0.9, False), (0.9, True)])
def test_sgd_matches_torch(momentum, nesterov):
    ours, theirs = _run_both(
        SGD(lr=0.1, momentum=momentum, nesterov=nesterov),
        lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=momentum, nesterov=nesterov),
    )
    for key in ours:
        np.testing.assert_allclose(ours[key], theirs[key], rtol=0, atol=1e-13)


@pytest.mark.parametrize("betas,eps", [((0.9, 0.999), 1e-8), ((0.5, 0.9), 1e-3)])
def test_adam_matches_torch(betas, eps):
    ours, theirs = _run_both(
        Adam(lr=0.01, betas=betas, eps=eps), lambda ps: torch.optim.Adam(ps, lr=0.01, betas=betas, eps=eps)
    )
    for key in ours:
        np.testing.assert_allclose(ours[key], theirs[key], rtol=0, atol=1e-13)


def test_step_updates_the_dict_in_place():
    w = np.ones(2)
    params = {"w": w}
    SGD(lr=0.5).step(params, {"w": np.ones(2)})
    assert params["w"] is w
    np.testing.assert_array_equal(w, [0.5, 0.5])


def test_optimizers_reject_bad_arguments():
    with pytest.raises(ValueError, match="lr must be > 0, got 0"):
        SGD(lr=0)
    with pytest.raises(ValueError, match="nesterov=True needs momentum > 0"):
        SGD(lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="betas"):
        Adam(betas=(0.9, 1.0))
    with pytest.raises(ValueError, match=r"missing \['b'\]"):
        Adam().step({"w": np.ones(2), "b": np.ones(1)}, {"w": np.ones(2)})
    with pytest.raises(ValueError, match=r"grads\['w'\] has shape \(3,\)"):
        SGD(lr=0.1).step({"w": np.ones(2)}, {"w": np.ones(3)})
