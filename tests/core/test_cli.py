import os
import subprocess
import sys

import pytest

from padu.cli import main


def test_help_lists_padu_commands(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("regions", "synth", "demo", "manage"):
        assert f"  {command}" in out
    assert "migrate" not in out.split("manage")[0]  # Django's own commands stay behind `manage`


def test_unknown_command_is_refused(capsys):
    assert main(["frobnicate"]) == 2
    assert "tidak dikenal" in capsys.readouterr().err


def _padu(*args, tmp_path):
    env = {**os.environ, "PADU_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "padu.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_synth_writes_the_exports(tmp_path):
    out = tmp_path / "out"
    done = _padu(
        "synth",
        "--region",
        "33.74",
        "--people",
        "1500",
        "--out",
        str(out),
        "--quiet",
        tmp_path=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "1,500 jiwa" in done.stdout
    assert {p.name for p in out.iterdir()} >= {"dtks.csv", "p3ke.csv", "regsosek.csv", "truth"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["synth", "--region", "99.99", "--out", "x"], "bukan kode kabupaten/kota"),
        (["synth", "--region", "33.74", "--people", "0", "--out", "x"], "lebih dari 0"),
        (["synth", "--region", "33.74", "--dirt", "-1", "--out", "x"], "tidak boleh negatif"),
        (["regions", "find", "Semarang"], "Basis data belum disiapkan"),  # not migrated yet
    ],
)
def test_bad_input_gets_a_message_not_a_traceback(tmp_path, args, message):
    done = _padu(*args, tmp_path=tmp_path)
    assert done.returncode != 0
    assert message in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


@pytest.mark.django_db
def test_unknown_region_name():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="tidak ada wilayah"):
        call_command("regions", "find", "Atlantis")
