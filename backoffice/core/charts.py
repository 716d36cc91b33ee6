"""Small charts drawn as inline SVG, so a list row or a record's page shows a trend
without a script (the CSP allows none inline) and prints as it shows."""

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

LINE = "#3b82f6"
BAR = "#ef4444"


def _money(value: Decimal) -> str:
    return f"¥{value:,.2f}"


def sparkline(values: Sequence[Decimal], *, labels: Sequence[str], width: int = 96) -> SafeString:
    """A line through `values` (one per period, oldest first), its last point marked; the
    tooltip names every period's amount. Nothing but a dash when all are zero."""
    if not any(values):
        return mark_safe('<span class="text-base-400">—</span>')
    height, pad = 24, 2
    top, low = max(values), min(min(values), Decimal(0))
    span = (top - low) or Decimal(1)
    step = (width - 2 * pad) / max(len(values) - 1, 1)
    points = [
        (pad + i * step, pad + float((top - value) / span) * (height - 2 * pad))
        for i, value in enumerate(values)
    ]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    tip = "\n".join(
        f"{label}: {_money(value)}" for label, value in zip(labels, values, strict=True)
    )
    x, y = points[-1]
    return format_html(
        '<svg class="inline-block align-middle" width="{}" height="{}" viewBox="0 0 {} {}" '
        'role="img" aria-label="{}"><title>{}</title><polyline fill="none" stroke="{}" '
        'stroke-width="1.5" points="{}"/><circle cx="{}" cy="{}" r="2" fill="{}"/></svg>',
        width,
        height,
        width,
        height,
        tip,
        tip,
        LINE,
        path,
        f"{x:.1f}",
        f"{y:.1f}",
        LINE,
    )


def columns(values: Sequence[Decimal], *, labels: Sequence[str], height: int = 160) -> SafeString:
    """A column per period (oldest first), scaled to the highest, with each period's amount
    in its tooltip and every sixth period's label below; a negative period draws nothing."""
    count = max(len(values), 1)
    slot, chart = 20, height - 18
    peak = max([*values, Decimal(0)]) or Decimal(1)
    bars = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        tall = float(max(value, Decimal(0)) / peak) * (chart - 4)
        bars.append(
            (i * slot + 3, f"{chart - tall:.1f}", f"{tall:.1f}", f"{label}: {_money(value)}")
        )
    ticks = [
        (i * slot + slot / 2, height - 4, label) for i, label in enumerate(labels) if i % 6 == 0
    ]
    return format_html(
        '<svg class="w-full" viewBox="0 0 {} {}" role="img" aria-label="{}">{}{}</svg>',
        count * slot,
        height,
        f"{labels[0]} – {labels[-1]}" if labels else "",
        format_html_join(
            "",
            '<rect x="{}" y="{}" width="14" height="{}" fill="'
            + BAR
            + '"><title>{}</title></rect>',
            bars,
        ),
        format_html_join(
            "",
            '<text x="{}" y="{}" font-size="9" fill="#6b7280">{}</text>',
            ticks,
        ),
    )
