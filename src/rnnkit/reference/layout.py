"""Convert between the reference's textbook parameter names and PyTorch's stacked layout.

torch.nn keeps one input matrix and one recurrent matrix per layer, the gate blocks stacked along the
rows, and two bias vectors (G gate blocks of H rows; G = 1 Elman, 4 LSTM in the order i, f, g, o,
3 GRU in the order r, z, n)::

    weight_ih (G*H, D) = [W_x<g1>; W_x<g2>; ...]       weight_hh (G*H, H) = [W_h<g1>; W_h<g2>; ...]
    bias_ih   (G*H,)                                   bias_hh   (G*H,)

The two biases only ever appear as a sum, except in the GRU's candidate, where the reset gate scales
``W_hn h + b_hn`` but not ``W_xn x + b_xn``. So ``from_torch`` takes ``b = bias_ih + bias_hh`` per block
(GRU n-block: ``b_xn = bias_ih[n]``, ``b_hn = bias_hh[n]``), and ``to_torch`` writes ``b`` into
``bias_ih`` and zeros into ``bias_hh`` (GRU n-block: ``b_xn`` and ``b_hn``). The forward pass is the
same either way.

Gradients: because a summed bias feeds both torch biases, its gradient is copied, not split: the torch
gradient of ``bias_ih``'s i-block equals that of ``bias_hh``'s i-block and both equal the reference
gradient of ``b_i``. Convert gradient dicts with ``gradients=True``: ``from_torch`` then reads each
summed block from ``bias_ih`` (not the sum of the two, which would double it), and ``to_torch`` writes
the reference gradient into both ``bias_ih`` and ``bias_hh``.

Layers: a ``torch.nn.LSTM``'s state dict names its layers with suffixes, ``weight_ih_l0``,
``weight_hh_l1_reverse``...; pass ``suffix="_l1_reverse"`` to read or write one layer and direction.
Arrays come back as NumPy arrays: wrap them with ``torch.from_numpy`` to load them into torch.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

GATES = {"elman": "h", "lstm": "ifgo", "gru": "rzn"}


def _as_array(value: object) -> np.ndarray:
    """A NumPy copy of ``value``; torch tensors (even ones that require grad) are detached first."""
    if hasattr(value, "detach"):  # a torch.Tensor, recognised without importing torch
        value = value.detach().cpu().numpy()
    return np.array(value, dtype=float)


def _check_cell(cell: str) -> str:
    if cell not in GATES:
        raise ValueError(f"cell must be one of {sorted(GATES)}, got {cell!r}.")
    return GATES[cell]


def to_torch(
    cell: str, params: Mapping[str, np.ndarray], suffix: str = "", gradients: bool = False
) -> dict[str, np.ndarray]:
    """Textbook dict -> torch.nn layout (``weight_ih``, ``weight_hh``, ``bias_ih``, ``bias_hh``).

    Args:
        cell: ``"elman"``, ``"lstm"`` or ``"gru"``.
        params: the reference parameters (or gradients), e.g. from ``init_lstm_params``.
        suffix: appended to every torch key, e.g. ``"_l0"`` or ``"_l1_reverse"`` for torch.nn layers.
        gradients: convert gradients: a summed bias's gradient goes into both ``bias_ih`` and ``bias_hh``.

    Returns:
        A dict of NumPy arrays: ``weight_ih`` ``(G*H, D)``, ``weight_hh`` ``(G*H, H)``, ``bias_ih`` and
        ``bias_hh`` ``(G*H,)``, each key followed by ``suffix``.

    Example:
        >>> from rnnkit.reference.lstm import init_lstm_params
        >>> sd = to_torch("lstm", init_lstm_params(3, 5, np.random.default_rng(0)), suffix="_l0")
        >>> {k: v.shape for k, v in sd.items()}
        {'weight_ih_l0': (20, 3), 'weight_hh_l0': (20, 5), 'bias_ih_l0': (20,), 'bias_hh_l0': (20,)}
    """
    gates = _check_cell(cell)
    keys = [f"W_x{g}" for g in gates] + [f"W_h{g}" for g in gates]
    keys += ["b_r", "b_z", "b_xn", "b_hn"] if cell == "gru" else [f"b_{g}" for g in gates]
    missing = [k for k in keys if k not in params]
    if missing:
        raise ValueError(f"to_torch: params for cell={cell!r} is missing {missing}; got {sorted(params)}.")
    bias_ih, bias_hh = [], []
    for g in gates:
        if cell == "gru" and g == "n":
            b_x, b_h = _as_array(params["b_xn"]), _as_array(params["b_hn"])
        else:
            b_x = _as_array(params[f"b_{g}"])
            b_h = b_x.copy() if gradients else np.zeros_like(b_x)
        bias_ih.append(b_x)
        bias_hh.append(b_h)
    return {
        f"weight_ih{suffix}": np.concatenate([_as_array(params[f"W_x{g}"]) for g in gates]),  # (G*H, D)
        f"weight_hh{suffix}": np.concatenate([_as_array(params[f"W_h{g}"]) for g in gates]),  # (G*H, H)
        f"bias_ih{suffix}": np.concatenate(bias_ih),  # (G*H,)
        f"bias_hh{suffix}": np.concatenate(bias_hh),  # (G*H,)
    }


def from_torch(
    cell: str, state_dict: Mapping[str, object], suffix: str = "", gradients: bool = False
) -> dict[str, np.ndarray]:
    """torch.nn layout -> textbook dict (the inverse of ``to_torch``).

    Args:
        cell: ``"elman"``, ``"lstm"`` or ``"gru"``.
        state_dict: a dict with ``weight_ih``, ``weight_hh`` and optionally ``bias_ih``, ``bias_hh``
            (each followed by ``suffix``; missing biases, as with ``bias=False``, read as zeros). Values
            may be NumPy arrays or torch tensors.
        suffix: the torch key suffix, e.g. ``"_l0"`` for the first layer of a torch.nn.LSTM.
        gradients: convert gradients (the ``.grad`` of each torch parameter): a summed bias's gradient is
            read from ``bias_ih`` alone (it equals ``bias_hh``'s) instead of summing the two.

    Returns:
        The reference parameters (or gradients) as NumPy arrays, keys as in ``init_<cell>_params``.

    Example:
        >>> sd = {"weight_ih": np.ones((3, 2)), "weight_hh": np.eye(3), "bias_ih": np.ones(3),
        ...       "bias_hh": np.ones(3)}
        >>> p = from_torch("elman", sd)
        >>> sorted(p), p["b_h"].tolist()
        (['W_hh', 'W_xh', 'b_h'], [2.0, 2.0, 2.0])
    """
    gates = _check_cell(cell)
    for name in ("weight_ih", "weight_hh"):
        if name + suffix not in state_dict:
            raise ValueError(
                f"from_torch: state_dict has no {name + suffix!r} (suffix={suffix!r}); "
                f"got {sorted(state_dict)}. A torch.nn.RNN/LSTM/GRU names its layers: pass suffix='_l0'."
            )
    w_ih, w_hh = _as_array(state_dict["weight_ih" + suffix]), _as_array(state_dict["weight_hh" + suffix])
    G, GH = len(gates), w_hh.shape[0]
    if w_hh.ndim != 2 or GH != G * w_hh.shape[1] or w_ih.ndim != 2 or w_ih.shape[0] != GH:
        raise ValueError(
            f"from_torch: for cell={cell!r} expected weight_ih (G*H, D) and weight_hh (G*H, H) with G={G}, "
            f"got {w_ih.shape} and {w_hh.shape}."
        )
    H = GH // G
    b_ih = _as_array(state_dict.get("bias_ih" + suffix, np.zeros(GH)))
    b_hh = _as_array(state_dict.get("bias_hh" + suffix, np.zeros(GH)))
    params = {}
    for k, g in enumerate(gates):
        params[f"W_x{g}"] = w_ih[k * H : (k + 1) * H]  # (H, D)
    for k, g in enumerate(gates):
        params[f"W_h{g}"] = w_hh[k * H : (k + 1) * H]  # (H, H)
    for k, g in enumerate(gates):
        block = slice(k * H, (k + 1) * H)
        if cell == "gru" and g == "n":
            params["b_xn"], params["b_hn"] = b_ih[block], b_hh[block]
        else:
            params[f"b_{g}"] = b_ih[block] if gradients else b_ih[block] + b_hh[block]
    return params
