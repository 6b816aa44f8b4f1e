"""One line, exit code 2, the key or the file named, and nothing written: every bad input a user can give.

Each case runs the real CLI (`rnnkit.cli.main`) on a bad input and checks what the user sees: exactly
one `rnnkit: error:` line on stderr, no traceback, no sentence said twice, the key or file named in it,
and (for train) no --out folder created.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import shutil
import urllib.error
import warnings
from pathlib import Path

import pytest

from rnnkit.cli import error_line, main
from rnnkit.training import Trainer

QUICK_SINE = ["train", "sine", "--quick", "--quiet"]
needs_mirror = pytest.mark.skipif(not os.environ.get("RNNKIT_DATA"), reason="needs the dataset mirror")


def run_cli(argv: list[str], capsys) -> tuple[int, str]:
    capsys.readouterr()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        code = main(argv)
    return code, capsys.readouterr().err


def assert_one_error_line(code: int, err: str, *named: str) -> str:
    assert code == 2, err
    assert "Traceback" not in err
    errors = [line for line in err.splitlines() if line.startswith("rnnkit: error:")]
    assert len(errors) == 1, err
    line = errors[0]
    assert "\033[" not in line  # not a terminal: no colour codes
    sentences = [s.strip() for s in line.split(". ") if len(s.strip()) > 20]
    assert len(sentences) == len(set(sentences)), f"a sentence said twice: {line}"
    for name in named:
        assert name in line, f"{name!r} not named in: {line}"
    return line


@pytest.fixture(scope="module")
def sine_run(tmp_path_factory) -> Path:
    run = tmp_path_factory.mktemp("sine") / "run"
    assert main([*QUICK_SINE, "--out", str(run)]) == 0
    return run


def copy_run(run: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "copy"
    shutil.copytree(run, copy)
    return copy


# --- settings, checked before anything is written ---------------------------------------------------

SETTING_CASES = [
    (["--set", "data.series=-3"], "data.series"),
    (["--set", "model.dropout=-0.1"], "model.dropout"),
    (["--set", "model.rnn.dropout=1.5"], "model.rnn.dropout"),
    (["--set", "model.rnn.hidden_size=0"], "model.rnn.hidden_size"),
    (["--set", "model.rnn.cell=transformer"], "transformer"),
    (["--set", "train.lr=nan"], "lr"),
    (["--set", "train.lr=-1"], "lr"),
    (["--set", "train.clip_norm=inf"], "clip_norm"),
    (["--set", "train.epochs=two"], "train.epochs"),
    (["--set", "train.nope=1"], "train.nope"),
    (["--preset", "nope"], "nope"),
]


@pytest.mark.parametrize(("extra", "named"), SETTING_CASES, ids=[c[1] for c in SETTING_CASES])
def test_bad_settings(extra, named, tmp_path, capsys):
    out = tmp_path / "out"
    code, err = run_cli([*QUICK_SINE, *extra, "--out", str(out)], capsys)
    assert_one_error_line(code, err, named)
    assert not out.exists()


def test_data_limit_error_names_data_limit(tmp_path, capsys):
    out = tmp_path / "out"
    code, err = run_cli(["train", "mnist", "--quick", "--set", "data.limit=-3", "--out", str(out)], capsys)
    line = assert_one_error_line(code, err, "data.limit")
    assert "data.validation" not in line and not out.exists()


def test_config_that_is_a_folder_or_not_utf8(tmp_path, capsys):
    out = tmp_path / "out"
    code, err = run_cli([*QUICK_SINE, "--config", str(tmp_path), "--out", str(out)], capsys)
    assert_one_error_line(code, err, str(tmp_path), "is a folder")
    latin1 = tmp_path / "settings.toml"
    latin1.write_bytes("[train]\nlr = 0.001 # caf\xe9\n".encode("latin-1"))
    code, err = run_cli([*QUICK_SINE, "--config", str(latin1), "--out", str(out)], capsys)
    assert_one_error_line(code, err, "settings.toml", "UTF-8")
    assert not out.exists()


def test_out_that_is_a_file(tmp_path, capsys):
    a_file = tmp_path / "taken"
    a_file.write_text("not a folder")
    code, err = run_cli([*QUICK_SINE, "--out", str(a_file)], capsys)
    assert_one_error_line(code, err, str(a_file))
    code, err = run_cli(["demo", "--quiet", "--out", str(a_file)], capsys)
    assert_one_error_line(code, err, str(a_file))
    assert a_file.read_text() == "not a folder"


def test_demo_out_file_is_refused_before_training(tmp_path, capsys, monkeypatch):
    a_file = tmp_path / "taken"
    a_file.write_text("x")

    def no_training(*args, **kwargs):
        raise AssertionError("trained before checking --out")

    monkeypatch.setattr(Trainer, "fit", no_training)
    code, err = run_cli(["demo", "--quiet", "--out", str(a_file)], capsys)
    assert_one_error_line(code, err, str(a_file))


# --- data ---------------------------------------------------------------------------------------------


def test_missing_data_offline_says_which_file_where_and_how(tmp_path, capsys, monkeypatch):
    def offline(*args, **kwargs):
        raise urllib.error.URLError("no network")

    monkeypatch.setattr("urllib.request.urlopen", offline)
    monkeypatch.setenv("RNNKIT_DATA", str(tmp_path / "data"))
    out = tmp_path / "out"
    code, err = run_cli(["train", "mnist", "--quick", "--out", str(out)], capsys)
    assert_one_error_line(
        code, err, "mnist/mnist.npz", str(tmp_path / "data" / "mnist" / "mnist.npz"), "RNNKIT_DATA"
    )
    assert not out.exists() and not (tmp_path / "data").exists()  # no folder left behind


def test_corrupt_dataset_is_one_sentence_once(tmp_path, capsys):
    (tmp_path / "mnist").mkdir()
    (tmp_path / "mnist" / "mnist.npz").write_bytes(b"PK\x03\x04 not really a zip")
    code, err = run_cli(
        ["train", "mnist", "--quick", "--data-dir", str(tmp_path), "--out", str(tmp_path / "o")], capsys
    )
    line = assert_one_error_line(code, err, "mnist.npz")
    assert line.count("Delete it") == 1


# --- run folders ---------------------------------------------------------------------------------------


@needs_mirror
def test_weights_of_another_task_say_which_task(sine_run, tmp_path, capsys):
    mnist = tmp_path / "mnist"
    assert main(["train", "mnist", "--quick", "--quiet", "--out", str(mnist)]) == 0
    shutil.copy(sine_run / "model.safetensors", mnist / "model.safetensors")
    for argv in (["evaluate", str(mnist)], ["predict", str(mnist), "test:0"]):
        code, err = run_cli(argv, capsys)
        assert_one_error_line(code, err, "model.safetensors", "'sine' run", "'mnist' run")


def test_foreign_trainer_state_speaks_the_users_language(sine_run, tmp_path, capsys):
    copy = copy_run(sine_run, tmp_path)
    (copy / "trainer_state.pt").write_bytes(pickle.dumps({"epoch": io.StringIO}))
    code, err = run_cli(["train", "sine", "--out", str(copy), "--resume", "--set", "train.epochs=3"], capsys)
    line = assert_one_error_line(code, err, "trainer_state.pt")
    assert "probably" not in line and "weights_only" not in line and "warning" not in err


def test_config_json_that_is_not_json(sine_run, tmp_path, capsys):
    copy = copy_run(sine_run, tmp_path)
    (copy / "config.json").write_text("{not json")
    code, err = run_cli(["evaluate", str(copy)], capsys)
    assert_one_error_line(code, err, "config.json")


def test_a_vocabulary_that_is_not_ours(tmp_path, capsys):
    from rnnkit.data import Vocab

    (tmp_path / "vocab.json").write_text(json.dumps({"tokens": ["a"]}))
    with pytest.raises(ValueError) as error:
        Vocab.from_json(tmp_path / "vocab.json")
    assert "vocab.json" in str(error.value) and "Vocab.to_json" not in str(error.value)


def test_an_unfinished_run_says_so_and_which_epoch(tmp_path, capsys, monkeypatch, caplog):
    run = tmp_path / "run"
    original = Trainer._run_epoch
    calls = {"n": 0}

    def killed_in_epoch_2(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Trainer, "_run_epoch", killed_in_epoch_2)
    assert main([*QUICK_SINE, "--set", "train.epochs=3", "--out", str(run)]) == 130
    monkeypatch.undo()
    with caplog.at_level("WARNING", logger="rnnkit.recipes"):
        assert main(["predict", str(run), "0,0.5,1"]) == 0
    said = caplog.text
    assert "unfinished" in said and "epoch 1 of 3" in said and "--resume" in said


def test_missing_run_folder_and_unknown_task(tmp_path, capsys):
    code, err = run_cli(["evaluate", str(tmp_path / "nope")], capsys)
    assert_one_error_line(code, err, "nope")
    code, err = run_cli(["train", "nope", "--out", str(tmp_path / "o")], capsys)
    assert_one_error_line(code, err, "nope")


def test_colour_only_on_a_terminal(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert error_line(ValueError("x"), Terminal()).startswith("\033[31m")
    assert error_line(ValueError("x"), io.StringIO()) == "rnnkit: error: x"
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\033[" not in error_line(ValueError("x"), Terminal())


def test_a_run_with_no_epoch_yet_says_how_to_resume_it(tmp_path, capsys, monkeypatch):
    def killed(self, *args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(Trainer, "_run_epoch", killed)
    run = tmp_path / "run"
    assert main([*QUICK_SINE, "--out", str(run)]) == 130
    monkeypatch.undo()
    code, err = run_cli(["predict", str(run), "0,0.5,1"], capsys)
    assert_one_error_line(code, err, "model.safetensors", f"rnnkit train sine --out {run} --resume")
