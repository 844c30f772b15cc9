from django import template

from padu.registry.identity import masked

register = template.Library()


@register.filter
def masked_for(number, user) -> str:
    """A NIK or No KK as ``user`` may read it in a page: whole for roles whose work needs
    the number, masked for the others."""
    if not number:
        return number
    return number if getattr(user, "sees_full_identifiers", False) else masked(number)
