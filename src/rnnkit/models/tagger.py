"""N vs N: one label per step of the input (sequence labelling: named entities, part of speech)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ..layers.masking import LengthsArg, padding_for
from .char_features import CharFeatures
from .config import RNNConfig as RNNConfig  # re-exported: the doctests and callers build one
from .config import TaggerConfig
from .crf import LinearChainCRF
from .embedding import build_embedding, check_token_ids, embed_tokens, input_features
from .encoder import build_rnn

HEADS = ("softmax", "crf")


class SequenceTagger(nn.Module):
    """Embedding (or the raw features) [+ character features + case] -> recurrent layers -> per-step
    tag scores -> softmax or CRF.

    Equations::

        x_t      = [e(w_t); chars(w_t); case(w_t)]        the word's vector, its spelling, its case
        o_t      = RNN(x_1..x_T)_t                        (K*H,), both directions when bidirectional
        emit_t   = V o_t + b_y                            (C,), the emissions (V = W_hy)
        softmax: p(y_t | x) = softmax(emit_t)[y_t];  loss = mean over real steps of -log p(y_t | x)
        crf:     loss = mean over sequences of log Z - score(y); see LinearChainCRF

    Padding never leaks: the layers stop at each sequence's length, emissions are zero at padded steps,
    and a sequence gets the same emissions and predictions alone as inside a padded batch.

    Shapes:
        x ``(B, T)`` token ids or ``(B, T, D)`` features; lengths ``(B,)``; tags ``(B, T)``;
        chars ``(B, T, W)`` character ids (with ``char_features``); case ``(B, T)`` case-class ids (with
        ``case_classes``); emissions ``(B, T, C)``.

    Args:
        config: the architecture.
        embedding_weights: optional ``(V, E)`` pretrained vectors to initialise the embedding.
        freeze_embedding: keep those vectors fixed during training.

    Example:
        >>> model = SequenceTagger(TaggerConfig(num_tags=5, vocab_size=30, embedding_dim=8, head="crf",
        ...                                     rnn=RNNConfig(hidden_size=8, bidirectional=True)))
        >>> x, lengths = torch.randint(1, 30, (2, 6)), torch.tensor([6, 3])
        >>> model(x, lengths).shape
        torch.Size([2, 6, 5])
        >>> [len(tags) for tags in model.predict(x, lengths)]
        [6, 3]
    """

    def __init__(
        self,
        config: TaggerConfig,
        embedding_weights: Tensor | None = None,
        freeze_embedding: bool = False,
    ) -> None:
        super().__init__()
        features = input_features("TaggerConfig", config.vocab_size, config.input_size, config.embedding_dim)
        self.chars: CharFeatures | None = None
        if config.char_features != "none" and config.char_vocab_size < 2:
            raise ValueError(
                f"TaggerConfig.char_vocab_size must be >= 2 with char_features={config.char_features!r} "
                f"(padding and at least one character), got {config.char_vocab_size}."
            )
        if config.char_features != "none":
            self.chars = CharFeatures(
                config.char_features,
                config.char_vocab_size,
                config.char_embedding_dim,
                config.char_hidden_size,
                config.char_kernel_size,
            )
            features += self.chars.output_size
        self.case: nn.Embedding | None = None
        if config.case_classes:
            self.case = nn.Embedding(config.case_classes, config.case_embedding_dim)
            features += config.case_embedding_dim
        if config.head not in HEADS:
            raise ValueError(
                f"TaggerConfig: head must be one of {HEADS}, got {config.head!r} (e.g. head='crf')."
            )
        if isinstance(config.num_tags, bool) or not isinstance(config.num_tags, int) or config.num_tags < 1:
            raise ValueError(f"TaggerConfig: num_tags must be an int >= 1, got {config.num_tags!r}.")
        self.config = config
        self.embedding: nn.Embedding | None = None
        if config.vocab_size is not None:
            self.embedding = build_embedding(
                config.vocab_size,
                config.embedding_dim,
                config.padding_idx,
                embedding_weights,
                freeze_embedding,
                config.embedding_uniform_init,
            )
        self.rnn = build_rnn(config.rnn, features)
        self.dropout = nn.Dropout(config.dropout)
        self.head = nn.Linear(config.rnn.output_size, config.num_tags)  # V = W_hy
        self.crf = LinearChainCRF(config.num_tags) if config.head == "crf" else None

    def forward(
        self,
        x: Tensor,
        lengths: LengthsArg | None = None,
        chars: Tensor | None = None,
        case: Tensor | None = None,
    ) -> Tensor:
        """Emissions ``(B, T, C)``: one score per tag and step; zero at padded steps."""
        emissions, _ = self._emissions(x, lengths, chars, case)
        return emissions

    def loss(
        self,
        x: Tensor,
        tags: Tensor,
        lengths: LengthsArg | None = None,
        ignore_index: int = -100,
        chars: Tensor | None = None,
        case: Tensor | None = None,
    ) -> Tensor:
        """The training loss, a scalar.

        ``softmax`` head: cross-entropy averaged over real steps whose tag is not ``ignore_index``.
        ``crf`` head: the CRF negative log-likelihood averaged over sequences; every real step needs a
        tag (a path cannot skip a step). Tags at padded steps are ignored by both heads.
        """
        emissions, mask = self._emissions(x, lengths, chars, case)
        return self.loss_of_emissions(emissions, tags, mask, ignore_index)

    def loss_of_emissions(
        self, emissions: Tensor, tags: Tensor, mask: Tensor, ignore_index: int = -100
    ) -> Tensor:
        """:meth:`loss` from emissions already computed (``forward``'s) and the mask of real steps
        ``(B, T)`` (so that a trainer can run the forward through a DDP wrapper)."""
        tags = self._check_tags(tags, mask, ignore_index)
        if self.crf is not None:
            return self.crf.neg_log_likelihood(emissions, tags, mask)
        keep = mask & (tags != ignore_index)  # (B, T): real, labelled steps
        if not bool(keep.any()):
            return emissions.sum() * 0.0  # nothing to learn from; keeps the graph
        return F.cross_entropy(emissions[keep], tags[keep])

    @torch.no_grad()
    def predict(
        self,
        x: Tensor,
        lengths: LengthsArg | None = None,
        chars: Tensor | None = None,
        case: Tensor | None = None,
    ) -> list[list[int]]:
        """The tags of each sequence, cut to its own length: argmax per step (softmax head) or the
        Viterbi path (crf head, within its constraints). Runs in the current mode: call
        ``model.eval()`` first to switch off dropout."""
        emissions, mask = self._emissions(x, lengths, chars, case)
        return self.decode(emissions, mask)

    @torch.no_grad()
    def decode(self, emissions: Tensor, mask: Tensor) -> list[list[int]]:
        """:meth:`predict` from emissions ``(B, T, C)`` and the mask of real steps ``(B, T)``."""
        if self.crf is not None:
            return self.crf.decode(emissions, mask)
        best = emissions.argmax(-1).tolist()
        return [row[:n] for row, n in zip(best, mask.sum(1).tolist(), strict=True)]

    # ----------------------------------------------------------------- internals

    def mask_of(self, x: Tensor, lengths: LengthsArg | None) -> Tensor:
        """The mask of real steps ``(B, T)`` of an input and its lengths, as the layers read them."""
        B, T = x.shape[:2]
        padding = padding_for("SequenceTagger", lengths, B, T, x.device)
        return torch.ones(B, T, dtype=torch.bool, device=x.device) if padding is None else padding.mask

    def _emissions(
        self, x: Tensor, lengths: LengthsArg | None, chars: Tensor | None, case: Tensor | None
    ) -> tuple[Tensor, Tensor]:
        inputs = self._inputs(x, chars, case)  # (B, T, E [+ F + E_case] or D)
        B, T = inputs.shape[:2]
        padding = padding_for("SequenceTagger", lengths, B, T, inputs.device)  # the one mask
        if padding is None:
            mask = torch.ones(B, T, dtype=torch.bool, device=inputs.device)
        else:
            mask = padding.mask  # (B, T)
        outputs, _ = self.rnn(inputs, lengths=padding)  # (B, T, K*H), zero past each length
        emissions = self.head(self.dropout(outputs))  # (B, T, C)
        # Without this the bias would sit at padded steps; zero makes padding inert everywhere.
        return emissions.masked_fill(~mask.unsqueeze(2), 0.0), mask

    def _inputs(self, x: Tensor, chars: Tensor | None, case: Tensor | None) -> Tensor:
        """The vector each step reads: the word's, its characters', its case's, joined; dropped out."""
        parts = [self._embed(x)]
        B, T = parts[0].shape[:2]
        for name, given, module in (("chars", chars, self.chars), ("case", case, self.case)):
            if module is None:
                if given is not None:
                    raise ValueError(
                        f"SequenceTagger: {name} given, but the config has no {name} features "
                        "(set char_features / case_classes)."
                    )
                continue
            if given is None or tuple(given.shape[:2]) != (B, T):
                got = None if given is None else tuple(given.shape)
                raise ValueError(
                    f"SequenceTagger: {name} must be given with shape ({B}, {T}, ...), got {got}."
                )
            if name == "case":
                check_token_ids("SequenceTagger", "case ids", given, self.config.case_classes)
            parts.append(module(given))
        joined = parts[0] if len(parts) == 1 else torch.cat(parts, dim=-1)
        return self.dropout(joined) if self.embedding is not None else joined  # features come as given

    def _embed(self, x: Tensor) -> Tensor:
        if not isinstance(x, Tensor):
            raise TypeError(f"SequenceTagger: x must be a torch.Tensor, got {type(x).__name__}.")
        if self.embedding is None:
            if x.dim() != 3 or not x.is_floating_point():
                raise ValueError(
                    f"SequenceTagger: real-valued input must be floats of shape (batch, time, "
                    f"{self.config.input_size}), got {x.dtype} of shape {tuple(x.shape)}."
                )
            return x
        config = self.config
        return embed_tokens(
            "SequenceTagger", self.embedding, x, config.token_dropout, None, config.unk_id, config.padding_idx
        )  # (B, T, E)

    def _check_tags(self, tags: object, mask: Tensor, ignore_index: int) -> Tensor:
        C = self.config.num_tags
        if not isinstance(tags, Tensor) or tags.is_floating_point() or tags.dtype == torch.bool:
            got = tags.dtype if isinstance(tags, Tensor) else type(tags).__name__
            raise TypeError(
                f"SequenceTagger: tags must be an integer tensor (batch, time), got {got}. Use .long()."
            )
        if tuple(tags.shape) != tuple(mask.shape):
            raise ValueError(
                f"SequenceTagger: tags must have shape {tuple(mask.shape)}, one tag per step of x "
                f"(batch, time), got {tuple(tags.shape)}."
            )
        tags = tags.to(mask.device).long()
        real = tags[mask]  # tags on real steps
        if self.crf is not None and bool((real == ignore_index).any()):
            raise ValueError(
                f"SequenceTagger: the crf head needs a tag on every real step, got ignore_index="
                f"{ignore_index} inside a sequence. Shorten its length or give those steps a tag "
                f"(e.g. 'O'), or use head='softmax'."
            )
        real = real[real != ignore_index]
        if real.numel() and (int(real.min()) < 0 or int(real.max()) >= C):
            raise ValueError(
                f"SequenceTagger: tags on real steps must be in [0, {C}) or ignore_index="
                f"{ignore_index}, got min {int(real.min())}, max {int(real.max())}."
            )
        return tags
