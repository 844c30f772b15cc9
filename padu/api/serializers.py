from django.db import models
from rest_framework import serializers

# The serializers below only answer (every write has its own serializer and service), so
# their fields keep what the model says of them (a blank choice, a null date) instead of
# being marked read-only, which would drop "may be blank" from the schema.
from padu.matching.models import LinkageRun, MatchPair
from padu.programs.models import Cycle, Program, ProgramRun, Referral
from padu.registry.identity import masked
from padu.registry.models import Family, Person
from padu.releases.models import Release
from padu.sources.models import ImportBatch, SourceRecord
from padu.verification.models import Visit
from padu.welfare.models import FamilyWelfare


class IdentifierField(serializers.CharField):
    """A NIK or No KK, whole for a role whose work needs it, masked for the others (as in
    the web's lists)."""

    def to_representation(self, value):
        user = self.context["request"].user
        return value if getattr(user, "sees_full_identifiers", False) else masked(value)


class MemberSerializer(serializers.ModelSerializer):
    nik = IdentifierField(read_only=True)

    class Meta:
        model = Person
        fields = ["id", "nik", "full_name", "sex", "birth_date", "relationship", "lifecycle"]


class FamilySerializer(serializers.ModelSerializer):
    kk_number = IdentifierField(read_only=True)
    village = serializers.CharField(source="village_id", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)
    members = MemberSerializer(many=True, read_only=True)

    class Meta:
        model = Family
        fields = ["id", "kk_number", "village", "village_name", "rw", "rt", "address",
                  "lifecycle", "verification_status", "verified_on", "members"]  # fmt: skip


class PersonSerializer(MemberSerializer):
    family = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta(MemberSerializer.Meta):
        fields = [*MemberSerializer.Meta.fields, "family"]


class ReferralSerializer(serializers.ModelSerializer):
    need = serializers.CharField(source="rule.code", read_only=True)
    need_label = serializers.CharField(source="rule.label", read_only=True)
    agency = serializers.CharField(source="agency.code", read_only=True)

    class Meta:
        model = Referral
        fields = ["id", "family", "need", "need_label", "agency", "status", "reason",
                  "rejection_reason", "notes", "created_at", "updated_at", "accepted_at",
                  "closed_at", "version"]  # fmt: skip


class ReferralUpdateSerializer(serializers.Serializer):
    """A referral moved along, as the agency's queue page does it."""

    status = serializers.ChoiceField(choices=Referral._meta.get_field("status").choices)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    rejection_reason = serializers.CharField(required=False, allow_blank=True, max_length=500)
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="the version read; a changed referral is refused"
    )
    program = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=40,
        help_text="finishing it (selesai): the code of the agency's active program under which "
        "the help given is recorded as an intervention (a beneficiary of the year's cycle "
        "of interventions from referrals)",
    )


class BatchSerializer(serializers.ModelSerializer):
    dataset = serializers.CharField(source="dataset.name")
    percent = serializers.IntegerField(read_only=True)
    issues = serializers.SerializerMethodField()

    class Meta:
        model = ImportBatch
        fields = ["id", "dataset", "file_name", "status", "message", "progress_label",
                  "percent", "rows_read", "rows_accepted", "rows_warned", "rows_rejected",
                  "rows_duplicate", "created_at", "started_at", "finished_at", "issues"]  # fmt: skip

    def get_issues(self, batch) -> list[dict]:
        """The report: how many rows each kind of problem hit, per column."""
        if not self.context.get("with_issues"):
            return []
        counted = (
            batch.issues.values("severity", "code", "column")
            .annotate(rows=models.Count("id"))
            .order_by("-rows")[:50]
        )
        return [dict(row) for row in counted]


class BatchUploadSerializer(serializers.Serializer):
    """A source file sent for import, as the upload page takes it."""

    dataset = serializers.CharField(help_text="the source's name: DTKS, P3KE, Regsosek …")
    file = serializers.FileField()
    family_file = serializers.FileField(required=False)


class WelfareSerializer(serializers.ModelSerializer):
    """A family's welfare result: score, desil and status under a model version."""

    model_year = serializers.IntegerField(source="model.year")
    model_version = serializers.IntegerField(source="model.version")
    regency = serializers.CharField(source="model.regency_id")

    class Meta:
        model = FamilyWelfare
        fields = ["id", "family", "regency", "model_year", "model_version", "score",
                  "predicted_expenditure", "desil", "status", "criteria_met",
                  "criteria_known"]  # fmt: skip


class VisitSerializer(serializers.ModelSerializer):
    village = serializers.CharField(source="village_id")
    operator = serializers.CharField(source="operator.username", allow_null=True)

    class Meta:
        model = Visit
        fields = ["id", "round", "family", "village", "operator", "outcome", "visited_on",
                  "latitude", "longitude", "gps_accuracy_m", "status", "family_changes"]  # fmt: skip


class ProgramSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id")
    agency = serializers.CharField(source="agency.code")

    class Meta:
        model = Program
        fields = ["id", "code", "name", "region", "agency", "sector", "year", "funding_level",
                  "benefit_kind", "benefit_amount", "target_count", "status"]  # fmt: skip


class CycleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Cycle
        fields = ["id", "program", "name", "starts_on", "ends_on", "origin", "status",
                  "summary", "checked_at", "approved_at"]  # fmt: skip


class ProgramRunSerializer(serializers.ModelSerializer):
    """A program's step done by the background worker (a list imported, checked,
    approved): follow it until ``status`` is ``completed`` or ``failed``."""

    program = serializers.CharField(source="program.code")

    class Meta:
        model = ProgramRun
        fields = ["id", "program", "step", "cycle", "cycle_name", "file_name", "status",
                  "message", "progress_done", "progress_total", "progress_label",
                  "started_at", "finished_at"]  # fmt: skip


class CycleUploadSerializer(serializers.Serializer):
    """An agency's list of who received a program in a period, as the program page takes
    it (the same form checks it: padu.programs.forms.ListImportForm)."""

    cycle_name = serializers.CharField(max_length=100, help_text="e.g. 'Tahap 1 2026'")
    starts_on = serializers.DateField(required=False)
    ends_on = serializers.DateField(required=False)
    file = serializers.FileField(help_text="Excel (.xlsx, .xls) or CSV: NIK, name, No KK …")


class ReleaseSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id")

    class Meta:
        model = Release
        fields = ["id", "number", "name", "period", "region", "year", "as_of", "lifecycle",
                  "decree_number", "decree_date", "published_at"]  # fmt: skip


class RunSerializer(serializers.ModelSerializer):
    class Meta:
        model = LinkageRun
        fields = ["id", "mode", "status", "message", "records", "comparisons", "clusters",
                  "pairs_queued", "match_threshold", "review_threshold", "started_at",
                  "finished_at"]  # fmt: skip


class SourceRecordSerializer(serializers.ModelSerializer):
    dataset = serializers.CharField(source="dataset.name")
    nik = IdentifierField()
    kk_number = IdentifierField()

    class Meta:
        model = SourceRecord
        fields = ["id", "dataset", "record_id", "row_number", "nik", "kk_number", "full_name",
                  "birth_date", "village_id"]  # fmt: skip


class PairSerializer(serializers.ModelSerializer):
    left = SourceRecordSerializer()
    right = SourceRecordSerializer()

    class Meta:
        model = MatchPair
        fields = ["id", "run", "kind", "status", "match_probability", "match_weight",
                  "contributions", "left", "right"]  # fmt: skip


class DecisionSerializer(serializers.Serializer):
    """A verdict on a pair, as the review page gives it."""

    same = serializers.BooleanField(help_text="true: one person; false: two people")
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)
