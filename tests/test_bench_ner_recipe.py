"""bench/ner_recipe.py trains the recipe per seed and prints micro and per-type F1 (smoke size, on the
tiny generated corpus of tests/test_recipes_ner.py), and tabulates finished runs."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import ner_recipe  # noqa: E402
from test_recipes_ner import write_corpus  # noqa: E402


def test_ner_recipe_bench_prints_f1_per_type_and_reads_runs_back(tmp_path: Path, capsys) -> None:
    train, test = write_corpus(tmp_path / "train.conll", 120, 0), write_corpus(tmp_path / "test.conll", 30, 1)
    sets = [f"data.train={train}", f"data.test={test}", *ner_recipe_quick()]
    argv = ["--seeds", "0", "1", "--keep", str(tmp_path / "runs"), *(a for s in sets for a in ("--set", s))]
    assert ner_recipe.main(argv) == 0
    trained = capsys.readouterr().out
    assert "2 run(s), test part: " in trained and "| F1 PER |" in trained and "| F1 ORG |" in trained
    runs = [str(tmp_path / "runs" / f"seed{seed}") for seed in (0, 1)]
    assert ner_recipe.main(["--runs", *runs]) == 0
    table = [line for line in trained.splitlines() if line.startswith("| F1")]
    assert len(table) == 4 and table == [
        line for line in capsys.readouterr().out.splitlines() if line.startswith("| F1")
    ]
    with pytest.raises(SystemExit, match="is not a finished ner run"):
        ner_recipe.main(["--runs", str(tmp_path)])


def ner_recipe_quick() -> list[str]:
    """A model small enough to train on 120 sentences in a second."""
    return [
        "model.embedding_dim=8", "model.embedding_uniform_init=0.3", "model.rnn.hidden_size=8",
        "model.char_hidden_size=4", "train.epochs=2",
    ]  # fmt: skip
