"""Chart figures built with plotly's Python API and drawn in the page by the plotly.min.js
the same package ships. Each is plain JSON, handed to the page with ``json_script``."""

import json

import plotly.graph_objects as go

ACCENT = "#0b6e4f"
LAYOUT = {
    "margin": {"l": 10, "r": 10, "t": 10, "b": 30},
    "height": 280,
    "font": {"family": "system-ui, sans-serif", "size": 13},
    "paper_bgcolor": "rgba(0,0,0,0)",
    "plot_bgcolor": "rgba(0,0,0,0)",
}


def _plain(figure: go.Figure) -> dict:
    return json.loads(figure.to_json())


def bars(labels: list[str], values: list[float | None], unit: str) -> dict:
    """A horizontal bar per label, largest on top as read."""
    figure = go.Figure(
        go.Bar(
            x=[v or 0 for v in values][::-1],
            y=labels[::-1],
            orientation="h",
            marker_color=ACCENT,
            hovertemplate=f"%{{y}}: %{{x:,}} {unit}<extra></extra>",
        )
    )
    figure.update_layout(**{**LAYOUT, "height": max(160, 34 * len(labels) + 40)})
    figure.update_yaxes(automargin=True)
    figure.update_xaxes(rangemode="tozero", tickformat=",d")
    return _plain(figure)


def lines(periods: list[str], series: dict[str, list[float | None]], unit: str) -> dict:
    """One line per series across releases."""
    figure = go.Figure(
        [
            go.Scatter(x=periods, y=values, mode="lines+markers", name=name,
                       hovertemplate=f"%{{x}}: %{{y:,}} {unit}<extra>{name}</extra>")
            for name, values in series.items()
        ]
    )  # fmt: skip
    figure.update_layout(**LAYOUT, legend={"orientation": "h", "y": -0.25})
    return _plain(figure)
