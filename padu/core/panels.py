"""Pages that gather panels contributed by the apps above the page's own app, so that the
page's app never imports them (the family page gathers welfare, verivali and referrals; the
dashboard and the portal gather the one-stop service's figures).

A page keeps one ``Panels``; an app registers a panel in its ``AppConfig.ready``::

    @family_panels.register(order=30, template="welfare/_family_welfare.html")
    def welfare_panel(subject, request) -> dict | None: ...

The function returns the template's context, or None when the panel has nothing to show to
this user; the page renders them in order (lower ``order`` first).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

PanelContext = Callable[[object, HttpRequest], dict | None]


@dataclass(frozen=True)
class Panel:
    name: str
    order: int
    template: str
    context: PanelContext


class Panels:
    """The panels of one page."""

    def __init__(self) -> None:
        self._panels: dict[str, Panel] = {}

    def register(self, *, order: int, template: str) -> Callable[[PanelContext], PanelContext]:
        """Register the decorated function as a panel; registering it again replaces it."""

        def register(context: PanelContext) -> PanelContext:
            name = f"{context.__module__}.{context.__qualname__}"
            self._panels[name] = Panel(name, order, template, context)
            return context

        return register

    def render(self, subject, request: HttpRequest) -> list[SafeString]:
        """Each panel rendered for ``subject`` and the user of ``request``, in order."""
        rendered = []
        for panel in sorted(self._panels.values(), key=lambda p: (p.order, p.name)):
            context = panel.context(subject, request)
            if context is not None:
                rendered.append(render_to_string(panel.template, context, request))
        return rendered
