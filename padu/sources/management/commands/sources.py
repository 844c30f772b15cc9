from padu.core.commands import PaduCommand
from padu.sources.models import SourceDataset
from padu.sources.services import (
    ADDABLE_KINDS,
    DatasetError,
    add_dataset,
    find_dataset,
    set_precedence,
)


class Command(PaduCommand):
    help = "Sumber data: daftar, tambah (daftar penerima OPD, survei daerah …), atur prioritas."

    def add_arguments(self, parser):
        sub = self.add_subcommands(parser)
        sub.add_parser("list", help="sumber yang ada, dari yang paling dipercaya")
        add = sub.add_parser("add", help="tambah sumber")
        add.add_argument("name", help='nama sumber, mis. "Daftar PKH Dinsos"')
        add.add_argument("--kind", required=True, choices=[str(k) for k in ADDABLE_KINDS])
        add.add_argument(
            "--precedence",
            type=int,
            help="makin besar makin dipercaya saat sumber berbeda (bawaan: di bawah semua)",
        )
        add.add_argument("--description", default="", help="keterangan")
        change = sub.add_parser("set", help="ubah prioritas sebuah sumber")
        change.add_argument("name")
        change.add_argument("--precedence", type=int, required=True)

    def handle(self, *args, action, **options):
        actor = self.acting_user(required=False)
        try:
            if action == "add":
                dataset = add_dataset(
                    options["name"],
                    kind=options["kind"],
                    precedence=options["precedence"],
                    description=options["description"],
                    actor=actor,
                )
                self.stdout.write(
                    f"Sumber {dataset.name!r} ditambahkan, prioritas {dataset.precedence}."
                )
            elif action == "set":
                set_precedence(find_dataset(options["name"]), options["precedence"], actor=actor)
        except (DatasetError, SourceDataset.DoesNotExist) as error:
            raise self.fail(str(error)) from error
        for dataset in SourceDataset.objects.order_by("-precedence", "name"):
            self.stdout.write(
                f"{dataset.precedence:>4}  {dataset.name:<28} {dataset.get_kind_display()}"
            )
