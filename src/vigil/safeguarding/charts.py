"""Server-side SVG charts: no script, no inline style (the Content-Security-Policy forbids both),
and a table beside each chart carries the same figures for screen readers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Fills for rank 0..3, as presentation attributes (allowed under the CSP, unlike style="").
LEVEL_FILLS = ("#b1b4b6", "#ffdd00", "#f47738", "#d4351c")


def stacked_levels_svg(
    months: Sequence[date],
    counts: Sequence[Sequence[int]],
    labels: Sequence[str],
    *,
    title: str,
) -> SafeString:
    """A stacked bar per month: children at each level at the month's end."""
    width, height = 760, 300
    left, right, top, bottom = 48, 12, 16, 64
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((sum(column) for column in counts), default=0) or 1
    step = _nice_step(peak)
    ceiling = step * -(-peak // step)
    bar_gap = 8
    bar_w = max(4, (plot_w - bar_gap * len(months)) / max(len(months), 1))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="vigil-chart" role="img" '
        f'viewBox="0 0 {width} {height}" font-family="arial, sans-serif" '
        'aria-labelledby="cohort-chart-title">',
        f'<title id="cohort-chart-title">{escape(title)}</title>',
    ]
    for tick in range(0, ceiling + 1, step):
        y = top + plot_h - plot_h * tick / ceiling
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#d9d9d9" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" '
            f'fill="#505a5f">{tick}</text>'
        )
    for index, (month, column) in enumerate(zip(months, counts, strict=True)):
        x = left + bar_gap / 2 + index * (bar_w + bar_gap)
        y = top + plot_h
        for rank, value in enumerate(column):
            if not value:
                continue
            h = plot_h * value / ceiling
            y -= h
            parts.append(
                f'<rect class="vigil-chart__rank-{rank}" x="{x:.1f}" y="{y:.1f}" '
                f'width="{bar_w:.1f}" height="{h:.1f}" fill="{LEVEL_FILLS[rank % 4]}">'
                f"<title>{escape(month.strftime('%B %Y'))}: {value} {escape(labels[rank])}"
                "</title></rect>"
            )
        parts.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 16}" text-anchor="middle" '
            f'font-size="12" fill="#0b0c0c">{escape(month.strftime("%b"))}</text>'
        )
        if index == 0 or month.month == 1:
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 30}" text-anchor="middle" '
                f'font-size="11" fill="#505a5f">{month.year}</text>'
            )
    legend_x = left
    for rank, label in enumerate(labels):
        parts.append(
            f'<rect x="{legend_x}" y="{height - 20}" width="12" height="12" '
            f'fill="{LEVEL_FILLS[rank % 4]}"/>'
            f'<text x="{legend_x + 16}" y="{height - 10}" font-size="12" '
            f'fill="#0b0c0c">{escape(label)}</text>'
        )
        legend_x += 24 + 7 * len(label)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above


def _nice_step(peak: int) -> int:
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000):
        if peak / step <= 6:
            return step
    return 10_000
