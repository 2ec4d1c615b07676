"""Charts without dependencies: inline SVG for HTML reports, text for the terminal."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

CHART_COLOR = "#1f6fd1"
"""Line and bar colour of every SVG chart (tests look for it in screenshots)."""

BAND_COLOR = "#d9f2dc"
"""Fill of the target band behind a line chart."""

SPARK_BLOCKS = "▁▂▃▄▅▆▇█"
"""Glyphs of a text sparkline, lowest to highest."""


def _fmt(value: float) -> str:
    return f"{value:.0f}" if abs(value) >= 10 else f"{value:.2g}"


def _y_range(values: Sequence[float], band: tuple[float, float] | None) -> tuple[float, float]:
    pool = list(values) + (list(band) if band else [])
    low, high = min(pool), max(pool)
    if high == low:
        low, high = low - 1.0, high + 1.0
    pad = (high - low) * 0.1
    return low - pad, high + pad


def svg_line_chart(
    values: Sequence[float | None],
    title: str,
    *,
    width: int = 360,
    height: int = 160,
    band: tuple[float, float] | None = None,
) -> str:
    """A line chart of one metric per attempt as an inline ``<svg>`` element.

    Args:
        values: One value per attempt, oldest first; None gaps are skipped.
        title: Caption drawn at the top.
        width: Width in pixels.
        height: Height in pixels.
        band: Optional target band (low, high) drawn as a shaded strip.

    Returns:
        The SVG markup (no scripts, no external references).
    """
    left, right, top, bottom = 40, 12, 24, 22
    points = [(i, v) for i, v in enumerate(values) if v is not None]
    parts = [
        f'<svg class="chart" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}">',
        f'<text x="{left}" y="15" font-size="12" font-family="sans-serif">{escape(title)}</text>',
    ]
    if not points:
        parts.append(
            f'<text x="{left}" y="{height // 2}" font-size="11" '
            'font-family="sans-serif" fill="#777">no data</text></svg>'
        )
        return "".join(parts)
    y_low, y_high = _y_range([v for _, v in points], band)
    plot_w, plot_h = width - left - right, height - top - bottom
    slots = max(len(values) - 1, 1)

    def xy(i: float, v: float) -> tuple[float, float]:
        x = left + (plot_w * i / slots if len(values) > 1 else plot_w / 2)
        return round(x, 1), round(top + plot_h * (1 - (v - y_low) / (y_high - y_low)), 1)

    if band:
        _, y1 = xy(0, band[1])
        _, y2 = xy(0, band[0])
        parts.append(
            f'<rect x="{left}" y="{y1}" width="{plot_w}" height="{y2 - y1}" fill="{BAND_COLOR}"/>'
        )
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" '
        f'y2="{top + plot_h}" stroke="#999"/>'
    )
    for v in (y_low, y_high):
        parts.append(
            f'<text x="{left - 4}" y="{xy(0, v)[1] + 4}" font-size="10" '
            f'text-anchor="end" font-family="sans-serif">{_fmt(v)}</text>'
        )
    coords = [xy(i, v) for i, v in points]
    path = " ".join(f"{x},{y}" for x, y in coords)
    parts.append(f'<polyline points="{path}" fill="none" stroke="{CHART_COLOR}" stroke-width="3"/>')
    parts += [f'<circle cx="{x}" cy="{y}" r="4.5" fill="{CHART_COLOR}"/>' for x, y in coords]
    parts += [
        f'<text x="{x}" y="{height - 6}" font-size="10" text-anchor="middle" '
        f'font-family="sans-serif">{i + 1}</text>'
        for (x, _), (i, _) in zip(coords, points, strict=True)
    ]
    parts.append("</svg>")
    return "".join(parts)


def svg_bar_chart(
    rows: Sequence[tuple[str, float | None]], title: str, *, width: int = 360, bar_height: int = 18
) -> str:
    """Horizontal bars, one per (label, value), as an inline ``<svg>`` element."""
    left, top = 110, 24
    height = top + len(rows) * (bar_height + 6) + 8
    known = [v for _, v in rows if v is not None]
    scale = max(known, default=0.0) or 1.0
    parts = [
        f'<svg class="chart" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}">',
        f'<text x="4" y="15" font-size="12" font-family="sans-serif">{escape(title)}</text>',
    ]
    for n, (label, value) in enumerate(rows):
        y = top + n * (bar_height + 6)
        parts.append(
            f'<text x="{left - 6}" y="{y + bar_height - 5}" font-size="11" '
            f'text-anchor="end" font-family="sans-serif">{escape(label[:16])}</text>'
        )
        if value is None:
            continue
        bar_w = max(1.0, (width - left - 50) * value / scale)
        parts.append(
            f'<rect x="{left}" y="{y}" width="{bar_w:.1f}" height="{bar_height}" '
            f'fill="{CHART_COLOR}"/>'
        )
        parts.append(
            f'<text x="{left + bar_w + 4:.1f}" y="{y + bar_height - 5}" '
            f'font-size="11" font-family="sans-serif">{_fmt(value)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def sparkline(values: Sequence[float | None]) -> str:
    """A one-line text chart (``▁▃▆█``); None becomes a space. Usable in a Textual widget."""
    known = [v for v in values if v is not None]
    if not known:
        return " " * len(values)
    low, high = min(known), max(known)
    top = len(SPARK_BLOCKS) - 1
    out = []
    for v in values:
        if v is None:
            out.append(" ")
        elif high == low:
            out.append(SPARK_BLOCKS[top // 2])
        else:
            out.append(SPARK_BLOCKS[round((v - low) / (high - low) * top)])
    return "".join(out)


def text_bars(rows: Sequence[tuple[str, float | None]], width: int = 30) -> list[str]:
    """Horizontal text bars, one line per (label, value), scaled to ``width`` cells."""
    label_w = max((len(label) for label, _ in rows), default=0)
    scale = max((v for _, v in rows if v is not None), default=0.0) or 1.0
    lines = []
    for label, value in rows:
        if value is None:
            lines.append(f"{label:<{label_w}}  -")
            continue
        cells = value / scale * width
        bar = "█" * int(cells) + ("▌" if cells - int(cells) >= 0.5 else "")
        lines.append(f"{label:<{label_w}}  {bar} {_fmt(value)}")
    return lines
