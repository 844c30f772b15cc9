"""The family page's verivali panel: its status, the visit it came from, the values visits
set, and the photos of the house."""

from padu.registry.panels import family_panel

from .queries import explain


@family_panel(order=10, template="verification/_family_verification.html")
def verification_panel(family, request) -> dict:
    return {"verification": explain(family), "photos": family.photos.all()}
