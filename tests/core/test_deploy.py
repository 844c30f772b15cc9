"""What an IT office installs (deploy/): the settings example names every setting Padu
reads, and the systemd units run commands that exist."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_settings_example_lists_every_setting_padu_reads():
    read = set(re.findall(r"""os\.environ(?:\.get)?[\[(]["'](PADU_[A-Z0-9_]+|DATABASE_URL)""",
                          (ROOT / "padu/settings.py").read_text()))  # fmt: skip
    example = set(re.findall(r"^#?(PADU_[A-Z0-9_]+|DATABASE_URL)=", (ROOT / "deploy/padu.env.example").read_text(), re.M))  # fmt: skip
    assert read and read == example, (read - example, example - read)


def test_the_units_run_padu_s_own_commands():
    from padu.cli import padu_commands

    commands = padu_commands()
    for unit in (ROOT / "deploy").glob("*.service"):
        (start,) = re.findall(r"^ExecStart=\S+/padu (\w+)", unit.read_text(), re.M)
        assert start in commands, unit.name
