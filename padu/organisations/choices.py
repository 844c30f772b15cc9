from django.db import models
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    """What an agency works on: the dimensions of a family's needs, and of programs."""

    FOOD = "pangan", _("Pangan")
    HOUSING = "rumah", _("Rumah layak huni")
    WATER_SANITATION = "air_sanitasi", _("Air minum dan sanitasi")
    ELECTRICITY = "listrik", _("Listrik")
    EDUCATION = "pendidikan", _("Pendidikan")
    HEALTH = "kesehatan", _("Kesehatan")
    WORK = "pekerjaan", _("Pekerjaan")
    SOCIAL_ASSISTANCE = "bansos", _("Bantuan sosial")
