"""A character-level language model, end to end in NumPy: the reference pieces working together.

One-hot characters -> Elman, LSTM or GRU -> output layer -> softmax cross-entropy, trained with
truncated backpropagation through time (the state is carried from chunk to chunk, the gradient is not),
global-norm clipping and Adam, in the spirit of karpathy's min-char-rnn. Run it::

    python -m rnnkit.reference.char_model

It prints the loss falling from about ln(vocabulary size) towards zero as the model memorises ``TEXT``,
then a sample that reads like the text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import numpy as np

from .clipping import clip_by_global_norm
from .elman import elman_backward, elman_forward, init_elman_params
from .gru import gru_backward, gru_forward, init_gru_params
from .losses import softmax_cross_entropy
from .lstm import init_lstm_params, lstm_backward, lstm_forward
from .optimizers import Adam
from .output import init_output_params, output_backward, output_forward

TEXT = (
    "the cat sat on the mat and the dog sat on the log. "
    "a recurrent network reads one character at a time and learns to guess the next one."
)


class CellFunctions(NamedTuple):
    """One cell's reference functions. Their state is an array (Elman, GRU) or a pair (LSTM), so the
    forward and backward signatures differ by cell and are typed loosely here."""

    init: Callable[[int, int, np.random.Generator], dict[str, np.ndarray]]
    forward: Callable[..., tuple[np.ndarray, Any, dict]]  # (params, x, state0) -> (hs, state_T, cache)
    backward: Callable[..., tuple[dict[str, np.ndarray], np.ndarray, Any]]  # (params, dhs, cache) -> ...


CELLS: dict[str, CellFunctions] = {
    "elman": CellFunctions(init_elman_params, elman_forward, elman_backward),
    "lstm": CellFunctions(init_lstm_params, lstm_forward, lstm_backward),
    "gru": CellFunctions(init_gru_params, gru_forward, gru_backward),
}


def char_vocab(text: str) -> str:
    """The sorted distinct characters of ``text``; a character's id is its index here.

    Example:
        >>> char_vocab("banana")
        'abn'
    """
    return "".join(sorted(set(text)))


def one_hot(ids: np.ndarray, size: int) -> np.ndarray:
    """Integer ids ``(B, T)`` -> one-hot float rows ``(B, T, size)``."""
    return np.eye(size)[ids]  # (B, T, V)


def loss_and_grads(
    params: Mapping[str, np.ndarray], cell: str, inputs: np.ndarray, targets: np.ndarray, state0: object
) -> tuple[float, dict[str, np.ndarray], object]:
    """One chunk: forward through cell, head and loss, then backward in mirror order.

    Args:
        params: the cell's parameters and the head's ``W_hy``, ``b_y`` in one dict.
        cell: ``"elman"``, ``"lstm"`` or ``"gru"``.
        inputs: character ids ``(B, T)``; targets: the next character ids ``(B, T)``.
        state0: the state carried from the previous chunk (None at the start).

    Returns:
        ``(loss, grads, state_T)``: the mean cross-entropy, gradients for every key of ``params`` and the
        final state to carry into the next chunk.
    """
    _, forward, backward = CELLS[cell]
    V = params["b_y"].shape[0]
    # forward
    x = one_hot(inputs, V)  # (B, T, V)
    hs, state_T, cell_cache = forward(params, x, state0)  # (B, T, H)
    logits, head_cache = output_forward(params, hs)  # (B, T, V)
    loss, dlogits = softmax_cross_entropy(logits, targets)
    # backward: the same steps in reverse; truncated BPTT drops the gradient w.r.t. state0
    head_grads, dhs = output_backward(params, dlogits, head_cache)  # dhs (B, T, H)
    cell_grads, _, _ = backward(params, dhs, cell_cache)
    return loss, {**cell_grads, **head_grads}, state_T


def train_char_model(
    text: str = TEXT,
    cell: str = "lstm",
    hidden_size: int = 32,
    seq_len: int = 16,
    steps: int = 300,
    lr: float = 1e-2,
    max_norm: float = 5.0,
    seed: int = 0,
) -> tuple[dict[str, np.ndarray], list[float]]:
    """Train a character model on ``text`` with truncated BPTT, clipping and Adam.

    The text is read in consecutive chunks of ``seq_len`` characters; the state at the end of a chunk
    starts the next one, and both go back to the start (state reset) when the text runs out.

    Args:
        text: the training text (at least ``seq_len + 1`` characters).
        cell: ``"elman"``, ``"lstm"`` or ``"gru"``.
        hidden_size: H.
        seq_len: the truncation length of BPTT.
        steps: the number of updates.
        lr: Adam's learning rate.
        max_norm: the global gradient norm clip.
        seed: seeds the initialisation.

    Returns:
        ``(params, losses)``: the trained parameters (cell and head in one dict; the vocabulary is
        ``char_vocab(text)``) and the loss of every step.

    Example:
        >>> params, losses = train_char_model("abcabcabc", cell="elman", hidden_size=8, seq_len=4, steps=30)
        >>> bool(losses[-1] < losses[0])
        True
    """
    if cell not in CELLS:
        raise ValueError(f"train_char_model: cell must be one of {sorted(CELLS)}, got {cell!r}.")
    if len(text) < seq_len + 1:
        raise ValueError(
            f"train_char_model: text must hold at least seq_len + 1 = {seq_len + 1} characters, "
            f"got {len(text)}."
        )
    vocab = char_vocab(text)
    ids = np.array([vocab.index(ch) for ch in text])  # (N,)
    rng = np.random.default_rng(seed)
    init, _, _ = CELLS[cell]
    params = {**init(len(vocab), hidden_size, rng), **init_output_params(hidden_size, len(vocab), rng)}
    optimizer = Adam(lr)

    losses = []
    position, state = 0, None
    for _ in range(steps):
        if position + seq_len + 1 > len(ids):
            position, state = 0, None  # back to the start of the text with a fresh state
        inputs = ids[None, position : position + seq_len]  # (1, T)
        targets = ids[None, position + 1 : position + seq_len + 1]  # (1, T) the next characters
        loss, grads, state = loss_and_grads(params, cell, inputs, targets, state)
        grads, _ = clip_by_global_norm(grads, max_norm)
        optimizer.step(params, grads)
        losses.append(loss)
        position += seq_len
    return params, losses


def sample(
    params: Mapping[str, np.ndarray],
    vocab: str,
    cell: str = "lstm",
    start: str = "t",
    length: int = 100,
    temperature: float = 1.0,
    seed: int = 0,
) -> str:
    """Generate ``length`` characters after ``start``, one at a time from ``softmax(logits / temperature)``.

    Example:
        >>> params, _ = train_char_model("abcabcabcabc", cell="elman", hidden_size=8, seq_len=4, steps=5)
        >>> len(sample(params, "abc", cell="elman", start="a", length=6))
        7
    """
    if not start or any(ch not in vocab for ch in start):
        raise ValueError(
            f"sample: start must be a non-empty string of characters from vocab {vocab!r}, got {start!r}."
        )
    if not temperature > 0:
        raise ValueError(f"sample: temperature must be > 0, got {temperature}.")
    _, forward, _ = CELLS[cell]
    rng = np.random.default_rng(seed)
    V = len(vocab)
    # read the prompt, then feed each sampled character back in
    ids = np.array([[vocab.index(ch) for ch in start]])  # (1, len(start))
    hs, state, _ = forward(params, one_hot(ids, V), None)  # (1, len(start), H)
    out = list(start)
    for _ in range(length):
        logits, _ = output_forward(params, hs[:, -1:])  # (1, 1, V)
        z = logits[0, 0] / temperature
        probs = np.exp(z - z.max())
        next_id = rng.choice(V, p=probs / probs.sum())
        out.append(vocab[next_id])
        hs, state, _ = forward(params, one_hot(np.array([[next_id]]), V), state)  # (1, 1, H)
    return "".join(out)


if __name__ == "__main__":
    trained, history = train_char_model()
    for step in range(0, len(history), 25):
        print(f"step {step:4d}  loss {np.mean(history[step : step + 25]):.3f}")
    print(f"ln(vocab) = {np.log(len(char_vocab(TEXT))):.3f}; sample:")
    print(sample(trained, char_vocab(TEXT), start="the", length=120, temperature=0.5))
