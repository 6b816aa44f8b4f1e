"""The command line: the demo runs end to end; errors are one line and exit code 2."""

from __future__ import annotations

import subprocess
import sys

import pytest

from rnnkit.cli import main


def test_demo_prints_test_loss_and_baselines(capsys, tmp_path):
    assert main(["demo", "--epochs", "3", "--out", str(tmp_path / "demo")]) == 0
    out = capsys.readouterr().out
    assert "test MSE" in out and "'repeat the last value'" in out and "Next:" in out
    assert (tmp_path / "demo" / "forecast.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"Plot: {tmp_path / 'demo' / 'forecast.png'}" in out


def test_bad_value_is_one_line_and_exit_code_2(capsys):
    assert main(["demo", "--epochs", "0"]) == 2
    err = capsys.readouterr().err
    assert "TrainConfig.epochs: expected a value >= 1, got 0" in err and "Traceback" not in err


def test_unknown_command_exits_2():
    with pytest.raises(SystemExit) as exit_info:
        main(["frobnicate"])
    assert exit_info.value.code == 2


def test_console_entry_point_runs():
    result = subprocess.run(
        [sys.executable, "-m", "rnnkit.cli", "--version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and result.stdout.startswith("rnnkit ")


def test_quick_says_what_it_is_for_where_it_prints(tmp_path, capsys):
    assert main(["train", "sine", "--quick", "--quiet", "--out", str(tmp_path / "run")]) == 0
    out = capsys.readouterr().out
    start, end = out.index("--quick:"), out.rindex("(--quick:")
    assert "checks the whole pipeline" in out[start:] and "near chance" in out[end:]
    assert "data.series=128 train.epochs=2" in out  # the settings it changed
