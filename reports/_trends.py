"""Trends over a site's runs as inline SVG line charts (no scripts): each chart has a
``<title>``, a ``<desc>`` and is followed by the same figures as a table, so screen-reader and
print readers get the numbers."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from markupsafe import Markup

from poaudit.history import TrendPoint, trend
from reports._context import ReportContext

__all__ = ["Chart", "Series", "charts", "svg"]

WIDTH, HEIGHT, PAD_L, PAD_B, PAD_T, PAD_R = 560, 200, 44, 28, 12, 12
COLOURS = ("#00703c", "#1d70b8", "#b35c00", "#b0180c", "#5c2d91", "#6f777b", "#0b0c0c")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "4 4", "10 2")


@dataclass
class Series:
    name: str
    values: list[float | None]


@dataclass
class Chart:
    """One chart: its id, title, description, x labels (run dates) and series."""

    id: str
    title: str
    desc: str
    labels: list[str]
    series: list[Series] = field(default_factory=list)
    unit: str = ""

    @property
    def svg(self) -> Markup:
        return svg(self)

    @property
    def has_data(self) -> bool:
        return any(v is not None for s in self.series for v in s.values)


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    return f"{value:g}{unit}"


def svg(chart: Chart) -> Markup:
    """An accessible inline SVG line chart (role=img, title and desc referenced)."""
    values = [v for s in chart.series for v in s.values if v is not None]
    top = max([*values, 1.0])
    if chart.unit == "%":
        top = 100.0
    n = len(chart.labels)
    inner_w, inner_h = WIDTH - PAD_L - PAD_R, HEIGHT - PAD_T - PAD_B

    def x(i: int) -> float:
        return PAD_L + (inner_w * i / (n - 1) if n > 1 else inner_w / 2)

    def y(v: float) -> float:
        return PAD_T + inner_h - inner_h * v / top

    cid = escape(chart.id)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{WIDTH}" '
             f'height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" class="trend" '
             f'aria-labelledby="{cid}-t {cid}-d">',
             f'<title id="{cid}-t">{escape(chart.title)}</title>',
             f'<desc id="{cid}-d">{escape(chart.desc)}</desc>',
             f'<line x1="{PAD_L}" y1="{PAD_T + inner_h}" x2="{WIDTH - PAD_R}" '
             f'y2="{PAD_T + inner_h}" stroke="#0b0c0c"/>',
             f'<line x1="{PAD_L}" y1="{PAD_T}" x2="{PAD_L}" y2="{PAD_T + inner_h}" '
             'stroke="#0b0c0c"/>',
             f'<text x="{PAD_L - 4}" y="{PAD_T + 4}" text-anchor="end" font-size="11">'
             f'{escape(_fmt(top, chart.unit))}</text>',
             f'<text x="{PAD_L - 4}" y="{PAD_T + inner_h}" text-anchor="end" font-size="11">'
             f'0</text>']
    if n:
        for i in sorted({0, n - 1}):
            parts.append(f'<text x="{x(i):.1f}" y="{HEIGHT - 8}" text-anchor="middle" '
                         f'font-size="11">{escape(chart.labels[i])}</text>')
    for k, s in enumerate(chart.series):
        colour, dash = COLOURS[k % len(COLOURS)], DASHES[k % len(DASHES)]
        points = [(x(i), y(v)) for i, v in enumerate(s.values) if v is not None]
        if not points:
            continue
        attrs = f'stroke="{colour}" stroke-width="2" fill="none"'
        if dash:
            attrs += f' stroke-dasharray="{dash}"'
        coords = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
        parts.append(f'<polyline points="{coords}" {attrs}><title>{escape(s.name)}</title>'
                     '</polyline>')
        for px, py in points:
            parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="2.5" fill="{colour}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _label(p: TrendPoint) -> str:
    return p.started_at.strftime("%d %b %Y")


def charts(ctx: ReportContext, limit: int = 60) -> list[Chart]:
    """The trend charts of the run's site (empty when there is only one run)."""
    if ctx.store is None:
        return []
    points = trend(ctx.store, ctx.run.id, limit)
    if len(points) < 2:
        return []
    labels = [_label(p) for p in points]
    statuses = [s for s in ("met", "met via partner deep link", "partly met", "not met",
                            "needs attestation", "not applicable", "not assessed")
                if any(p.statuses.get(s) for p in points)]
    span = f"{len(points)} runs from {labels[0]} to {labels[-1]}"
    out = [
        Chart("trend-status", "Outcomes by status over time",
              f"Number of outcomes with each status, {span}.", labels,
              [Series(s, [float(p.statuses.get(s, 0)) for p in points]) for s in statuses]),
        Chart("trend-a11y", "Automated accessibility failures over time",
              f"axe-core violations (rule and page) per run, {span}; gaps: not checked.",
              labels, [Series("violations", [None if p.violations is None
                                             else float(p.violations) for p in points])]),
        Chart("trend-deeplinks", "Broken deep links to partner councils over time",
              f"Partner deep-link targets failing their check per run, {span}.", labels,
              [Series("broken deep links", [float(p.broken_deep_links) for p in points])]),
        Chart("trend-metadata", "e-GMS metadata coverage over time",
              f"Share of pages carrying the mandatory e-GMS set, {span}.", labels,
              [Series("coverage", [p.metadata_pct for p in points])], unit="%"),
        Chart("trend-availability", "Published website availability over time",
              f"The availability percentage the site publishes (R25), {span}.", labels,
              [Series("availability", [p.availability_pct for p in points])], unit="%"),
    ]
    return out
