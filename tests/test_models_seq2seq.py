"""Seq2Seq: shapes, padding invariance, attention weights, overfitting a reverse task, decoding, errors."""

from __future__ import annotations

import dataclasses

import pytest
import torch

from rnnkit.layers import RecurrentStack
from rnnkit.models.beam import beam_search
from rnnkit.models.decoding import greedy_decode, reorder_state
from rnnkit.models.encoder import RNNConfig
from rnnkit.models.seq2seq import Seq2Seq, Seq2SeqConfig

PAD, BOS, EOS, V = 0, 1, 2, 8


@pytest.fixture(autouse=True)
def _one_thread():
    """The tensors here are tiny: a second intra-op thread only adds synchronisation, which costs up to
    10x on a busy 2-core machine (OpenMP spin-waits). The suite's thread count is restored after."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def config(**changes) -> Seq2SeqConfig:
    base = Seq2SeqConfig(
        src_vocab_size=V,
        tgt_vocab_size=V,
        embedding_dim=8,
        encoder=RNNConfig(cell="gru", hidden_size=6, bidirectional=True),
        decoder_cell="lstm",
        decoder_hidden_size=12,
        attention="bahdanau",
        attention_size=7,
    )
    return dataclasses.replace(base, **changes)


def reverse_task(seed: int = 0):
    """8 source sentences of length 3-5 over tokens 3..7, padded; targets BOS reversed EOS, padded."""
    g = torch.Generator().manual_seed(seed)
    lengths = torch.tensor([3, 4, 5, 3, 4, 5, 3, 5])
    src = torch.full((8, 5), PAD)
    tgt = torch.full((8, 7), PAD)
    for i, n in enumerate(lengths.tolist()):
        sentence = torch.randint(3, V, (n,), generator=g)
        src[i, :n] = sentence
        tgt[i, : n + 2] = torch.cat([torch.tensor([BOS]), sentence.flip(0), torch.tensor([EOS])])
    return src, lengths, tgt


VARIANTS = {  # every attention variant and every decoder cell appears at least once
    "rnn-none": {"decoder_cell": "rnn", "attention": "none"},
    "lstm-bahdanau": {"decoder_cell": "lstm", "attention": "bahdanau"},
    "gru-luong_dot": {"decoder_cell": "gru", "attention": "luong_dot"},
    "layernorm_lstm-luong_general-feeding": {
        "decoder_cell": "layernorm_lstm",
        "attention": "luong_general",
        "input_feeding": True,
    },
    "layernorm_gru-bahdanau": {"decoder_cell": "layernorm_gru", "attention": "bahdanau"},
    "mingru-bahdanau": {"decoder_cell": "mingru", "attention": "bahdanau"},
    "minlstm-luong_general-feeding": {
        "decoder_cell": "minlstm",
        "attention": "luong_general",
        "input_feeding": True,
    },
}


@pytest.mark.parametrize("name", VARIANTS)
def test_overfits_a_tiny_reverse_task_then_greedy_and_beam_reproduce_it(name: str) -> None:
    # luong_dot needs the decoder size to equal the encoder's output size (2 x 16).
    model = Seq2Seq(
        config(
            embedding_dim=16,
            encoder=RNNConfig(cell="gru", hidden_size=16, bidirectional=True),
            decoder_hidden_size=32,
            attention_size=16,
            **VARIANTS[name],
        )
    )
    src, lengths, tgt = reverse_task()
    optimiser = torch.optim.Adam(model.parameters(), lr=0.02)
    for _ in range(300):
        loss = model.loss(src, lengths, tgt)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        if loss.item() < 0.01:
            break
    assert loss.item() < 0.02
    for beam_size in (1, 3):
        tokens, out_lengths = model.translate(src, lengths, beam_size=beam_size)
        for b in range(8):
            assert tokens[b, : out_lengths[b]].tolist() == tgt[b, 1 : lengths[b] + 2].tolist()


@pytest.mark.parametrize("attention", ["bahdanau", "luong_dot", "luong_general", "none"])
def test_shapes(attention: str) -> None:
    hidden = 12 if attention == "luong_dot" else 10  # dot: H = K*H_enc = 12
    model = Seq2Seq(config(attention=attention, decoder_hidden_size=hidden))
    src, lengths, tgt = reverse_task()
    assert model(src, lengths, tgt[:, :-1]).shape == (8, 6, V)
    assert model.loss(src, lengths, tgt).dim() == 0
    tokens, out_lengths = model.translate(src, lengths, max_length=4)
    assert tokens.shape == (8, int(out_lengths.max())) and out_lengths.shape == (8,)
    assert int(out_lengths.max()) <= 4


LAYOUTS = {
    "bahdanau-2x1-lstm": {"encoder": RNNConfig(cell="lstm", hidden_size=6, num_layers=2, bidirectional=True)},
    "luong_general-feeding-1x2": {
        "attention": "luong_general",
        "input_feeding": True,
        "decoder_num_layers": 2,
    },
    "luong_dot-layernorm_lstm": {
        "attention": "luong_dot",
        "encoder": RNNConfig(cell="layernorm_lstm", hidden_size=6, bidirectional=True),
    },
    "none-gru-3x2": {
        "attention": "none",
        "decoder_cell": "gru",
        "decoder_num_layers": 2,
        "encoder": RNNConfig(cell="rnn", hidden_size=6, num_layers=3),
    },
}


@pytest.mark.parametrize("name", LAYOUTS)
def test_padding_in_the_source_changes_nothing(name: str) -> None:
    model = Seq2Seq(config(**LAYOUTS[name])).double()
    src, lengths, tgt = reverse_task()
    logits = model(src, lengths, tgt[:, :-1])  # (8, 6, V)
    tokens, out_lengths = model.translate(src, lengths, beam_size=2, max_length=5)
    for b in (0, 1, 3):  # short sentences, padded in the batch
        n = int(lengths[b])
        alone = model(src[b : b + 1, :n], lengths[b : b + 1], tgt[b : b + 1, :-1])
        torch.testing.assert_close(alone[0], logits[b], atol=1e-10, rtol=1e-10)
        alone_tokens, alone_lengths = model.translate(
            src[b : b + 1, :n], lengths[b : b + 1], beam_size=2, max_length=5
        )
        assert alone_lengths[0] == out_lengths[b]
        assert torch.equal(alone_tokens[0, : alone_lengths[0]], tokens[b, : out_lengths[b]])


@pytest.mark.parametrize("attention", ["bahdanau", "luong_general"])
def test_attention_weights_sum_to_one_over_valid_source_positions(attention: str) -> None:
    model = Seq2Seq(config(attention=attention))
    src, lengths, tgt = reverse_task()
    logits, weights = model(src, lengths, tgt[:, :-1], return_attention=True)
    assert weights.shape == (8, 6, 5)
    valid = (torch.arange(5) < lengths.unsqueeze(1)).unsqueeze(1).expand_as(weights)  # (B, T, S)
    assert torch.all(weights[~valid] == 0.0)
    torch.testing.assert_close(weights.sum(-1), torch.ones(8, 6))
    torch.testing.assert_close(logits, model(src, lengths, tgt[:, :-1]))

    tokens, out_lengths, translated = model.translate(
        src, lengths, beam_size=2, max_length=4, return_attention=True
    )
    assert translated.shape == (8, tokens.shape[1], 5)
    steps = torch.arange(tokens.shape[1]) < out_lengths.unsqueeze(1)  # (B, L)
    torch.testing.assert_close(translated.sum(-1), steps.float())
    assert torch.all(translated.masked_select(~valid[:, :1].expand_as(translated)) == 0.0)


@pytest.mark.parametrize(
    "decoder_cell", ["rnn", "lstm", "gru", "layernorm_lstm", "layernorm_gru", "mingru", "minlstm"]
)
def test_beam_of_one_translates_exactly_as_greedy(decoder_cell: str) -> None:
    model = Seq2Seq(config(decoder_cell=decoder_cell, decoder_num_layers=2, attention="luong_general")).eval()
    src, lengths, _ = reverse_task(seed=decoder_cell.__len__())
    tokens, out_lengths = model.translate(src, lengths, max_length=6)
    kwargs = {"batch_size": 8, "bos_id": BOS, "eos_id": EOS, "max_length": 6}
    with torch.no_grad():
        beam = beam_search(model.step, model.encode(src, lengths), reorder_state, beam_size=1, **kwargs)
        greedy = greedy_decode(model.step, model.encode(src, lengths), **kwargs)
    assert torch.equal(beam.tokens, tokens) and torch.equal(beam.lengths, out_lengths)
    assert torch.equal(greedy[0], tokens) and torch.equal(greedy[1], out_lengths)


def test_loss_ignores_padding() -> None:
    model = Seq2Seq(config())
    src, lengths, tgt = reverse_task()
    logits = model(src, lengths, tgt[:, :-1])
    real = tgt[:, 1:] != PAD
    manual = -torch.log_softmax(logits, -1).gather(-1, tgt[:, 1:].unsqueeze(-1)).squeeze(-1)[real].mean()
    torch.testing.assert_close(model.loss(src, lengths, tgt), manual)
    more_padding = torch.cat([tgt, torch.full((8, 3), PAD)], dim=1)
    torch.testing.assert_close(model.loss(src, lengths, more_padding), manual)


def test_tied_embeddings_share_the_weight_and_translate_restores_the_mode() -> None:
    model = Seq2Seq(config(tie_embeddings=True, embedding_dim=12))
    assert model.out.weight is model.tgt_embedding.weight
    src, lengths, _ = reverse_task()
    model.train()
    model.translate(src, lengths, max_length=3)
    assert model.training


def test_bad_inputs_are_rejected() -> None:
    model = Seq2Seq(config())
    src, lengths, tgt = reverse_task()
    with pytest.raises(ValueError, match=r"src must be in \[0, 8\)"):
        model(src + 5, lengths, tgt[:, :-1])
    with pytest.raises(ValueError, match=r"tgt_in must be in \[0, 8\)"):
        model(src, lengths, tgt[:, :-1] + 8)
    with pytest.raises(ValueError, match="lengths must have shape"):
        model(src, lengths[:5], tgt[:, :-1])
    with pytest.raises(ValueError, match="<= the time axis"):
        model(src[:, :3], lengths, tgt[:, :-1])
    with pytest.raises(ValueError, match=">= 1"):
        model(src, lengths * 0, tgt[:, :-1])
    with pytest.raises(ValueError, match="must start with bos_id=1"):
        model(src, lengths, tgt[:, 1:])
    with pytest.raises(ValueError, match="batch"):
        model(src, lengths, tgt[:4, :-1])
    with pytest.raises(ValueError, match="src must be an integer tensor"):
        model(src.float(), lengths, tgt[:, :-1])
    with pytest.raises(ValueError, match="T\\+1 >= 2"):
        model.loss(src, lengths, tgt[:, :1])
    with pytest.raises(ValueError, match="beam_size"):
        model.translate(src, lengths, beam_size=0)
    with pytest.raises(ValueError, match="attention='none'"):
        Seq2Seq(config(attention="none")).translate(src, lengths, return_attention=True)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"attention": "luong_dot", "decoder_hidden_size": 7}, "luong_general"),
        ({"attention": "bahdanau", "input_feeding": True}, "input_feeding"),
        ({"attention": "concat"}, "attention must be one of"),
        ({"decoder_cell": "transformer"}, "decoder_cell must be one of"),
        ({"pad_id": 2}, "pad_id=2 must differ"),
        ({"eos_id": 8}, r"eos_id must be a target id in \[0, 8\)"),
        ({"tie_embeddings": True}, "tie_embeddings"),
        ({"decoder_num_layers": 0}, "decoder_num_layers"),
        ({"dropout": 1.0}, "dropout"),
    ],
)
def test_bad_configs_are_rejected(changes: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Seq2Seq(config(**changes))


def test_the_decoder_is_one_recurrent_stack_that_torch_nn_can_run() -> None:
    """Without attention h~_t = s_t, so teacher forcing equals torch.nn.LSTM with the decoder's weights
    run over the embedded targets from the bridged state (dropout off in eval)."""
    model = Seq2Seq(config(attention="none", decoder_num_layers=2, dropout=0.3)).double().eval()
    assert isinstance(model.decoder, RecurrentStack) and model.decoder.num_layers == 2
    twin = torch.nn.LSTM(8, 12, num_layers=2, batch_first=True).double()
    twin.load_state_dict(model.decoder.state_dict())
    src, lengths, tgt = reverse_task()
    with torch.no_grad():
        state = model.encode(src, lengths)
        outputs, _ = twin(model.tgt_embedding(tgt[:, :-1]), state.rnn)  # (B, T, H)
        torch.testing.assert_close(model(src, lengths, tgt[:, :-1]), model.out(outputs), atol=1e-12, rtol=0)
