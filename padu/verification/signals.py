"""What verivali tells the apps above it (verification may not import them)."""

from django.dispatch import Signal

#: Sent inside the decision's transaction when Dinsos approves a visit or sends it back,
#: with ``visit`` (its status already set) and ``actor``. The one-stop service closes the
#: resident's request that the visit answered.
visit_decided = Signal()
