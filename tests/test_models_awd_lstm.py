"""AWDLanguageModel: torch.nn as the oracle, state carried exactly across windows, step == forward,
the regularisers as their equations say (locked masks, whole-token embedding dropout, AR/TAR)."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from rnnkit.data.streams import StreamWindows
from rnnkit.models.awd_lstm import AWDLanguageModel
from rnnkit.models.config import AWDConfig
from rnnkit.models.variational_dropout import embedding_dropout, locked_dropout
from rnnkit.recipes.textgen_task import StreamTask

REGULARISED = {
    "embedding_dropout": 0.1,
    "input_dropout": 0.3,
    "hidden_dropout": 0.2,
    "output_dropout": 0.3,
    "weight_drop": 0.5,
    "activation_penalty": 2.0,
    "temporal_penalty": 1.0,
}


def model(cell: str = "lstm", **settings) -> AWDLanguageModel:
    torch.manual_seed(0)
    config = AWDConfig(
        vocab_size=11, embedding_dim=6, hidden_size=8, num_layers=3, cell=cell, **{**REGULARISED, **settings}
    )
    return AWDLanguageModel(config).double()


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_eval_mode_equals_torch_nn_with_the_same_weights(cell) -> None:
    lm = model(cell).eval()
    torch_layers = []
    for layer in lm.layers:
        inner = layer.rnn
        ref = (nn.LSTM if cell == "lstm" else nn.GRU)(inner.input_size, inner.hidden_size, batch_first=True)
        ref = ref.double()
        ref.load_state_dict(inner.state_dict())
        torch_layers.append(ref)
    tokens = torch.randint(0, 11, (3, 9))
    x = lm.embedding.weight[tokens]  # (B, T, E)
    for ref in torch_layers:
        x, _ = ref(x)
    expected = x @ lm.head.weight.T + lm.head.bias  # tied: the head is the embedding matrix
    logits, _ = lm(tokens)
    torch.testing.assert_close(logits, expected, rtol=1e-10, atol=1e-10)
    assert lm.head.weight is lm.embedding.weight and [layer.rnn.hidden_size for layer in lm.layers] == [
        8,
        8,
        6,
    ]


def test_windows_with_the_carried_state_equal_one_piece_in_eval_mode() -> None:
    lm = model().eval()
    tokens = torch.randint(0, 11, (2, 23))
    whole, _ = lm(tokens)
    state, parts = None, []
    for start in range(0, 23, 5):
        logits, state = lm(tokens[:, start : start + 5], state)
        state = lm.detach_state(state)
        parts.append(logits)
    torch.testing.assert_close(torch.cat(parts, dim=1), whole, rtol=1e-10, atol=1e-10)


def test_the_stream_task_scores_a_corpus_in_windows_as_each_stream_in_one_piece() -> None:
    lm = model().eval()
    ids = torch.randint(0, 11, (203,))
    windows = StreamWindows(ids, streams=4, bptt=7)
    task = StreamTask()
    total = count = 0.0
    for _ in range(2):  # a second pass starts from zeros again (the first window resets the state)
        total = count = 0.0
        for window in windows:
            with torch.no_grad():
                loss, n, pairs = task.evaluate_batch(lm, window)
            total, count = total + float(loss) * n, count + n
            assert torch.isclose(pairs["bits_per_token"][0], loss * n / math.log(2))
    rows = windows.data  # (4, 50)
    with torch.no_grad():
        logits, _ = lm(rows[:, :-1])
    expected = F.cross_entropy(logits.flatten(0, 1), rows[:, 1:].flatten())
    assert count == windows.tokens() == 4 * 49
    assert math.isclose(total / count, float(expected), rel_tol=1e-10)


def test_training_state_is_carried_and_detached_between_windows() -> None:
    lm = model().train()
    windows = StreamWindows(torch.randint(0, 11, (90,)), streams=3, bptt=6)
    task = StreamTask()
    first = task.compute_loss(lm, windows[0])[0]
    first.backward()
    assert task.states[True] is not None and not task.states[True][0][0].requires_grad
    second, count = task.compute_loss(lm, windows[1])
    second.backward()  # no error: the graph of window 0 is not reached again
    assert count == 18 and task.states[False] is None  # eval keeps its own state


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_step_by_step_equals_forward(cell) -> None:
    lm = model(cell).eval()
    tokens = torch.randint(0, 11, (2, 8))
    logits, _ = lm(tokens)
    state, outs = None, []
    for t in range(8):
        log_probs, state = lm.step(tokens[:, t], state)
        outs.append(log_probs)
    torch.testing.assert_close(torch.stack(outs, 1), F.log_softmax(logits, -1), rtol=1e-10, atol=1e-10)


def test_ar_and_tar_are_the_penalties_of_the_last_layer_outputs() -> None:
    lm = model(
        embedding_dropout=0.0, input_dropout=0.0, hidden_dropout=0.0, output_dropout=0.0, weight_drop=0.0
    ).train()
    seen = {}
    lm.layers[-1].register_forward_hook(lambda module, args, output: seen.update(h=output[0]))
    _, _, penalty = lm.run(torch.randint(0, 11, (3, 10)))
    h = seen["h"]  # (B, T, H_L), no dropout: raw == dropped
    expected = 2.0 * h.pow(2).mean() + 1.0 * (h[:, 1:] - h[:, :-1]).pow(2).mean()
    torch.testing.assert_close(penalty, expected)
    assert float(lm.eval().run(torch.randint(0, 11, (3, 10)))[2]) == 0.0  # training only


def test_locked_dropout_shares_one_mask_over_time_and_keeps_the_mean() -> None:
    x = torch.ones(400, 30, 8, dtype=torch.float64)
    y = locked_dropout(x, 0.4, training=True, generator=torch.Generator().manual_seed(0))
    assert bool((y == y[:, :1]).all())  # the same mask at every step
    assert set(torch.unique(y).tolist()) == {0.0, 1 / 0.6}
    assert abs(float(y.mean()) - 1.0) < 0.02
    assert locked_dropout(x, 0.4, training=False) is x


def test_embedding_dropout_drops_whole_tokens() -> None:
    weight = torch.randn(50, 4, dtype=torch.float64)
    dropped = embedding_dropout(weight, 0.5, training=True, generator=torch.Generator().manual_seed(0))
    zero_rows = (dropped == 0).all(dim=1)
    assert 10 < int(zero_rows.sum()) < 40
    torch.testing.assert_close(dropped[~zero_rows], weight[~zero_rows] * 2)


def test_uniform_init_and_bad_configs() -> None:
    lm = AWDLanguageModel(
        AWDConfig(vocab_size=5, embedding_dim=4, hidden_size=4, num_layers=1, init_range=0.05)
    )
    assert all(float(p.detach().abs().max()) <= 0.05 for p in lm.parameters())
    with pytest.raises(ValueError, match="vocab_size is None"):
        AWDLanguageModel(AWDConfig())
    with pytest.raises(ValueError, match="weight_drop"):
        AWDConfig(vocab_size=5, weight_drop=1.0)
    lm = AWDLanguageModel(AWDConfig(vocab_size=5, embedding_dim=4, hidden_size=4, num_layers=2))
    with pytest.raises(ValueError, match="one entry per layer"):
        lm(torch.zeros(1, 3, dtype=torch.long), lm(torch.zeros(1, 3, dtype=torch.long))[1][:1])
