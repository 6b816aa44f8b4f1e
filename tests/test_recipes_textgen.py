"""The textgen recipe end to end on tiny corpora: learnt to near-zero loss, streamed generation that a
seed reproduces, evaluate --file, and one clear line (exit 2, nothing written) for each bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from data_mirror import mirror_root

from rnnkit.cli import main
from rnnkit.recipes import runner
from rnnkit.recipes.registry import build_config, get_recipe

LINE = "the quick brown fox jumps over the lazy dog\n"
TINY = [
    "--set", "data.bptt=16", "--set", "train.batch_size=8", "--set", "model.embedding_dim=32",
    "--set", "model.hidden_size=64", "--set", "model.num_layers=1", "--set", "model.input_dropout=0",
    "--set", "model.hidden_dropout=0", "--set", "model.output_dropout=0", "--set", "train.epochs=15",
    "--set", "train.lr=0.01", "--set", "train.min_lr=0.0001", "--quiet",
]  # fmt: skip


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    return err


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("textgen")
    corpus = folder / "fox.txt"
    corpus.write_text(LINE * 200)
    out = folder / "run"
    assert main(["train", "textgen", "--set", f"data.path={corpus}", *TINY, "--out", str(out)]) == 0
    return out


def test_a_tiny_corpus_is_learnt_to_near_zero_loss(tiny_run: Path) -> None:
    summary = json.loads((tiny_run / "test_metrics.json").read_text())
    assert summary["best_val_loss"] < 0.05 and summary["test_loss"] < 0.05
    assert summary["test_part"] == "the validation part (no test file)" and summary["level"] == "char"
    assert summary["vocab_size"] == len(set(LINE)) + 2  # the characters, <pad> and <unk>


def test_greedy_generation_continues_the_learnt_text(tiny_run: Path, capsys) -> None:
    capsys.readouterr()
    assert (
        main(["generate", str(tiny_run), "--prime", "the quick", "--length", "60", "--temperature", "0"]) == 0
    )
    out = capsys.readouterr().out
    assert out.startswith("the quick brown fox jumps over the lazy dog\nthe quick brown")
    assert main(["generate", str(tiny_run), "--prime", "the quick", "--length", "60", "--top-k", "1"]) == 0
    assert capsys.readouterr().out == out  # top-k 1 is greedy
    for seed in ("1", "2"):  # greedy decoding draws nothing: every seed gives the same text
        args = ["generate", str(tiny_run), "--prime", "the quick", "--length", "60", "--temperature", "0"]
        assert main([*args, "--seed", seed]) == 0
        assert capsys.readouterr().out == out


def test_the_same_seed_gives_the_same_text_and_another_seed_another(tiny_run: Path, capsys) -> None:
    texts = []
    for seed in (3, 3, 4):
        capsys.readouterr()
        args = ["generate", str(tiny_run), "--prime", "the", "--length", "80", "--temperature", "3.0"]
        assert main([*args, "--seed", str(seed), "--top-p", "0.99"]) == 0
        texts.append(capsys.readouterr().out)
    assert texts[0] == texts[1] and texts[0] != texts[2]
    assert set(texts[2]) <= set(LINE)  # padding and <unk> are never emitted


def test_ctrl_c_ends_the_stream_cleanly(tiny_run: Path, capsys, monkeypatch) -> None:
    def interrupted(*args, **kwargs):
        yield "ab"
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "generate", interrupted)
    capsys.readouterr()
    assert main(["generate", str(tiny_run), "--prime", "the"]) == 130
    captured = capsys.readouterr()
    assert captured.out == "theab\n" and "Traceback" not in captured.err


def test_generation_errors_are_one_line(tiny_run: Path, capsys) -> None:
    assert main(["generate", str(tiny_run), "--prime", "THE FOX"]) == 2
    assert (
        "never saw in training: ' '" not in (err := one_error_line(capsys))
        and "'E', 'F', 'H', 'O', 'T', 'X'" in err
    )
    assert main(["generate", str(tiny_run), "--length", "0"]) == 2
    assert "--length 0" in one_error_line(capsys)
    assert main(["generate", str(tiny_run), "--temperature", "0", "--top-p", "0.5"]) == 2
    assert "greedy" in one_error_line(capsys)


def test_evaluate_scores_any_file(tiny_run: Path, tmp_path: Path, capsys) -> None:
    text = tmp_path / "more.txt"
    text.write_text(LINE * 5)
    capsys.readouterr()
    assert main(["evaluate", str(tiny_run), "--file", str(text)]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["file"] == str(text) and figures["file_loss"] < 0.1
    assert abs(figures["file_perplexity"] - 2.718281828 ** figures["file_loss"]) < 1e-3
    assert abs(figures["file_bits_per_token"] - figures["file_loss"] / 0.6931471805599453) < 1e-9
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"the fox\n\x80\n")
    assert main(["evaluate", str(tiny_run), "--file", str(bad)]) == 2
    assert "byte 0x80 at line 2, byte 1" in one_error_line(capsys)


@pytest.mark.parametrize(
    ("content", "named"),
    [
        (b"", "is empty"),
        (b"\n  \n", "is empty"),
        (b"abc\nd\xe9f\n", "not UTF-8 text: byte 0xe9 at line 2, byte 2"),
        (LINE.encode() * 2, "one window needs 17 tokens per stream"),
    ],
)
def test_bad_corpora_are_one_line_and_write_nothing(content, named, tmp_path, capsys) -> None:
    corpus = tmp_path / "corpus.txt"
    corpus.write_bytes(content)
    out = tmp_path / "run"
    assert main(["train", "textgen", "--set", f"data.path={corpus}", *TINY, "--out", str(out)]) == 2
    assert named in one_error_line(capsys)
    assert not out.exists()


def test_word_level_with_separate_validation_and_test_files(tmp_path: Path) -> None:
    for name, text in (
        ("train", "a b c\nb c a\n" * 40),
        ("valid", "a b zebra\n" * 5),
        ("test", "c b a\n" * 5),
    ):
        (tmp_path / f"{name}.txt").write_text(text)
    recipe = get_recipe("textgen")
    config = build_config(
        recipe,
        overrides=[
            f"data.path={tmp_path / 'train.txt'}",
            f"data.valid_path={tmp_path / 'valid.txt'}",
            f"data.test_path={tmp_path / 'test.txt'}",
            "data.level=word",
            "data.bptt=5",
            "train.batch_size=4",
        ],
    )
    prepared = recipe.prepare(config, None)
    vocab = prepared.artifacts["vocab"]
    assert vocab.itos == ["<pad>", "<unk>", "<eos>", "a", "b", "c"]
    assert prepared.counts["test_part"] == "the test file" and prepared.counts["validation_tokens"] > 0
    validation = prepared.validation.dataset.data.flatten().tolist()
    assert vocab.unk_id in validation  # "zebra" is not in the training text
    assert recipe.derived_figures({"test_loss": 1.0}) == {"test_perplexity": 2.7183}


def test_generate_refuses_a_run_of_another_task(tmp_path: Path, capsys) -> None:
    out = tmp_path / "sine"
    assert main(["train", "sine", "--quick", "--set", "data.series=64", "--out", str(out), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["generate", str(out), "--prime", "x"]) == 2
    assert "does not generate text" in one_error_line(capsys)
    assert main(["evaluate", str(out), "--file", str(out / "config.json")]) == 2
    assert "does not evaluate on a file" in one_error_line(capsys)


def test_tiny_shakespeare_is_split_as_nanogpt_splits_it() -> None:
    root = mirror_root()
    from rnnkit.data.datasets.shakespeare import load_tiny_shakespeare

    text = load_tiny_shakespeare(root, download=False)
    assert len(text) == 1_115_394 and len(set(text)) == 65 and text.count("\n") == 40_000
    recipe = get_recipe("textgen")
    config = build_config(recipe)
    corpus = __import__("rnnkit.recipes.textgen", fromlist=["load_corpus"]).load_corpus(config, str(root))
    assert (len(corpus.train), len(corpus.validation)) == (1_003_854, 111_540)  # nanoGPT's prepare.py
    assert corpus.test is None and corpus.train[:14] == list("First Citizen:")


def test_a_reader_that_leaves_the_pipe_early_ends_generation_quietly(tiny_run: Path) -> None:
    import subprocess
    import sys

    command = (
        f"set -o pipefail; {sys.executable} -m rnnkit.cli generate {tiny_run} --length 100000 | head -c 20"
    )
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0 and len(done.stdout) == 20 and done.stderr == "", done.stderr


@pytest.mark.parametrize("preset", ["default", "words", "zaremba-medium", "awd-lstm"])
def test_every_preset_builds_and_takes_a_training_step(preset: str) -> None:
    import torch

    from rnnkit.data.streams import StreamWindows
    from rnnkit.data.vocab import Vocab
    from rnnkit.recipes.textgen_task import StreamTask

    recipe = get_recipe("textgen")
    config = build_config(recipe, preset)
    recipe.check(config)
    model = recipe.build_model(config, {"vocab": Vocab([f"w{i}" for i in range(40)])}).train()
    window = StreamWindows(torch.randint(0, 42, (40,)), streams=2, bptt=6)[0]
    loss, count = StreamTask().compute_loss(model, window)
    loss.backward()
    assert count == 12 and torch.isfinite(loss)
    assert model.embedding.weight.grad is not None
