from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from padu.accounts.admin import RestrictedAdmin
from padu.core.admin import ReadOnly
from padu.core.history import described_changes, history_of

from .models import Family, FamilyPhoto, Person


class PersonInline(ReadOnly, admin.TabularInline):
    model = Person
    fields = ["nik", "full_name", "sex", "birth_date", "relationship", "lifecycle"]
    extra = 0
    show_change_link = True


@admin.register(Family)
class FamilyAdmin(RestrictedAdmin):
    list_display = ["kk_number", "village", "rt", "rw", "address", "lifecycle"]
    list_filter = ["lifecycle", "floor_material", "receives_pkh", "receives_bpnt"]
    search_fields = ["kk_number", "address", "members__nik", "members__full_name"]
    list_select_related = ["village"]
    inlines = [PersonInline]
    readonly_fields = ["change_history"]

    @admin.display(description=_("riwayat perubahan"))
    def change_history(self, obj):
        if not obj.pk:
            return ""
        return "\n".join(
            f"{entry}: "
            + "; ".join(f"{c.label}: {c.before} → {c.after}" for c in described_changes(entry))
            for entry in history_of(obj).select_related("content_type")[:20]
        )


@admin.register(Person)
class PersonAdmin(RestrictedAdmin):
    list_display = ["full_name", "nik", "sex", "birth_date", "relationship", "family", "lifecycle"]
    list_filter = ["sex", "relationship", "lifecycle", "education", "disability"]
    search_fields = ["nik", "full_name", "family__kk_number"]
    list_select_related = ["family"]


@admin.register(FamilyPhoto)
class FamilyPhotoAdmin(RestrictedAdmin):
    list_display = ["family", "caption", "taken_at", "uploaded_by"]
