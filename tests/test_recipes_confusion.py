"""A classifier run records its test-split confusion matrix and draws it; `rnnkit plot` redraws it."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
from tiny_imdb import write_tiny_imdb

from rnnkit.cli import main


def test_sentiment_run_has_confusion_counts_that_agree_with_its_accuracy(tmp_path, capsys):
    write_tiny_imdb(tmp_path / "data")
    run = tmp_path / "run"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        args = [
            "train",
            "sentiment",
            "--quick",
            "--quiet",
            "--out",
            str(run),
            "--data-dir",
            str(tmp_path / "data"),
        ]
        assert main(args) == 0
    summary = json.loads((run / "test_metrics.json").read_text())
    counts = np.array(summary["test_confusion"])
    assert summary["class_names"] == ["negative", "positive"] and counts.shape == (2, 2)
    assert counts.sum() == summary["test_examples"]
    assert counts.sum(axis=1).tolist() == [summary["test_examples"] // 2] * 2  # the tiny set is balanced
    accuracy = summary["test_accuracy"]  # computed by the trainer, another path
    assert np.trace(counts) / counts.sum() == pytest.approx(accuracy, abs=1e-9)
    assert (run / "confusion_matrix.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    (run / "confusion_matrix.png").unlink()
    capsys.readouterr()
    assert main(["plot", str(run)]) == 0
    assert capsys.readouterr().out.split() == [
        str(run / "loss_curves.png"),
        str(run / "confusion_matrix.png"),
    ]
