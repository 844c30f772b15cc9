"""A data subject's document: the source rows a person came from, and how they were merged."""

from django.db.models import Q
from django.utils.translation import gettext as _

from padu.registry.subject import Section, subject_section, when
from padu.sources.models import SourceRecord

from .models import RecordLink


@subject_section(order=10)
def sources(persons, families) -> Section:
    links = {
        link.source_record_id: link
        for link in RecordLink.objects.filter(person__in=persons).select_related("run")
    }
    nik = persons[0].nik if persons else None
    records = (
        SourceRecord.objects.filter(
            Q(pk__in=list(links)) | Q(nik=nik) if nik else Q(pk__in=list(links))
        )
        .select_related("dataset", "batch")
        .order_by("batch__created_at", "row_number")
    )
    section = Section(
        _("Asal data"),
        [
            _("Sumber"),
            _("Berkas"),
            _("Baris"),
            _("Nama tertulis"),
            _("NIK tertulis"),
            _("Diimpor"),
            _("Digabung ke"),
        ],
        note=_("Baris berkas sumber yang memuat orang ini, dan pencocokan yang menggabungkannya."),
    )
    for record in records[:500]:
        link = links.get(record.pk)
        merged = (
            _("orang #%(person)s (pencocokan #%(run)s)")
            % {"person": link.person_id, "run": link.run_id}
            if link
            else _("belum digabung")
        )
        section.rows.append(
            [
                record.dataset.name,
                record.batch.file_name,
                str(record.row_number),
                record.full_name,
                record.nik or "—",
                when(record.batch.created_at),
                merged,
            ]
        )
    return section
