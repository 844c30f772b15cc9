from pathlib import Path

import polars as pl

from padu.accounts.choices import AccessKind
from padu.accounts.policy import Action
from padu.accounts.services import log_access
from padu.core.commands import PaduCommand
from padu.matching.models import RecordLink
from padu.sources.choices import SourceKind


class Command(PaduCommand):
    help = "Ekspor hasil Padu: tautan rekaman sumber ke orang dan keluarga."

    def add_arguments(self, parser):
        sub = self.add_subcommands(parser)
        links = sub.add_parser(
            "links", help="source,source_record_id,person_id,family_id untuk tiap rekaman sumber"
        )
        links.add_argument("--out", type=Path, required=True, help="file .csv")

    def handle(self, *args, action, out, **options):
        user = self.acting_user(required=True)
        # Imported records only: a field visit's records are not rows of any file.
        rows = (
            RecordLink.objects.restrict(user, Action.VIEW)
            .exclude(dataset__kind=SourceKind.FIELD)
            .order_by("dataset__name", "record_id")
            .values_list("dataset__name", "record_id", "person_id", "family_id")
        )
        frame = pl.DataFrame(
            list(rows.iterator(chunk_size=20_000)),
            schema={
                "source": pl.String,
                "source_record_id": pl.String,
                "person_id": pl.Int64,
                "family_id": pl.Int64,
            },
            orient="row",
        )
        if frame.height == 0:
            raise self.fail("Belum ada tautan: jalankan `padu match` lebih dulu.")
        # The generator and other tools name sources in lower case (dtks, p3ke, regsosek).
        frame = frame.with_columns(pl.col("source").str.to_lowercase())
        frame.write_csv(out)
        log_access(
            user,
            kind=AccessKind.EXPORT,
            object_type="record_link",
            object_id="*",
            detail=f"padu export links ({frame.height} tautan)",
        )
        self.stdout.write(f"{frame.height:,} tautan ditulis ke {out}")
