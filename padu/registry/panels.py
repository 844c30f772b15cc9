"""The family page gathers panels that the apps above registry contribute (welfare, verivali,
referrals, source records), so that registry never imports them.

An app registers a panel in its ``AppConfig.ready``::

    @family_panel(order=30, template="welfare/_family_welfare.html")
    def welfare_panel(family, request) -> dict | None: ...

The function returns the template's context, or None when the panel has nothing to show to
this user. The family is already one the user may view; a panel that shows records of its
own restricts them itself.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

PanelContext = Callable[[object, HttpRequest], dict | None]


@dataclass(frozen=True)
class FamilyPanel:
    name: str
    order: int
    template: str
    context: PanelContext


_panels: dict[str, FamilyPanel] = {}


def family_panel(*, order: int, template: str) -> Callable[[PanelContext], PanelContext]:
    """Register the decorated function as a panel of the family page (lower ``order``
    first); registering a function again replaces it."""

    def register(context: PanelContext) -> PanelContext:
        name = f"{context.__module__}.{context.__qualname__}"
        _panels[name] = FamilyPanel(name, order, template, context)
        return context

    return register


def render_family_panels(family, request: HttpRequest) -> list[SafeString]:
    """Each registered panel rendered for ``family`` and the user of ``request``, in order."""
    rendered = []
    for panel in sorted(_panels.values(), key=lambda p: (p.order, p.name)):
        context = panel.context(family, request)
        if context is not None:
            rendered.append(render_to_string(panel.template, context, request))
    return rendered
