"""A dependency-free line plot written as SVG (the demo's figure; no matplotlib needed)."""

from __future__ import annotations

from collections.abc import Sequence

COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#7f7f7f")


def line_plot_svg(
    series: dict[str, Sequence[float]],
    *,
    title: str,
    x_label: str = "time step",
    width: int = 720,
    height: int = 320,
) -> str:
    """The named series as coloured polylines with a legend, as SVG text (write it with the run folder).

    Example:
        >>> line_plot_svg({"a": [0, 1, 0], "b": [1, 0, 1]}, title="t")[:4]
        '<svg'
    """
    values = [v for ys in series.values() for v in ys]
    if not values:
        raise ValueError("line_plot_svg: nothing to plot; pass at least one non-empty series.")
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    longest = max(len(ys) for ys in series.values())
    left, right, top, bottom = 50, 20, 40, 40
    plot_w, plot_h = width - left - right, height - top - bottom

    def xy(i: int, v: float) -> str:
        x = left + plot_w * i / max(longest - 1, 1)
        y = top + plot_h * (1 - (v - low) / span)
        return f"{x:.1f},{y:.1f}"

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        'font-family="sans-serif">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{width / 2}" y="22" text-anchor="middle" font-size="15">{title}</text>',
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#ccc"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" font-size="11">{high:.2f}</text>',
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end" font-size="11">{low:.2f}</text>',
        f'<text x="{left + plot_w / 2}" y="{height - 10}" text-anchor="middle" font-size="12">'
        f"{x_label}</text>",
    ]
    for k, (name, ys) in enumerate(series.items()):
        colour = COLOURS[k % len(COLOURS)]
        points = " ".join(xy(i, v) for i, v in enumerate(ys))
        parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="1.6"/>')
        y = top + 14 + 16 * k
        parts.append(
            f'<line x1="{left + 10}" y1="{y - 4}" x2="{left + 30}" y2="{y - 4}" '
            f'stroke="{colour}" stroke-width="3"/>'
        )
        parts.append(f'<text x="{left + 36}" y="{y}" font-size="12">{name}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
