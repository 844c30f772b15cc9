"""The family page's panel of referrals to agencies."""

from padu.accounts.policy import Action
from padu.registry.panels import family_panel

from .models import Referral


@family_panel(order=30, template="programs/_family_referrals.html")
def referrals_panel(family, request) -> dict:
    referrals = Referral.objects.restrict(request.user, Action.VIEW).filter(family=family)
    return {"referrals": referrals.select_related("rule", "agency")}
