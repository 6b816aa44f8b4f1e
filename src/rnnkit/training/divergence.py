"""Divergence: a NaN or infinite loss or gradient norm stops training with a clear error, never silently.

A recurrent network that diverges usually shows it first in the gradient norm (exploding gradients
through time), then in the loss. Continuing would fill the weights with NaN; the trainer raises
:class:`NonFiniteLossError` at the first such step instead, before the optimiser touches the weights.

Example:
    >>> error = divergence_error("loss", float("nan"), epoch=2, step=7, steps=40, global_step=47, lr=0.1,
    ...                          clip_norm=None)
    >>> isinstance(error, ValueError), str(error).split(":")[0]
    (True, 'loss is nan at epoch 2, step 7 of 40 (global step 47)')
"""

from __future__ import annotations


class NonFiniteLossError(ValueError):
    """The loss or the gradient norm became NaN or infinite; the message names epoch, step and value."""


def divergence_error(
    what: str,
    value: float,
    epoch: int,
    step: int,
    steps: int,
    global_step: int,
    lr: float,
    clip_norm: float | None,
) -> NonFiniteLossError:
    """The error for a non-finite ``what`` (``loss`` or ``gradient norm``), with the usual fixes."""
    return NonFiniteLossError(
        f"{what} is {value} at epoch {epoch}, step {step} of {steps} (global step {global_step}): "
        "training diverged or a batch holds invalid values. Lower the learning rate "
        f"(lr={lr:g}), enable or tighten gradient clipping (clip_norm, e.g. 1.0; now {clip_norm}), "
        "or check the inputs and targets for NaN/inf."
    )
