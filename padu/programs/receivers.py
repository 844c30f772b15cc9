"""What the programs app does when the apps below it report something."""

from .services import refer_needs


def open_referrals(sender, *, needs, actor, **kwargs) -> int:
    """Each need of a poor family becomes a referral to the agency its rule names."""
    return refer_needs(needs, actor=actor)
