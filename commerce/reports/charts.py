"""Small server-side SVG charts (no JavaScript): bars for rankings, lines for
series over months. Values are Decimals or ints; the SVG scales to its box."""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#2b6cb0", "#dd6b20", "#38a169", "#805ad5", "#d53f8c", "#718096")


def _scale(maximum: Decimal) -> Decimal:
    return maximum if maximum > 0 else Decimal(1)


def bar_chart(items: list[tuple[str, Decimal]], *, width: int = 640, bar: int = 22) -> SafeString:
    """Horizontal bars, one per (label, value), largest value full width."""
    if not items:
        return mark_safe("")
    label_width, gap = 220, 6
    height = len(items) * (bar + gap) + gap
    top = _scale(max(Decimal(v) for _, v in items))
    room = width - label_width - 90
    parts = []
    for n, (label, value) in enumerate(items):
        y = gap + n * (bar + gap)
        length = int(Decimal(room) * Decimal(value) / top) if value > 0 else 0
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" font-size="12">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}</title></rect>'
                '<text x="{}" y="{}" font-size="12">{}</text>',
                label_width - 6,
                y + bar - 6,
                str(label)[:32],
                label_width,
                y,
                length,
                bar,
                PALETTE[0],
                label,
                value,
                label_width + length + 4,
                y + bar - 6,
                value,
            )
        )
    return format_html(
        '<svg class="report-chart" role="img" xmlns="http://www.w3.org/2000/svg" '
        'viewBox="0 0 {} {}" width="100%" preserveAspectRatio="xMinYMin meet">{}</svg>',
        width,
        height,
        mark_safe("".join(parts)),  # noqa: S308 - every part was built with format_html
    )


def line_chart(
    labels: list[str], series: dict[str, list[Decimal]], *, width: int = 640, height: int = 240
) -> SafeString:
    """One polyline per series over shared x labels (e.g. months), with a legend."""
    if not labels or not series:
        return mark_safe("")
    left, right, top_pad, bottom = 70, 20, 20, 40
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    top = _scale(max((Decimal(v) for values in series.values() for v in values), default=0))
    step = Decimal(plot_w) / max(len(labels) - 1, 1)

    def point(i: int, value: Decimal) -> str:
        x = Decimal(left) + step * i
        y = Decimal(top_pad) + Decimal(plot_h) - Decimal(plot_h) * Decimal(value) / top
        return f"{x:.1f},{y:.1f}"

    parts = [
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#999"/>'
            '<text x="{}" y="{}" text-anchor="end" font-size="11">{}</text>'
            '<text x="{}" y="{}" text-anchor="end" font-size="11">0</text>',
            left,
            top_pad + plot_h,
            left + plot_w,
            top_pad + plot_h,
            left - 4,
            top_pad + 10,
            top,
            left - 4,
            top_pad + plot_h,
        )
    ]
    for i, label in enumerate(labels):
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" font-size="11">{}</text>',
                f"{Decimal(left) + step * i:.1f}",
                height - bottom + 16,
                label,
            )
        )
    for n, (name, values) in enumerate(series.items()):
        colour = PALETTE[n % len(PALETTE)]
        points = " ".join(point(i, v) for i, v in enumerate(values))
        parts.append(
            format_html(
                '<polyline fill="none" stroke="{}" stroke-width="2" points="{}">'
                "<title>{}</title></polyline>"
                '<text x="{}" y="{}" font-size="12" fill="{}">{}</text>',
                colour,
                points,
                name,
                left + 10 + n * 140,
                height - 6,
                colour,
                name,
            )
        )
    return format_html(
        '<svg class="report-chart" role="img" xmlns="http://www.w3.org/2000/svg" '
        'viewBox="0 0 {} {}" width="100%" preserveAspectRatio="xMinYMin meet">{}</svg>',
        width,
        height,
        mark_safe("".join(parts)),  # noqa: S308 - every part was built with format_html
    )


__all__ = ["bar_chart", "line_chart"]
