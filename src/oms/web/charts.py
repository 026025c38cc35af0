"""Small server-rendered SVG charts: no JavaScript, no CDN, printable, and readable by tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[int]
    color: str  # a CSS colour


def bar_chart(categories: Sequence[str], series: Sequence[Series], *, height: int = 160, title: str = "") -> SafeString:
    """Grouped bars, one group per category; each bar carries a <title> tooltip with its exact value."""
    width = 640
    top, bottom, left = 12, 24, 28
    plot_h = height - top - bottom
    biggest = max([1, *(v for s in series for v in s.values)])
    group_w = (width - left) / max(1, len(categories))
    bar_w = max(2.0, (group_w - 8) / max(1, len(series)))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" class="w-100" style="max-height:{height}px">'
    ]
    for tick in (0, biggest):
        y = top + plot_h - plot_h * tick / biggest
        parts.append(
            f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end" fill="#6c757d">{tick}</text>'
        )
        parts.append(f'<line x1="{left}" x2="{width}" y1="{y:.1f}" y2="{y:.1f}" stroke="#dee2e6"/>')
    for i, category in enumerate(categories):
        x0 = left + i * group_w + 4
        for j, s in enumerate(series):
            value = s.values[i]
            h = plot_h * value / biggest
            x = x0 + j * bar_w
            parts.append(
                f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w - 1:.1f}" height="{h:.1f}" '
                f'fill="{escape(s.color)}"><title>{escape(s.label)} {escape(category)}: {value}</title></rect>'
            )
        parts.append(
            f'<text x="{x0 + (group_w - 8) / 2:.1f}" y="{height - 8}" font-size="10" text-anchor="middle" '
            f'fill="#6c757d">{escape(category)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above
