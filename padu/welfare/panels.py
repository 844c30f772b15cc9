"""The family page's welfare panel: status, desil, the lines, the criteria and the needs."""

from padu.registry.panels import family_panel

from .services import explain


@family_panel(order=20, template="welfare/_family_welfare.html")
def welfare_panel(family, request) -> dict:
    return {"welfare": explain(family)}
