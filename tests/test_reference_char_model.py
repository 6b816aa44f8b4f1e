"""rnnkit.reference.char_model: the end-to-end example learns, samples, and has correct gradients."""

from __future__ import annotations

import numpy as np
import pytest

from rnnkit.reference import max_relative_error, numerical_gradient
from rnnkit.reference.char_model import TEXT, char_vocab, loss_and_grads, sample, train_char_model


@pytest.mark.parametrize("cell", ["elman", "lstm"])
def test_char_model_loss_falls_well_below_chance(cell):
    params, losses = train_char_model(TEXT, cell=cell, hidden_size=32, steps=300, seed=0)
    chance = np.log(len(char_vocab(TEXT)))
    assert abs(losses[0] - chance) < 0.3  # small initial weights: close to a uniform guess
    assert np.mean(losses[-10:]) < 0.5 * chance
    continuation = sample(params, char_vocab(TEXT), cell=cell, start="the", length=30, temperature=0.1)
    assert continuation in TEXT  # a memorised text comes back verbatim at low temperature


def test_char_model_is_deterministic_given_the_seed():
    _, a = train_char_model(TEXT, cell="gru", hidden_size=8, steps=5, seed=3)
    _, b = train_char_model(TEXT, cell="gru", hidden_size=8, steps=5, seed=3)
    assert a == b


@pytest.mark.parametrize("cell", ["elman", "lstm", "gru"])
def test_char_model_gradients_match_finite_differences(cell):
    text = "abcab cba"
    vocab = char_vocab(text)
    params, _ = train_char_model(text, cell=cell, hidden_size=3, seq_len=4, steps=3, seed=1)
    ids = np.array([[vocab.index(ch) for ch in text]])
    inputs, targets = ids[:, :-1], ids[:, 1:]
    state0 = (np.full((1, 3), 0.1), np.full((1, 3), -0.2)) if cell == "lstm" else np.full((1, 3), 0.1)
    _, grads, _ = loss_and_grads(params, cell, inputs, targets, state0)
    assert sorted(grads) == sorted(params)

    def f(p):
        return loss_and_grads(p, cell, inputs, targets, state0)[0]

    for key, grad in grads.items():
        error = max_relative_error(grad, numerical_gradient(f, params, key, eps=1e-5))
        assert error < 1e-6, f"{cell} d/d{key}: {error:.2e}"


def test_sample_returns_characters_of_the_vocabulary():
    params, _ = train_char_model("abcabcabc", cell="elman", hidden_size=4, seq_len=4, steps=2)
    text = sample(params, "abc", cell="elman", start="ab", length=20, seed=5)
    assert len(text) == 22 and text.startswith("ab") and set(text) <= set("abc")
    assert text == sample(params, "abc", cell="elman", start="ab", length=20, seed=5)


def test_char_model_rejects_bad_input():
    with pytest.raises(ValueError, match="cell must be one of"):
        train_char_model(TEXT, cell="transformer")
    with pytest.raises(ValueError, match="at least seq_len \\+ 1 = 17 characters, got 5"):
        train_char_model("hello", seq_len=16)
    params, _ = train_char_model("abcabc", cell="elman", hidden_size=4, seq_len=2, steps=1)
    with pytest.raises(ValueError, match="start must be"):
        sample(params, "abc", cell="elman", start="z")
    with pytest.raises(ValueError, match="temperature must be > 0"):
        sample(params, "abc", cell="elman", start="a", temperature=0.0)
