"""Checks shared by the rnnkit.plots tests: a PNG read back, and a legend that covers no data."""

from __future__ import annotations

import io

import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.image import imread


def png_shape(png: bytes) -> tuple[int, ...]:
    """(height, width, channels) of PNG bytes, decoded by matplotlib (so the file is a valid PNG)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return imread(io.BytesIO(png), format="png").shape


def along(vertices: np.ndarray, per_segment: int = 25) -> np.ndarray:
    """Points along the straight segments between display-space vertices (N, 2), ends included."""
    if len(vertices) < 2:
        return vertices
    t = np.linspace(0.0, 1.0, per_segment)[None, :, None]  # (1, S, 1)
    return (vertices[:-1, None] + t * (vertices[1:, None] - vertices[:-1, None])).reshape(-1, 2)


def data_points(figure: Figure) -> np.ndarray:
    """Points along every drawn line and band edge of the figure's axes, in display pixels (N, 2)."""
    points = []
    for ax in figure.axes:
        for line in ax.get_lines():
            xy = np.asarray(line.get_xydata(), dtype=float)
            points.append(along(line.get_transform().transform(xy[np.isfinite(xy).all(1)])))
        for collection in ax.collections:
            if isinstance(collection, PolyCollection):  # fill_between
                for path in collection.get_paths():
                    points.append(along(collection.get_transform().transform(path.vertices)))
    return np.concatenate(points)


def points_under_legend(figure: Figure) -> int:
    """How many of :func:`data_points` the figure's legend covers, measured after drawing."""
    figure.canvas.draw()
    (legend,) = figure.legends
    box = legend.get_window_extent(figure.canvas.get_renderer())
    x, y = data_points(figure).T
    return int(((x >= box.x0) & (x <= box.x1) & (y >= box.y0) & (y <= box.y1)).sum())


def assert_legend_clear_of_data(figure: Figure) -> None:
    """The figure's legend lies inside the figure, outside every axes, and over no data point."""
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    (legend,) = figure.legends
    box = legend.get_window_extent(renderer)
    assert 0 <= box.x0 and box.x1 <= figure.bbox.width + 1  # nothing cut off
    for ax in figure.axes:
        if ax.get_label() != "<colorbar>":
            assert not box.overlaps(ax.get_window_extent(renderer)), "the legend overlaps the axes"
    assert len(data_points(figure)) and points_under_legend(figure) == 0, "data points lie under the legend"
