"""Variable-length batches: a padded batch gives, for each sequence, what that sequence gives alone."""

from __future__ import annotations

import pytest
import torch
from helpers import as_tuple, assert_close

import rnnkit
from rnnkit.layers import lengths_to_mask, padding_for, reverse_padded

ALL_LAYERS = [rnnkit.RNN, rnnkit.LSTM, rnnkit.GRU, rnnkit.LayerNormLSTM, rnnkit.LayerNormGRU]


@pytest.mark.parametrize("layer_cls", ALL_LAYERS)
@pytest.mark.parametrize("backend", ["auto", "loop"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_padded_batch_equals_each_sequence_alone(layer_cls, backend, bidirectional):
    layer = layer_cls(3, 4, num_layers=2, bidirectional=bidirectional, backend=backend).double()
    lengths = [5, 2, 7, 1]
    T = max(lengths)
    x = torch.randn(len(lengths), T, 3, dtype=torch.float64)
    x_padded = x.clone()
    for b, n in enumerate(lengths):
        x_padded[b, n:] = 1e3  # garbage in the padding must not leak
    out, final = layer(x_padded, lengths=torch.tensor(lengths))
    for b, n in enumerate(lengths):
        alone_out, alone_final = layer(x[b : b + 1, :n])
        assert_close(out[b : b + 1, :n], alone_out, 1e-10, f"sequence {b} output")
        assert torch.count_nonzero(out[b, n:]) == 0, "outputs past the length must be zero"
        for got, want in zip(as_tuple(final), as_tuple(alone_final), strict=True):
            assert_close(got[:, b : b + 1], want, 1e-10, f"sequence {b} final state")


def test_lengths_as_list_and_full_lengths():
    layer = rnnkit.GRU(3, 4).double()
    x = torch.randn(2, 5, 3, dtype=torch.float64)
    a, ha = layer(x, lengths=[5, 5])
    b, hb = layer(x)
    assert torch.equal(a, b) and torch.equal(ha, hb)


def test_lengths_to_mask_and_reverse_padded():
    lengths = torch.tensor([3, 1, 4])
    mask = lengths_to_mask(lengths, 5)
    assert mask.tolist() == [
        [True, True, True, False, False],
        [True, False, False, False, False],
        [True, True, True, True, False],
    ]
    x = torch.arange(15.0).view(3, 5, 1)
    r = reverse_padded(x, lengths)
    assert r[:, :, 0].tolist() == [[2, 1, 0, 3, 4], [5, 6, 7, 8, 9], [13, 12, 11, 10, 14]]
    assert torch.equal(reverse_padded(r, lengths), x)  # an involution
    assert torch.equal(reverse_padded(x), x.flip(1))


def test_padding_keeps_cpu_lengths_and_builds_the_mask_on_the_input_device():
    lengths = torch.tensor([3, 1, 4])
    # The meta device stands in for a GPU: the mask goes there, the lengths stay where they were.
    padding = padding_for("test", lengths, 3, 5, torch.device("meta"))
    assert padding.lengths is lengths  # already CPU int64: not copied
    assert padding.mask.device.type == "meta" and padding.device_lengths.device.type == "meta"
    assert padding.mask.shape == (3, 5) and not padding.full
    on_cpu = padding_for("test", [3, 1, 4], 3, 5, torch.device("cpu"))
    assert on_cpu.lengths.dtype == torch.int64 and on_cpu.lengths.device.type == "cpu"
    assert torch.equal(on_cpu.mask, lengths_to_mask(lengths, 5))
    assert padding_for("test", [5, 5, 5], 3, 5, torch.device("cpu")).full
    assert padding_for("test", None, 3, 5, torch.device("cpu")) is None


def test_a_layer_takes_a_padding_and_refuses_one_built_for_another_batch():
    layer = rnnkit.GRU(3, 4, bidirectional=True).double()
    x = torch.randn(3, 5, 3, dtype=torch.float64)
    padding = padding_for("test", [5, 2, 4], 3, 5, x.device)
    out, h = layer(x, lengths=padding)
    ref_out, ref_h = layer(x, lengths=torch.tensor([5, 2, 4]))
    assert torch.equal(out, ref_out) and torch.equal(h, ref_h)
    with pytest.raises(ValueError, match=r"built for a batch of shape \(3, 5\).*\(3, 4\)"):
        layer(x[:, :4], lengths=padding)
