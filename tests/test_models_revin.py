"""RevIN: normalise then denormalise is the identity; each window is standardised by its own statistics."""

from __future__ import annotations

import torch

from rnnkit.models.revin import RevIN


def test_round_trip_and_the_normalised_window_is_standard():
    x = torch.randn(4, 30, 3, dtype=torch.float64) * torch.tensor([1.0, 10.0, 0.1]) + 5.0
    revin = RevIN(3).double()
    normed, stats = revin.normalise(x)
    assert torch.allclose(normed.mean(dim=1), torch.zeros(4, 3, dtype=torch.float64), atol=1e-12)
    var = x.var(dim=1, unbiased=False)
    assert torch.allclose(normed.std(dim=1, unbiased=False), torch.sqrt(var / (var + 1e-5)), atol=1e-12)
    assert torch.allclose(revin.denormalise(normed, stats), x, atol=1e-10)


def test_statistics_come_from_the_window_only_and_match_numpy():
    x = torch.randn(2, 12, 2, dtype=torch.float64)
    _, (mu, sigma) = RevIN(2, affine=False).normalise(x)
    array = x.numpy()
    assert torch.allclose(mu[:, 0], torch.from_numpy(array.mean(axis=1)))
    assert torch.allclose(sigma[:, 0], torch.from_numpy((array.var(axis=1) + 1e-5) ** 0.5))


def test_gradients_in_float64_match_finite_differences():
    revin = RevIN(2, detach_stats=False).double()
    with torch.no_grad():
        revin.gamma.copy_(torch.tensor([1.5, 0.7]))
        revin.beta.copy_(torch.tensor([0.2, -0.3]))
    x = torch.randn(2, 8, 2, dtype=torch.float64, requires_grad=True)
    y = torch.randn(2, 4, 2, dtype=torch.float64, requires_grad=True)

    def through(x_, y_):
        normed, stats = revin.normalise(x_)
        return normed.sum() + revin.denormalise(y_, stats)

    assert torch.autograd.gradcheck(through, (x, y))


def test_detached_statistics_are_constants_for_backpropagation():
    x = torch.randn(2, 8, 2, dtype=torch.float64, requires_grad=True)
    revin = RevIN(2, affine=False).double()
    normed, (mu, sigma) = revin.normalise(x)
    normed.sum().backward()
    assert x.grad is not None and torch.allclose(x.grad, (1 / sigma).expand_as(x))
