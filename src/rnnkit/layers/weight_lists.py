"""torch.nn.RNNBase's lists of a stack's weights, which code written for torch.nn reads.

* ``_all_weights``: the parameter names of each layer-direction, ``[["weight_ih_l0", "weight_hh_l0",
  "bias_ih_l0", "bias_hh_l0"], [..._reverse], ...]`` (then ``weight_hr_l0`` with an LSTM projection);
* ``all_weights``: the same, the tensors themselves;
* ``_flat_weights_names``: the fused kernels' tensors, in their order: for each layer-direction
  weight_ih, weight_hh, [bias_ih, bias_hh], [weight_hr] (a layer-normalised cell's gains are not
  among them, as no kernel reads them);
* ``_flat_weights``: those tensors, a list, read from the attributes each time it is asked for: it
  follows a weight assigned (``layer.weight_hh_l0 = ...``, as weight norm does before each forward) or
  deleted (None in its place), so nothing has to keep it in step.
"""

from __future__ import annotations

from torch import Tensor, nn

FLAT_WEIGHTS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr")
"""The cell parameters the fused kernels read, in their order within one layer-direction."""


def flat_weight_names(param_names: list[list[dict[str, str]]]) -> list[str]:
    """The ``_flat_weights_names`` of a stack whose ``[layer][direction]`` maps cell names to its own.

    Example:
        >>> flat_weight_names([[{"weight_ih": "weight_ih_l0", "weight_hh": "weight_hh_l0", "ln": "ln_l0"}]])
        ['weight_ih_l0', 'weight_hh_l0']
    """
    return [names[n] for layer in param_names for names in layer for n in FLAT_WEIGHTS if n in names]


class WeightLists(nn.Module):
    """The lists above, for a module that sets ``_all_weights`` and ``_flat_weights_names``."""

    _all_weights: list[list[str]]
    _flat_weights_names: list[str]

    @property
    def all_weights(self) -> list[list[Tensor]]:
        """Each layer-direction's parameters, in torch.nn's order."""
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    @property
    def _flat_weights(self) -> list[Tensor | None]:
        """The fused kernels' tensors (None for one deleted), in ``_flat_weights_names`` order."""
        return [getattr(self, name, None) for name in self._flat_weights_names]
