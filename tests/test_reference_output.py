"""rnnkit.reference.output: y = W_hy h + b_y against torch.nn.Linear and finite differences."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from rnnkit.reference import (
    init_output_params,
    max_relative_error,
    numerical_gradient,
    output_backward,
    output_forward,
    softmax_cross_entropy,
)


def test_output_layer_matches_torch_linear():
    rng = np.random.default_rng(0)
    params = init_output_params(4, 6, rng) | {"b_y": rng.standard_normal(6)}
    hs, dys = rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 3, 6))
    ys, cache = output_forward(params, hs)
    grads, dhs = output_backward(params, dys, cache)

    linear = torch.nn.Linear(4, 6, dtype=torch.float64)
    linear.load_state_dict(
        {"weight": torch.from_numpy(params["W_hy"]), "bias": torch.from_numpy(params["b_y"])}
    )
    hs_t = torch.from_numpy(hs).requires_grad_()
    out = linear(hs_t)
    (out * torch.from_numpy(dys)).sum().backward()
    close = dict(rtol=0, atol=1e-12)
    np.testing.assert_allclose(ys, out.detach().numpy(), **close)
    np.testing.assert_allclose(grads["W_hy"], linear.weight.grad.numpy(), **close)
    np.testing.assert_allclose(grads["b_y"], linear.bias.grad.numpy(), **close)
    np.testing.assert_allclose(dhs, hs_t.grad.numpy(), **close)


def test_head_and_cross_entropy_gradients_match_finite_differences():
    rng = np.random.default_rng(1)
    params = init_output_params(4, 5, rng) | {
        "b_y": rng.standard_normal(5),
        "hs": rng.standard_normal((2, 3, 4)),
    }
    targets = rng.integers(0, 5, size=(2, 3))
    mask = np.array([[True, True, True], [True, False, False]])

    def f(d):
        return softmax_cross_entropy(output_forward(d, d["hs"])[0], targets, mask)[0]

    ys, cache = output_forward(params, params["hs"])
    _, dys = softmax_cross_entropy(ys, targets, mask)
    grads, dhs = output_backward(params, dys, cache)
    for key, grad in (grads | {"hs": dhs}).items():
        error = max_relative_error(grad, numerical_gradient(f, params, key, eps=1e-5))
        assert error < 1e-6, f"d/d{key}: {error:.2e}"


def test_output_layer_rejects_bad_input():
    params = init_output_params(4, 6, np.random.default_rng(0))
    with pytest.raises(ValueError, match="H=4"):
        output_forward(params, np.zeros((2, 3, 5)))
    with pytest.raises(ValueError, match="no 'b_y'"):
        output_forward({"W_hy": params["W_hy"]}, np.zeros((2, 3, 4)))
    ys, cache = output_forward(params, np.zeros((2, 3, 4)))
    with pytest.raises(ValueError, match="dys must have the shape"):
        output_backward(params, np.zeros((2, 3, 4)), cache)
    with pytest.raises(ValueError, match="output_size"):
        init_output_params(4, 0, np.random.default_rng(0))
