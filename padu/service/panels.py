"""The one-stop service's figures on the leader's dashboard and on the public portal."""

from padu.dashboards.panels import dashboard_panels, portal_panels

from .figures import service_figures


def _dashboard(area: str, request) -> dict | None:
    figures = service_figures(area)
    return {"figures": figures, "public": False} if figures else None


def _portal(_subject, request) -> dict | None:
    figures = service_figures()
    return {"figures": figures, "public": True} if figures else None


def register() -> None:
    dashboard_panels.register(order=10, template="service/_figures.html")(_dashboard)
    portal_panels.register(order=10, template="service/_figures.html")(_portal)
