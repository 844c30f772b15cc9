from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from padu.core.history import history_of

from .models import Family, FamilyPhoto, Person


class ScopedAdmin(admin.ModelAdmin):
    """Admin pages see persons and families only through ``visible_to``."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


class PersonInline(admin.TabularInline):
    model = Person
    fields = ["nik", "full_name", "sex", "birth_date", "relationship", "lifecycle"]
    extra = 0
    show_change_link = True


class PhotoInline(admin.TabularInline):
    model = FamilyPhoto
    fields = ["image", "caption", "taken_at", "latitude", "longitude"]
    extra = 0


@admin.register(Family)
class FamilyAdmin(ScopedAdmin):
    list_display = ["kk_number", "village", "rt", "rw", "address", "lifecycle"]
    list_filter = ["lifecycle", "floor_material", "receives_pkh", "receives_bpnt"]
    search_fields = ["kk_number", "address", "members__nik", "members__full_name"]
    list_select_related = ["village"]
    raw_id_fields = ["village", "merged_into"]
    inlines = [PersonInline, PhotoInline]
    readonly_fields = ["version", "created_at", "updated_at", "change_history"]

    @admin.display(description=_("riwayat perubahan"))
    def change_history(self, obj):
        return "\n".join(str(entry) for entry in history_of(obj)[:20]) if obj.pk else ""


@admin.register(Person)
class PersonAdmin(ScopedAdmin):
    list_display = ["full_name", "nik", "sex", "birth_date", "relationship", "family", "lifecycle"]
    list_filter = ["sex", "relationship", "lifecycle", "education", "disability"]
    search_fields = ["nik", "full_name", "family__kk_number"]
    list_select_related = ["family"]
    raw_id_fields = ["family", "merged_into"]
    readonly_fields = ["version", "created_at", "updated_at"]


@admin.register(FamilyPhoto)
class FamilyPhotoAdmin(admin.ModelAdmin):
    list_display = ["family", "caption", "taken_at", "uploaded_by"]
    raw_id_fields = ["family"]

    def get_queryset(self, request):
        visible = Family.objects.visible_to(request.user).values("pk")
        return super().get_queryset(request).filter(family__in=visible)
