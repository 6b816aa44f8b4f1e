"""The README works as printed: its Python examples run, and its shell commands run, in order, after the two
set-up commands (`make install` and `source .venv/bin/activate`, which this test process stands for: its
interpreter's bin folder goes first on PATH).

Shell blocks are of three kinds, marked by an HTML comment on the line before the block:
``<!-- readme: setup -->`` (the set-up itself; not run), ``<!-- readme: long -->`` (full recipes that take
minutes to hours: each line runs through the real CLI up to the training loop, so its task, preset, settings,
device and --out are checked), and unmarked blocks, which run as a bash script with ``set -e`` in a fresh
project folder next to the dataset mirror, so ``../shared/datasets`` means what it means in a checkout.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from rnnkit.cli import main
from rnnkit.recipes import runner

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
PYTHON_BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.S)
SHELL_BLOCKS = re.findall(r"(?:<!-- readme: (\w+) -->\n)?```sh\n(.*?)```", README, flags=re.S)
MIRROR = ROOT.parent / "shared"


def test_readme_has_python_examples_and_commands():
    assert PYTHON_BLOCKS and SHELL_BLOCKS
    assert {kind for kind, _ in SHELL_BLOCKS} == {"setup", "long", ""}


@pytest.mark.parametrize("index", range(len(PYTHON_BLOCKS)))
def test_readme_block_runs(index):
    exec(compile(PYTHON_BLOCKS[index], f"README.md block {index}", "exec"), {})  # noqa: S102 - our own docs


def commands(kind: str) -> list[str]:
    lines = []
    for block_kind, body in SHELL_BLOCKS:
        if block_kind == kind:
            lines += [line for line in body.splitlines() if line.strip() and not line.startswith("#")]
    return lines


def activated_env(project: Path) -> dict[str, str]:
    """The environment after `source .venv/bin/activate`: rnnkit and python first on PATH, nothing else."""
    env = {k: v for k, v in os.environ.items() if k not in ("RNNKIT_DATA", "RANK", "WORLD_SIZE")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["OMP_NUM_THREADS"] = env.get("OMP_NUM_THREADS", "2")
    return env


@pytest.mark.skipif(not (MIRROR / "datasets").is_dir(), reason="the dataset mirror ../shared is not here")
def test_readme_commands_run_as_printed(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (tmp_path / "shared").symlink_to(MIRROR)  # ../shared/datasets, as from a checkout
    script = "set -euo pipefail\n" + "\n".join(
        f"echo '$ '{shlex.quote(line)}\n{line}" for line in commands("")
    )
    result = subprocess.run(
        ["bash", "-c", script],
        cwd=project,
        env=activated_env(project),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, (result.stdout[-3000:], result.stderr[-3000:])
    assert (project / "runs" / "demo" / "forecast.png").is_file()
    assert (project / "runs" / "mnist-quick" / "loss_curves.png").is_file()
    assert len((project / "predictions.csv").read_text().splitlines()) == 1 + 2
    assert "[{'input': 'A fine film.', 'label':" in result.stdout  # the Python API line's answer


def test_the_next_lines_the_cli_prints_work_as_printed(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    env = activated_env(project)
    train = ["rnnkit", "train", "sine", "--quick", "--quiet", "--out", "runs/sine quick"]
    done = subprocess.run(
        train, cwd=project, env=env, capture_output=True, text=True, check=True, timeout=300
    )
    lines = done.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Next:"))
    printed = [line.replace("Next:", "", 1).strip() for line in lines[start:]]
    assert len(printed) == 3  # evaluate, plot, predict with an input that works
    for line in printed:
        result = subprocess.run(
            ["bash", "-c", line],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, (line, result.stderr[-2000:])


def test_the_long_commands_are_valid_up_to_the_training_loop(tmp_path, monkeypatch):
    """Every full-recipe command parses, builds its config, passes the recipe's checks and --out's checks."""
    reached: list[str] = []

    def stop_before_the_data(recipe, config, run, data_dir, resume):
        reached.append(f"{recipe.name} epochs={config.train.epochs} out={run.path}")
        return {}

    monkeypatch.setattr(runner, "_run", stop_before_the_data)
    monkeypatch.chdir(tmp_path)
    for line in commands("long"):
        argv = shlex.split(line, comments=True)
        if argv[0] == "torchrun":
            argv = ["rnnkit", *argv[argv.index("rnnkit.cli") + 1 :]]  # the same CLI, one process here
        assert argv[0] == "rnnkit", line
        assert main(argv[1:]) == 0, line
    assert len(reached) == len(commands("long")) and "mnist epochs=5 out=runs/mnist-5" in reached
