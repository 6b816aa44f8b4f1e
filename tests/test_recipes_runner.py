"""The run-folder lifecycle through the CLI: checks before writes, restarts, resume rules, locks, seeds.

Most cases use the built-in ``sine`` recipe (generated data, seconds per run); the kill -9 case runs the
CLI in a child process and kills it after its first committed epoch.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from rnnkit.cli import main
from rnnkit.recipes.registry import TASKS, build_config, get_recipe
from rnnkit.training import RunFolder, Trainer, load_weights
from rnnkit.training.run_folder import RunFolderLockedError

QUICK_SINE = ["train", "sine", "--quick", "--set", "data.series=64"]


def weights(run: Path) -> dict[str, torch.Tensor]:
    return load_weights(run / RunFolder.MODEL)


def assert_same_weights(a: Path, b: Path) -> None:
    wa, wb = weights(a), weights(b)
    assert wa.keys() == wb.keys()
    for name in wa:
        assert torch.equal(wa[name], wb[name]), name  # bit for bit


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    return err


@pytest.mark.parametrize(
    ("setting", "named"),
    [
        ("model.rnn.hidden_size=0", "hidden_size"),
        ("model.rnn.cell=transformer", "transformer"),
        ("model.dropout=1.5", "1.5"),
        ("model.rnn.dropout=1.5", "dropout"),
        ("train.device=cuda", "CUDA is not available"),
        ("data.series=4", "data.series"),
    ],
)
def test_a_bad_setting_is_one_line_and_creates_no_folder(setting, named, tmp_path, capsys) -> None:
    if setting.endswith("cuda") and torch.cuda.is_available():
        pytest.skip("this machine has CUDA, so --device cuda is valid here")
    out = tmp_path / "run"
    assert main([*QUICK_SINE, "--set", setting, "--out", str(out)]) == 2
    assert named in one_error_line(capsys)
    assert not out.exists()


def test_device_flag_without_cuda_creates_no_folder(tmp_path, capsys) -> None:
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    out = tmp_path / "run"
    assert main([*QUICK_SINE, "--device", "cuda", "--out", str(out)]) == 2
    assert "CUDA is not available" in one_error_line(capsys)
    assert not out.exists()


@pytest.mark.parametrize("cell", ["mingru", "minlstm"])
def test_a_recipe_trains_with_a_scan_cell(cell, tmp_path) -> None:
    out = tmp_path / "run"
    assert main([*QUICK_SINE, "--set", f"model.rnn.cell={cell}", "--out", str(out), "--quiet"]) == 0
    config = json.loads((out / "config.json").read_text())
    assert config["config"]["model"]["rnn"]["cell"] == cell
    assert any(name.startswith("rnn.weight_ih_l0") for name in weights(out))
    assert not any("weight_hh" in name for name in weights(out))


def test_the_same_command_twice_gives_the_same_weights(tmp_path) -> None:
    for name in ("a", "b"):
        assert main([*QUICK_SINE, "--out", str(tmp_path / name)]) == 0
    assert_same_weights(tmp_path / "a", tmp_path / "b")


@pytest.mark.parametrize("task", sorted(TASKS))
def test_every_recipe_builds_its_model_from_the_seed(task) -> None:
    """Two builds after the runner's seeding give the same initial weights (the model is built after
    seed_everything, not before it, so its initialisation is part of the recipe)."""
    from rnnkit.recipes import runner
    from rnnkit.training.state import seed_everything

    recipe = get_recipe(task)
    config = build_config(recipe, quick=True)
    artifacts = (
        {"vocab": __import__("rnnkit").data.Vocab(["a", "b"])} if task in ("sentiment", "textgen") else {}
    )
    if task == "forecast":  # its default series is generated: the artifacts (columns, scaler) come from it
        artifacts = recipe.prepare(config, None).artifacts
    if task == "translate":  # subword models learnt from a few sentences stand in for Multi30k's
        from rnnkit.data.subwords import SubwordTokenizer

        tokenizer = SubwordTokenizer.train(["a dog runs", "two cats sleep"] * 10, vocab_size=30)
        artifacts = {"tokenizers": (tokenizer, tokenizer)}
    if task == "ner":  # vocabularies of two words, their characters and one type's tags
        from rnnkit.data.vocab import Vocab

        artifacts = {
            "words": Vocab(["eu", "lamb"]),
            "chars": Vocab(list("EUlamb")),
            "tags": ["O", "B-ORG", "I-ORG"],
        }
    builds = []
    for _ in range(2):
        seed_everything(config.train.seed)
        torch.rand(7)  # whatever ran before (imports, other models) must not matter
        seed_everything(config.train.seed)
        builds.append(recipe.build_model(config, artifacts).state_dict())
    assert all(torch.equal(builds[0][k], builds[1][k]) for k in builds[0])
    assert runner.process_rank() == 0


def test_config_json_is_the_one_record_of_what_ran(tmp_path) -> None:
    out = tmp_path / "run"
    assert main([*QUICK_SINE, "--set", "train.lr=0.003", "--out", str(out)]) == 0
    record = json.loads((out / RunFolder.CONFIG).read_text())
    assert record["task"] == "sine" and record["preset"] == "default"
    assert record["rnnkit_version"] == __import__("rnnkit").__version__
    assert record["config"]["train"]["lr"] == 0.003 and record["config"]["data"]["series"] == 64
    assert not (out / "recipe.json").exists()


def test_config_file_wins_over_quick(tmp_path) -> None:
    toml = tmp_path / "settings.toml"
    toml.write_text("[train]\nepochs = 3\n")  # --quick says 2
    out = tmp_path / "run"
    assert main([*QUICK_SINE, "--config", str(toml), "--out", str(out)]) == 0
    assert json.loads((out / RunFolder.CONFIG).read_text())["config"]["train"]["epochs"] == 3
    assert len((out / RunFolder.LOG).read_text().strip().splitlines()) == 1 + 3


def test_a_run_killed_before_its_first_checkpoint_can_be_started_again(tmp_path, monkeypatch, capsys) -> None:
    out = tmp_path / "run"

    def killed(self, *args, **kwargs):
        raise KeyboardInterrupt  # stands for kill -9 during the first epoch

    monkeypatch.setattr(Trainer, "_run_epoch", killed)
    assert main([*QUICK_SINE, "--out", str(out)]) == 130  # interrupted: a line, not a traceback
    monkeypatch.undo()
    assert (out / RunFolder.CONFIG).is_file() and not (out / RunFolder.STATE).exists()
    assert main(["train", "sine", "--out", str(out), "--resume"]) == 0  # starts from epoch 1
    assert main([*QUICK_SINE, "--out", str(tmp_path / "uninterrupted")]) == 0
    assert_same_weights(out, tmp_path / "uninterrupted")

    other = tmp_path / "other"
    monkeypatch.setattr(Trainer, "_run_epoch", killed)
    assert main([*QUICK_SINE, "--out", str(other)]) == 130
    monkeypatch.undo()
    assert main([*QUICK_SINE, "--out", str(other)]) == 0  # and a fresh start there is not refused


def test_resume_may_raise_epochs_and_nothing_else(tmp_path, capsys) -> None:
    out = tmp_path / "run"
    assert main([*QUICK_SINE, "--out", str(out)]) == 0  # 2 epochs, no schedule
    capsys.readouterr()
    assert main(["train", "sine", "--out", str(out), "--resume", "--set", "train.lr=0.1"]) == 2
    assert "cannot change train.lr" in one_error_line(capsys)
    assert main(["train", "sine", "--out", str(out), "--resume", "--set", "train.epochs=2"]) == 0
    assert main(["train", "sine", "--out", str(out), "--resume", "--set", "train.epochs=1"]) == 2
    assert "already completed 2 epochs" in one_error_line(capsys)
    assert main(["train", "sine", "--out", str(out), "--resume", "--quick"]) == 2
    assert "drop --quick" in one_error_line(capsys)

    assert main(["train", "sine", "--out", str(out), "--resume", "--set", "train.epochs=4"]) == 0
    assert len((out / RunFolder.LOG).read_text().strip().splitlines()) == 1 + 4
    assert json.loads((out / RunFolder.CONFIG).read_text())["config"]["train"]["epochs"] == 4
    assert main([*QUICK_SINE, "--set", "train.epochs=4", "--out", str(tmp_path / "straight")]) == 0
    assert_same_weights(out, tmp_path / "straight")  # extending = having asked for 4 from the start

    cosine = tmp_path / "cosine"
    assert main([*QUICK_SINE, "--set", "train.scheduler=cosine", "--out", str(cosine)]) == 0
    capsys.readouterr()
    assert main(["train", "sine", "--out", str(cosine), "--resume", "--set", "train.epochs=5"]) == 2
    assert "cosine schedule" in one_error_line(capsys)


def test_a_second_process_on_the_same_run_is_refused(tmp_path, capsys) -> None:
    out = tmp_path / "run"
    assert main([*QUICK_SINE, "--out", str(out)]) == 0
    capsys.readouterr()
    with RunFolder(out).lock():  # another process holding the run (flock is per open file)
        assert main(["train", "sine", "--out", str(out), "--resume"]) == 2
        assert "in use by another rnnkit process" in one_error_line(capsys)
        with pytest.raises(RunFolderLockedError):
            with RunFolder(out).lock():
                pass
    assert main(["train", "sine", "--out", str(out), "--resume"]) == 0  # released


def test_files_follow_the_umask(tmp_path) -> None:
    previous = os.umask(0o027)
    try:
        assert main([*QUICK_SINE, "--out", str(tmp_path / "run")]) == 0
    finally:
        os.umask(previous)
    for name in (RunFolder.CONFIG, RunFolder.MODEL, RunFolder.STATE, RunFolder.LOG, RunFolder.TEST_METRICS):
        assert stat.S_IMODE((tmp_path / "run" / name).stat().st_mode) == 0o640, name


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "rnnkit.cli", *args]


def test_kill_9_then_resume_equals_an_uninterrupted_run(tmp_path) -> None:
    settings = ["train", "sine", "--set", "data.series=2048", "--set", "train.epochs=4"]
    killed = tmp_path / "killed"
    # the child must reduce in the same order as this process: the same number of CPU threads
    env = {**os.environ, "OMP_NUM_THREADS": str(torch.get_num_threads())}
    child = subprocess.Popen(
        _cli(*settings, "--out", str(killed)), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    try:
        deadline = time.monotonic() + 240
        while not (killed / RunFolder.STATE).exists():
            assert child.poll() is None, "the run ended before its first checkpoint"
            assert time.monotonic() < deadline, "no checkpoint after 240 s"
            time.sleep(0.02)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait()
    done = RunFolder(killed).load_state()["epoch"]
    assert 1 <= done < 4, "the run was not interrupted"
    assert not (killed / RunFolder.TEST_METRICS).exists()
    assert main(["train", "sine", "--out", str(killed), "--resume"]) == 0
    assert main([*settings, "--out", str(tmp_path / "straight")]) == 0
    assert_same_weights(killed, tmp_path / "straight")


def test_torchrun_two_processes_rank_0_owns_the_folder(tmp_path) -> None:
    out = tmp_path / "run"
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    torchrun = [sys.executable, "-m", "torch.distributed.run", "--nnodes", "1", "--nproc_per_node", "2"]
    torchrun += ["--master_addr", "127.0.0.1", "--master_port", str(port), "-m", "rnnkit.cli"]
    command = [*torchrun, *QUICK_SINE, "--device", "cpu", "--out", str(out)]
    env = {k: v for k, v in os.environ.items() if k not in ("RANK", "WORLD_SIZE", "LOCAL_RANK")}
    env["OMP_NUM_THREADS"] = "1"
    if sys.platform.startswith("linux"):
        env.setdefault("GLOO_SOCKET_IFNAME", "lo")  # no network in a sandbox: keep gloo on loopback
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.count("Next: rnnkit evaluate") == 1  # only rank 0 reports
    assert (out / RunFolder.TEST_METRICS).is_file()
    assert len((out / RunFolder.LOG).read_text().strip().splitlines()) == 1 + 2
