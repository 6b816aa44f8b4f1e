"""The trainer's task for a stateful language model: truncated BPTT over windows in order.

Windows (:class:`~rnnkit.data.streams.Window`) come in order; the task keeps the state the model
returned after the previous window and feeds it, detached, into the next one, so that each of the B
streams is read as one sequence while gradients stop at window boundaries. A window that opens the
streams (``first``) starts from zeros. Training and evaluation keep separate states (validation runs
between epochs, and must not inherit the training streams' state).

The loss is the mean cross-entropy per target token, in nats; bits per token (bits per character at
char level) is ``loss / ln 2``, and perplexity ``exp(loss)``. In training the AR/TAR penalties of the
model are added to the loss that is backpropagated and reported.
"""

from __future__ import annotations

import math
from typing import Any

from torch import Tensor, nn
from torch.nn import functional as F

from ..data.streams import Window
from ..models.awd_lstm import AWDLanguageModel, State, state_rows
from ..training.distributed import unwrap_ddp

LN2 = math.log(2.0)


def unwrap_model(model: nn.Module) -> AWDLanguageModel:
    """The language model inside a DDP wrapper (or the model itself)."""
    return unwrap_ddp(model, AWDLanguageModel, "textgen")


class StreamTask:
    """``compute_loss`` and ``evaluate_batch`` over stateful windows (see the module docstring)."""

    def __init__(self) -> None:
        self.states: dict[bool, State | None] = {True: None, False: None}

    def _state_for(self, model: nn.Module, window: Window) -> State | None:
        state = self.states[model.training]
        if window.first or state is None or state_rows(state) != window.inputs.shape[0]:
            return None
        return state

    def compute_loss(self, model: nn.Module, batch: Window) -> tuple[Tensor, int]:
        lm = unwrap_model(model)
        logits, state, penalty = lm.run(batch.inputs, self._state_for(model, batch))
        self.states[model.training] = lm.detach_state(state)
        loss = F.cross_entropy(logits.flatten(0, 1), batch.targets.flatten())  # (B*T, V)
        return loss + penalty, batch.targets.numel()

    def evaluate_batch(self, model: nn.Module, batch: Window) -> tuple[Tensor, int, dict[str, Any]]:
        """Loss and bits per token of one window from one forward pass (eval mode)."""
        lm = unwrap_model(model)
        logits, state, _ = lm.run(batch.inputs, self._state_for(model, batch))
        self.states[model.training] = lm.detach_state(state)
        count = batch.targets.numel()
        total = F.cross_entropy(logits.flatten(0, 1), batch.targets.flatten(), reduction="sum")
        return total / count, count, {"bits_per_token": (total.detach() / LN2, float(count))}
