"""The ``padu`` command line: Padu's own management commands, with Padu's settings.

``padu regions load`` runs the ``regions`` management command; ``padu manage ARGS`` passes
anything else (migrate, runserver, createsuperuser …) to Django.
"""

import os
import sys


def padu_commands() -> dict[str, str]:
    """Padu's own commands and their one-line help, by name."""
    from django.core.management import get_commands, load_command_class

    out = {}
    for name, app in sorted(get_commands().items()):
        if app.startswith("padu."):
            out[name] = load_command_class(app, name).help.split(". ")[0]
    return out


def _usage() -> str:
    lines = ["penggunaan: padu PERINTAH [opsi]", "", "Perintah:"]
    for name, summary in padu_commands().items():
        lines.append(f"  {name:<12} {summary}")
    lines.append(
        f"  {'manage':<12} perintah Django lainnya (migrate, runserver, createsuperuser …)"
    )
    lines += ["", "Bantuan tiap perintah: padu PERINTAH --help"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "padu.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["demo"]:
        os.environ.setdefault("PADU_ENV", "development")  # a demo is a trial, and says so
    import django
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        django.setup()
    except ImproperlyConfigured as error:  # a setting missing: say which, no traceback
        print(f"padu: {error}", file=sys.stderr)
        return 2
    if not args or args[0] in {"-h", "--help", "help"}:
        print(_usage())
        return 0
    if args[0] == "manage":
        execute_from_command_line(["padu manage", *args[1:]])
        return 0
    if args[0] not in padu_commands():
        print(f"padu: perintah tidak dikenal: {args[0]}\n\n{_usage()}", file=sys.stderr)
        return 2
    execute_from_command_line(["padu", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
