"""The leader's dashboard and the public portal gather panels from the apps above
dashboards (the one-stop service's figures), through ``padu.core.panels``. A dashboard
panel's subject is the code of the area shown; a portal panel's is None (the whole
installation: the public sees no area finer than the release's own table)."""

from padu.core.panels import Panels

dashboard_panels = Panels()
portal_panels = Panels()
