"""Base class for Padu's management commands (what the ``padu`` command line runs)."""

import sys

from django.core.management.base import BaseCommand, CommandError

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

    def add_subcommands(self, parser) -> "_Subcommands":
        """Subcommands (``padu regions load``), each taking the common arguments after it."""
        return _Subcommands(parser.add_subparsers(dest="action", required=True, metavar="ACTION"))

    def progress(self, description: str):
        show = not self._quiet and sys.stderr.isatty()
        return progress_bar(description, enabled=show)

    def execute(self, *args, **options):
        self._quiet = options.get("quiet", False)
        return super().execute(*args, **options)

    def fail(self, message: str) -> CommandError:
        return CommandError(message)


class _Subcommands:
    def __init__(self, subparsers):
        self._subparsers = subparsers

    def add_parser(self, name: str, **kwargs):
        parser = self._subparsers.add_parser(name, **kwargs)
        PaduCommand.add_common_arguments(parser)
        return parser
