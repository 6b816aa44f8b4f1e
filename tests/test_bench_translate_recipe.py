"""bench/translate_recipe.py trains the recipe per seed and prints greedy and beam BLEU (smoke size)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

pytest.importorskip("sentencepiece")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import translate_recipe  # noqa: E402


@pytest.mark.skipif(not os.environ.get("RNNKIT_DATA"), reason="needs the dataset mirror")
def test_translate_recipe_bench_prints_greedy_and_beam_bleu(capsys) -> None:
    argv = ["--seeds", "0", "--quick", "--set", "data.max_pairs=300", "--set", "data.vocab_size=200"]
    assert translate_recipe.main(argv) == 0
    out = capsys.readouterr().out
    assert "| greedy |" in out and "| beam2 |" in out and "signature: nrefs:1|case:mixed" in out
