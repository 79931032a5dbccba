"""Charts drawn on the server as inline SVG: no JavaScript, no third-party library.

Colours come from officials.css classes (CSP forbids inline styles); every chart has an
aria-label and the page shows the same numbers in a table.
"""
from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 220
LEFT, BOTTOM, TOP = 40, 28, 16


def _nice_max(value):
    """A round top for the axis whose half is a whole number too (2, 4, 10, 20, 40, 100 …)."""
    if value <= 2:
        return 2
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 4, 6, 8, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 20 * magnitude


def bar_chart(points, title):
    """A vertical bar chart of [(label, value)] as an accessible inline SVG."""
    top = _nice_max(max((v for _l, v in points), default=0))
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - BOTTOM - TOP
    slot = plot_w / max(len(points), 1)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg">'
    ]
    for fraction in (0, 0.5, 1):
        y = TOP + plot_h * (1 - fraction)
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - 8}" y1="{y:.1f}" y2="{y:.1f}"/>'
                     f'<text class="axis" x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end">{int(top * fraction)}</text>')
    every = 1 if len(points) <= 14 else 2
    for i, (label, value) in enumerate(points):
        h = plot_h * value / top if top else 0
        x = LEFT + i * slot + slot * 0.15
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{TOP + plot_h - h:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}"/>'
        )
        if i % every == 0:
            parts.append(f'<text class="axis" x="{x + slot * 0.35:.1f}" y="{HEIGHT - 10}" '
                         f'text-anchor="middle">{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def meter(percent_value, title):
    """A horizontal bar filled to a percentage (coverage, completeness)."""
    value = max(0, min(100, percent_value or 0))
    label = f"{title}: {'—' if percent_value is None else str(percent_value) + ' %'}"
    return Markup(
        f'<svg class="meter" viewBox="0 0 100 8" preserveAspectRatio="none" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
        f'<rect class="meter-bg" x="0" y="0" width="100" height="8"/>'
        f'<rect class="meter-fill" x="0" y="0" width="{value}" height="8"/></svg>'
    )
