"""Anomaly flags: found once, each with what was found; a verifier dismisses one with a
reason or sends it to the open verivali round."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from padu.accounts.choices import Role
from padu.programs.choices import FlagKind, FlagStatus
from padu.programs.models import AnomalyFlag, Program
from padu.programs.services import (
    CycleError,
    detect_anomalies,
    dismiss_flag,
    import_cycle_list,
    send_flag_to_verivali,
)
from padu.regions.models import Region
from padu.registry.models import Family
from padu.registry.services import update_family
from padu.synth.programs import write_program_lists
from padu.verification import services as verification
from padu.welfare.services import current_results

pytestmark = pytest.mark.django_db


def test_flags_are_raised_once_and_a_verifier_dismisses_or_sends_them(
    classified_city, tmp_path, make_user
):
    (planted,) = [
        p
        for p in write_program_lists(tmp_path, region="33.74", year=2025, rows=200, seed=5)
        if p.program == "pbi-apbd-2025"
    ]
    import_cycle_list(
        planted.path, program=Program.objects.get(code=planted.program),
        cycle_name=planted.cycle, actor=None,
    )  # fmt: skip
    poor = current_results().filter(desil__lte=3, family__lifecycle="aktif").first().family
    update_family(poor, {"has_car": True}, actor=None, origin="uji")

    raised = detect_anomalies(actor=None)
    assert raised > 0 and detect_anomalies(actor=None) == 0  # not raised twice
    departed = AnomalyFlag.objects.filter(kind=FlagKind.DEPARTED_RECIPIENT)
    # One flag per family and finding (two departed members listed: one flag).
    gone = planted.truth.filter(planted.truth["error"] == "meninggal")
    assert departed.count() == gone["family_id"].n_unique() > 0
    assert "meninggal" in departed.first().detail or "pindah" in departed.first().detail
    car = AnomalyFlag.objects.get(kind=FlagKind.ASSETS, family=poor)
    assert "punya mobil" in car.detail and car.detail.startswith("desil ")

    verifier = make_user("bappeda-f", Role.VERIFIER, "33.74")
    operator = make_user("operator-f", Role.VILLAGE_OPERATOR, poor.village_id)
    with pytest.raises(PermissionDenied):
        dismiss_flag(car, reason="mobil dinas", actor=operator)
    with pytest.raises(CycleError):
        dismiss_flag(car, reason=" ", actor=verifier)
    with pytest.raises(CycleError, match="Tidak ada putaran verivali terbuka"):
        send_flag_to_verivali(car, actor=verifier)

    dinsos = make_user("dinsos-f", Role.DINSOS_OFFICER, "33.74")
    today = dt.date.today()
    verification.create_round(
        name="Putaran uji", region=Region.objects.get(code="33.74"), starts_on=today,
        ends_on=today + dt.timedelta(days=30), actor=dinsos, max_desil=1,
    )  # fmt: skip
    sent = send_flag_to_verivali(car, actor=verifier)
    assert sent.status == FlagStatus.SENT and sent.assignment.family == poor
    with pytest.raises(CycleError):
        dismiss_flag(sent, reason="terlambat", actor=verifier)
    other = departed.first()
    dismissed = dismiss_flag(other, reason="sudah dikeluarkan dari daftar", actor=verifier)
    assert dismissed.status == FlagStatus.DISMISSED and dismissed.decided_by == verifier
    assert Family.objects.filter(pk=poor.pk, has_car=True).exists()
