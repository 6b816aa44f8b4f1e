"""An attention heat-map: how much each generated (target) token attended to each source token.

Rows are target tokens (top to bottom, in the order they were generated), columns are source tokens;
a cell's colour is the attention weight, with a colour bar for the scale. Each row of a softmax
attention sums to 1.

Example:
    >>> figure = attention_figure([[0.9, 0.1], [0.2, 0.8]], ["ein", "Haus"], ["a", "house"])
    >>> ax = figure.axes[0]
    >>> ax.get_title(), ax.get_xlabel(), [t.get_text() for t in ax.get_yticklabels()]
    ('attention weights', 'source token', ['a', 'house'])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from .canvas import as_array, new_figure

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

INCHES_PER_TOKEN = 0.32


def attention_figure(
    weights: npt.ArrayLike,
    source_tokens: Sequence[str],
    target_tokens: Sequence[str],
    *,
    title: str = "attention weights",
    source_label: str = "source token",
    target_label: str = "target token",
) -> Figure:
    """Draw attention weights ``(T_target, T_source)`` as a heat-map with the tokens on the axes.

    Args:
        weights: ``weights[i, j]`` is how much target token ``i`` attended to source token ``j``
            (a tensor, array or nested lists; e.g. one example's weights from a seq2seq decoder).
        source_tokens: the ``T_source`` column labels; target_tokens: the ``T_target`` row labels.
        title: what is shown (e.g. the sentence pair); source_label, target_label: the axes.

    Returns:
        The figure (save it with :func:`~rnnkit.plots.to_png`).

    Raises:
        ValueError: ``weights`` is not 2-D, or its shape disagrees with the token counts.
        PlotsUnavailableError: matplotlib is not installed.
    """
    matrix = as_array(weights, "weights", 2)
    expected = (len(target_tokens), len(source_tokens))
    if matrix.shape != expected:
        raise ValueError(
            f"weights: expected shape (target tokens, source tokens) = {expected}, got {matrix.shape}; "
            "pass one example's weights with rows for the target tokens."
        )
    rows, columns = expected
    width = float(np.clip(2.8 + INCHES_PER_TOKEN * columns, 4.5, 16.0))
    height = float(np.clip(1.9 + INCHES_PER_TOKEN * rows, 3.2, 14.0))
    figure = new_figure(width, height)
    ax = figure.add_subplot()
    top = float(matrix.max()) if matrix.size and matrix.max() > 0 else 1.0
    image = ax.imshow(matrix, cmap="viridis", vmin=0.0, vmax=top, aspect="auto", interpolation="nearest")
    long_labels = columns > 10 or any(len(token) > 4 for token in source_tokens)
    ax.set_xticks(range(columns), labels=list(source_tokens), rotation=90 if long_labels else 0)
    ax.set_yticks(range(rows), labels=list(target_tokens))
    ax.set_xlabel(source_label)
    ax.set_ylabel(target_label)
    ax.set_title(title)
    figure.colorbar(image, ax=ax, label="attention weight")
    return figure
