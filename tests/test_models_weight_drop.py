"""Weight drop (DropConnect on W_hh): one mask per batch, on the fused kernel, stored weights untouched.

The oracle is torch.nn.LSTM/GRU run with the dropped matrix W_hh * M / (1 - p) as its (fixed) recurrent
weight: a mask drawn per step would not match it.
"""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from rnnkit.layers import GRU, LSTM
from rnnkit.models.weight_drop import WeightDrop

P = 0.5


def reference_for(layer: nn.Module, weight_hh: torch.Tensor, kind: str) -> nn.Module:
    torch_layer = (nn.LSTM if kind == "lstm" else nn.GRU)(3, 6, batch_first=True).double()
    with torch.no_grad():
        for name, value in torch_layer.named_parameters():
            value.copy_(weight_hh if name == "weight_hh_l0" else getattr(layer, name))
    return torch_layer


@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_one_mask_for_every_step_of_a_batch_matches_torch_with_the_dropped_weight(kind) -> None:
    torch.manual_seed(0)
    layer = (LSTM if kind == "lstm" else GRU)(3, 6, batch_first=True).double()
    dropped = WeightDrop(layer, P).train()
    x = torch.randn(4, 20, 3, dtype=torch.float64)
    stored = layer.weight_hh_l0.detach().clone()

    torch.manual_seed(7)
    out, _ = dropped(x)
    torch.manual_seed(7)  # the same draw, made by hand: entries of W_hh kept with probability 1 - p
    keep = F.dropout(torch.ones_like(stored), P, training=True) != 0
    masked = stored * keep / (1 - P)
    assert 0.3 < keep.double().mean() < 0.7

    reference = reference_for(layer, masked, kind)
    expected, _ = reference(x)
    torch.testing.assert_close(out, expected, rtol=1e-10, atol=1e-10)

    # the gradient reaches the stored weight through the mask: zero where an entry was dropped
    out.square().sum().backward()
    expected.square().sum().backward()
    grad_ref = reference.weight_hh_l0.grad * keep / (1 - P)  # d masked / d stored = M / (1 - p)
    torch.testing.assert_close(layer.weight_hh_l0.grad, grad_ref, rtol=1e-9, atol=1e-10)
    assert bool((layer.weight_hh_l0.grad[~keep] == 0).all())
    assert torch.equal(layer.weight_hh_l0.detach(), stored)  # the parameter itself never changes


def test_each_batch_draws_a_new_mask_and_eval_uses_the_stored_weights() -> None:
    torch.manual_seed(0)
    layer = LSTM(3, 6, batch_first=True)
    dropped = WeightDrop(layer, P).train()
    x = torch.randn(2, 5, 3)
    first, _ = dropped(x)
    second, _ = dropped(x)
    assert not torch.allclose(first, second)  # two batches, two masks
    dropped.eval()
    plain, _ = layer(x)
    torch.testing.assert_close(dropped(x)[0], plain, rtol=0, atol=0)
    step_out, _ = dropped.step(x[:, 0])
    torch.testing.assert_close(step_out, plain[:, 0], rtol=1e-6, atol=1e-6)


def test_weight_drop_keeps_the_fused_kernel() -> None:
    layer = LSTM(3, 6, batch_first=True, backend="fused")  # forcing fused raises if it cannot run
    dropped = WeightDrop(layer, P).train()
    out, _ = dropped(torch.randn(2, 5, 3))
    assert layer.resolve_backend(torch.randn(2, 5, 3)) == "fused" and out.shape == (2, 5, 6)


def test_bad_settings_are_named() -> None:
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        WeightDrop(LSTM(3, 6), 1.0)
    with pytest.raises(ValueError, match="no weight_hh"):
        WeightDrop(nn.Linear(3, 3), 0.5)
