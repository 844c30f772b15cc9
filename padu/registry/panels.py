"""The family page gathers panels that the apps above registry contribute (welfare, verivali,
referrals, source records), so that registry never imports them (``padu.core.panels``).

An app registers a panel in its ``AppConfig.ready``::

    @family_panel(order=30, template="welfare/_family_welfare.html")
    def welfare_panel(family, request) -> dict | None: ...

The family is already one the user may view; a panel that shows records of its own
restricts them itself.
"""

from padu.core.panels import Panels

_family_panels = Panels()
family_panel = _family_panels.register
render_family_panels = _family_panels.render
