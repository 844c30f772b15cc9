"""What classification tells the apps above it (welfare may not import them)."""

from django.dispatch import Signal

#: Sent inside classification's transaction, once per regency/city, with ``needs`` (a
#: Polars frame of family_id, rule_id, reason: the needs of its poor and extremely poor
#: families) and ``actor``. A receiver returns how many things it opened for them (the
#: programs app: referrals to the agencies), which the classification run reports.
poor_families_needs = Signal()
