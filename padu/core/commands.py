"""Base class for Padu's management commands (what the ``padu`` command line runs)."""

import os
import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import OperationalError, ProgrammingError

from .faults import disk_full, disk_full_message
from .progress import progress_bar


class PaduCommand(BaseCommand):
    """A management command with a progress bar and errors that never show a traceback."""

    def add_arguments(self, parser):
        self.add_common_arguments(parser)

    @staticmethod
    def add_common_arguments(parser):
        parser.add_argument(
            "--quiet", action="store_true", help="tanpa bilah kemajuan (untuk skrip dan log)"
        )
        parser.add_argument(
            "--user",
            metavar="NAMA",
            help="akun Padu yang menjalankan perintah (bawaan: $PADU_USER): perintah yang "
            "membuka data pribadi hanya melihat wilayah akun ini dan dicatat atas namanya",
        )

    def add_subcommands(self, parser) -> "_Subcommands":
        """Subcommands (``padu regions load``), each taking the common arguments after it."""
        return _Subcommands(parser.add_subparsers(dest="action", required=True, metavar="ACTION"))

    def progress(self, description: str):
        show = not self._quiet and sys.stderr.isatty()
        return progress_bar(description, enabled=show)

    def acting_user(self, *, required: bool):
        """The account the command acts as (``--user`` or $PADU_USER); None when none is named
        and the command may run as the installation itself (an import, a matching run).
        A command that reveals personal data requires one: what it reads is restricted to
        that account's scope and logged under its name, as on the web."""
        name = self._user_name or os.environ.get("PADU_USER", "")
        if not name:
            if required:
                raise CommandError(
                    "Perintah ini membuka data pribadi: sebutkan akun Anda dengan --user NAMA "
                    "(atau PADU_USER=NAMA). Aksesnya dicatat atas nama akun itu."
                )
            return None
        user = get_user_model().objects.filter(username=name, is_active=True).first()
        if user is None:
            raise CommandError(f"Akun {name!r} tidak ada atau tidak aktif.")
        return user

    def execute(self, *args, **options):
        self._quiet = options.get("quiet", False)
        self._user_name = options.get("user") or ""
        try:
            return super().execute(*args, **options)
        except Exception as error:
            if disk_full(error):
                raise CommandError(disk_full_message()) from error
            if not isinstance(error, OperationalError | ProgrammingError) or not _schema_missing():
                raise
            raise CommandError(
                "Basis data belum disiapkan. Jalankan `padu manage migrate` (atau `padu demo`) "
                f"lebih dulu. ({error})"
            ) from error

    def fail(self, message: str) -> CommandError:
        return CommandError(message)


class _Subcommands:
    def __init__(self, subparsers):
        self._subparsers = subparsers

    def add_parser(self, name: str, **kwargs):
        parser = self._subparsers.add_parser(name, **kwargs)
        PaduCommand.add_common_arguments(parser)
        return parser


def _schema_missing() -> bool:
    """True when migrations have not been applied (the usual cause of "no such table")."""
    try:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    except (OperationalError, ProgrammingError):
        return True
