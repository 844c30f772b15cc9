"""Retention of visit photos: a decided visit's photos are evidence for a while, then go."""

from django.db import transaction

from padu.core.choices import ChangeAction
from padu.core.history import record_change
from padu.core.retention import Found, RetentionRule, retention_rule, stored_size

from .choices import VisitStatus
from .models import Visit, VisitPhoto


def _old_photos(cutoff):
    return VisitPhoto.objects.filter(
        visit__status=VisitStatus.APPROVED, visit__visited_on__lt=cutoff.date()
    )


def _find(cutoff) -> Found:
    photos = list(_old_photos(cutoff))
    return Found(len(photos), stored_size(p.image for p in photos))


def _apply(cutoff, actor) -> int:
    deleted = 0
    for visit in Visit.objects.filter(pk__in=_old_photos(cutoff).values("visit_id")):
        with transaction.atomic():
            photos = list(_old_photos(cutoff).filter(visit=visit))
            for photo in photos:
                photo.image.delete(save=False)
                photo.delete()
            deleted += len(photos)
            record_change(
                visit, actor=actor, action=ChangeAction.UPDATE,
                after={"foto": f"{len(photos)} dihapus menurut aturan retensi"}, origin="retensi",
            )  # fmt: skip
    return deleted


retention_rule(RetentionRule("visit_photos", "foto kunjungan yang sudah disetujui", _find, _apply))
