"""Character-level word features: each word's spelling read into one vector, for words never seen.

Two readers, as the two classic taggers built them:

- ``cnn`` (Ma & Hovy 2016): character embeddings, one convolution of width k over the word, then the
  maximum over the word's characters::

      f_w = max_{i=1..n} (W [c_{i-(k-1)/2}; ...; c_{i+(k-1)/2}] + b)                     (F,)

  (no nonlinearity before the max, as in Ma & Hovy; padding characters never win the max).
- ``lstm`` (Lample et al. 2016): a bidirectional LSTM over the characters; the word's vector is the
  forward direction's last state joined to the backward direction's last (i.e. first-character) state::

      f_w = [h_fwd_n ; h_bwd_1]                                                       (2 H,)

Shapes:
    chars ``(B, T, W)`` character ids, 0 = padding (a word's characters first, then zeros; a padded word
    is all zeros); output ``(B, T, F)``, zero for padded words. F is ``hidden_size`` for ``cnn``, twice
    it for ``lstm``.

Example:
    >>> reader = CharFeatures("cnn", vocab_size=20, embedding_dim=8, hidden_size=6)
    >>> chars = torch.tensor([[[3, 4, 5], [6, 0, 0], [0, 0, 0]]])  # (1, 3, 3): "abc", "d", padding
    >>> out = reader(chars)
    >>> out.shape, bool(out[0, 2].eq(0).all())
    (torch.Size([1, 3, 6]), True)
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from .config import RNNConfig
from .embedding import check_token_ids
from .encoder import build_rnn

CHAR_READERS = ("cnn", "lstm")


class CharFeatures(nn.Module):
    """One vector per word from its characters (``cnn`` or ``lstm``, see the module docstring)."""

    def __init__(
        self, kind: str, vocab_size: int, embedding_dim: int = 30, hidden_size: int = 50, kernel_size: int = 3
    ) -> None:
        super().__init__()
        if kind not in CHAR_READERS:
            raise ValueError(f"char features must be one of {CHAR_READERS}, got {kind!r}.")
        if kernel_size < 1 or kernel_size % 2 == 0:
            raise ValueError(f"char kernel_size must be an odd number >= 1, got {kernel_size}.")
        self.kind = kind
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=0)
        nn.init.uniform_(self.embedding.weight, -((3.0 / embedding_dim) ** 0.5), (3.0 / embedding_dim) ** 0.5)
        with torch.no_grad():
            self.embedding.weight[0].zero_()
        self.conv: nn.Conv1d | None = None
        self.rnn: nn.Module | None = None
        if kind == "cnn":
            self.conv = nn.Conv1d(embedding_dim, hidden_size, kernel_size, padding=kernel_size // 2)
            self.output_size = hidden_size
        else:
            self.rnn = build_rnn(
                RNNConfig(cell="lstm", hidden_size=hidden_size, bidirectional=True), embedding_dim
            )
            self.output_size = 2 * hidden_size

    def forward(self, chars: Tensor) -> Tensor:
        if chars.dim() != 3:
            raise ValueError(
                f"CharFeatures: chars must be (batch, time, word_length) ids, got shape {tuple(chars.shape)}."
            )
        B, T, W = chars.shape
        check_token_ids(
            "CharFeatures", "character ids", chars.reshape(B, T * W), self.embedding.num_embeddings
        )
        flat = chars.reshape(B * T, W)  # (N, W), one row per word slot
        lengths = (flat != 0).sum(1)  # (N,)
        real = lengths > 0  # word slots that hold a word
        out = torch.zeros(B * T, self.output_size, dtype=self.embedding.weight.dtype, device=chars.device)
        if bool(real.any()):
            out[real] = self._read(flat[real], lengths[real])
        return out.view(B, T, self.output_size)

    def _read(self, words: Tensor, lengths: Tensor) -> Tensor:
        """Vectors ``(N, F)`` of ``N`` real words ``(N, W)`` (characters first, zeros after)."""
        width = int(lengths.max())
        words = words[:, :width]  # the longest word decides the width, not the batch's padding
        embedded = self.embedding(words)  # (N, W, E)
        if self.conv is not None:
            scores = self.conv(embedded.transpose(1, 2))  # (N, F, W)
            pad = (words == 0).unsqueeze(1)  # (N, 1, W)
            return scores.masked_fill(pad, float("-inf")).amax(dim=2)  # (N, F)
        if self.rnn is None:
            raise RuntimeError("CharFeatures: neither a convolution nor an LSTM was built.")
        _, (h_n, _) = self.rnn(embedded, lengths=lengths.cpu())  # h_n (2, N, H)
        return torch.cat([h_n[0], h_n[1]], dim=1)  # (N, 2H): forward last, backward first
