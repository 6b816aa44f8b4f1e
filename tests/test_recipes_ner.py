"""The ner recipe end to end on a tiny generated corpus (learnt to F1 1.0), the CLI (predict, evaluate,
CoNLL in and out), pretrained vectors from a file the test writes, bad input, and CoNLL-2003's counts."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest
import torch

from rnnkit.cli import main
from rnnkit.data.conll import read_conll

needs_mirror = pytest.mark.skipif(not os.environ.get("RNNKIT_DATA"), reason="needs the dataset mirror")

PEOPLE = ["Anna", "Boris", "Clara", "Dmitri", "Elena"]
PLACES = ["Paris", "Berlin", "Lima", "Oslo"]
COMPANIES = [("Acme", "Corp"), ("Globex", "Inc"), ("Initech", "Ltd")]
FILLER = ["the", "said", "met", "in", "on", "visited", "today", "and"]

TINY = [
    "--set", "model.embedding_dim=16", "--set", "model.embedding_uniform_init=0.3",
    "--set", "model.rnn.hidden_size=16", "--set", "model.char_hidden_size=8",
    "--set", "model.dropout=0.0", "--set", "model.token_dropout=0.0",
    "--set", "train.epochs=25", "--set", "train.lr=0.02", "--set", "train.batch_size=16",
    "--set", "train.early_stopping_patience=25", "--set", "train.scheduler=none", "--quiet",
]  # fmt: skip


def tiny_sentence(rng: random.Random) -> list[tuple[str, str]]:
    """Filler words with a person (B-PER), a place (B-LOC) and a two-word company (B-ORG I-ORG) mixed in."""
    rows: list[tuple[str, str]] = []
    for _ in range(rng.randint(1, 3)):
        rows.extend((rng.choice(FILLER), "O") for _ in range(rng.randint(0, 2)))
        kind = rng.choice(["PER", "LOC", "ORG"])
        if kind == "PER":
            rows.append((rng.choice(PEOPLE), "B-PER"))
        elif kind == "LOC":
            rows.append((rng.choice(PLACES), "B-LOC"))
        else:
            first, second = rng.choice(COMPANIES)
            rows.extend([(first, "B-ORG"), (second, "I-ORG")])
    return rows + [(".", "O")]


def write_corpus(path: Path, sentences: int, seed: int) -> Path:
    rng = random.Random(seed)
    lines = ["-DOCSTART- -X- -X- O", ""]
    for _ in range(sentences):
        lines.extend(f"{word} X X {tag}" for word, tag in tiny_sentence(rng))
        lines.append("")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One run on the tiny corpus, shared by the tests below (a few seconds)."""
    folder = tmp_path_factory.mktemp("ner")
    train = write_corpus(folder / "train.conll", 300, seed=0)
    test = write_corpus(folder / "test.conll", 60, seed=1)
    out = folder / "run"
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        argv = [
            "train",
            "ner",
            "--out",
            str(out),
            "--set",
            f"data.train={train}",
            "--set",
            f"data.test={test}",
        ]
        assert main([*argv, *TINY]) == 0
    finally:
        torch.set_num_threads(threads)
    return out


def test_a_tiny_corpus_is_learnt_to_f1_one(tiny_run: Path) -> None:
    summary = json.loads((tiny_run / "test_metrics.json").read_text())
    assert summary["test_f1"] == 1.0 and summary["test_f1_ORG"] == 1.0
    assert summary["tags"] == ["O", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-PER", "I-PER"]
    assert (
        summary["test_type_confusion"]["ORG"]["ORG"] == summary["test_entities_ORG"]
        if "test_entities_ORG" in summary
        else True
    )
    assert (tiny_run / "confusion_matrix.png").is_file() or "plot_unavailable" in summary


def test_predict_prints_entities_with_types_and_spans(
    tiny_run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["predict", str(tiny_run), "Anna visited Acme Corp in Oslo."]) == 0
    out = capsys.readouterr().out
    assert "entities=Anna/PER[0:1] Acme Corp/ORG[2:4] Oslo/LOC[5:6]" in out
    assert "tags=B-PER O B-ORG I-ORG O B-LOC O" in out


def test_a_sentence_of_unknown_words_is_still_tagged(
    tiny_run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["predict", str(tiny_run), "Zzyzx qwerty blorp"]) == 0
    assert "tags=" in capsys.readouterr().out


def test_a_conll_file_in_conll_and_json_lines_out(tiny_run: Path, tmp_path: Path) -> None:
    source = write_corpus(tmp_path / "in.conll", 5, seed=7)
    out = tmp_path / "out.conll"
    assert main(["predict", str(tiny_run), "--file", str(source), "--output", str(out)]) == 0
    written = [line.split() for line in out.read_text().splitlines() if line]
    gold = [row for s in read_conll(source) for row in zip(s.tokens, s.tags or [], strict=True)]
    assert [(w[0], w[1]) for w in written] == gold and all(w[1] == w[2] for w in written)
    jsonl = tmp_path / "out.jsonl"
    text = tmp_path / "plain.txt"
    text.write_text("Boris met Clara\nthe Globex Inc visited Lima\n", encoding="utf-8")
    assert main(["predict", str(tiny_run), "--file", str(text), "--output", str(jsonl)]) == 0
    rows = [json.loads(line) for line in jsonl.read_text().splitlines()]
    assert [e["type"] for e in rows[1]["entities"]] == ["ORG", "LOC"] and rows[0]["input"].endswith(
        "plain.txt:1"
    )


def test_evaluate_scores_any_conll_file(
    tiny_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_corpus(tmp_path / "other.conll", 40, seed=9)
    assert main(["evaluate", str(tiny_run), "--file", str(source)]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["file_f1"] == 1.0 and figures["file_examples"] == 40


def test_pretrained_vectors_extend_the_vocabulary_and_start_the_embedding(tmp_path: Path) -> None:
    from rnnkit.recipes.ner import NerRecipe
    from rnnkit.recipes.registry import build_config

    train = write_corpus(tmp_path / "train.conll", 50, seed=0)
    vectors = tmp_path / "vectors.txt"
    vectors.write_text("3 4\nanna 1 2 3 4\nzanzibar 0.5 0.5 0.5 0.5\nPARIS 9 9 9 9\n", encoding="utf-8")
    recipe = NerRecipe()
    overrides = [
        f"data.train={train}",
        f"data.test={train}",
        f"model.vectors={vectors}",
        "model.embedding_dim=4",
    ]
    config = build_config(recipe, overrides=overrides)
    prepared = recipe.prepare(config, None)
    words = prepared.artifacts["words"]
    assert "zanzibar" in words and prepared.counts["vectors_found"] == 3
    model = recipe.build_model(config, prepared.artifacts)
    assert model.embedding is not None
    weight = model.embedding.weight
    assert (
        weight[words.stoi["anna"]].tolist() == [1, 2, 3, 4]
        and weight[words.stoi["paris"]].tolist() == [9] * 4
    )
    bad = build_config(recipe, overrides=[*overrides[:3], "model.embedding_dim=8"])
    with pytest.raises(
        ValueError, match="4-dimensional vectors but model.embedding_dim=8; set --set model.embedding_dim=4"
    ):
        recipe.prepare(bad, None)


@pytest.mark.parametrize(
    ("text", "setting", "message"),
    [
        (
            "EU NNP B-ORG\nrejects VBZ\n",
            "",
            r"train.conll:2: 2 column\(s\) where the file's first token line has 3",
        ),
        ("EU NNP B-ORG\n", "data.scheme=bio", "unknown tag scheme 'bio'"),
        ("\n\n", "", "no sentences"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, setting: str, message: str
) -> None:
    train = tmp_path / "train.conll"
    train.write_text(text, encoding="utf-8")
    out = tmp_path / "run"
    argv = ["train", "ner", "--out", str(out), "--set", f"data.train={train}", "--set", f"data.test={train}"]
    assert main([*argv, *(["--set", setting] if setting else []), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and __import__("re").search(message, err), err
    assert not (out / "model.safetensors").exists()


def test_train_without_a_test_file_says_what_to_add(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    train = write_corpus(tmp_path / "train.conll", 5, seed=0)
    assert (
        main(["train", "ner", "--out", str(tmp_path / "run"), "--set", f"data.train={train}", "--quiet"]) == 2
    )
    assert "--set data.test=FILE" in capsys.readouterr().err


@needs_mirror
def test_conll2003_has_the_published_counts() -> None:
    from rnnkit.data.datasets.conll2003 import load_conll2003
    from rnnkit.data.tag_schemes import entities

    valid = load_conll2003("validation")
    assert len(valid) == 3250 and sum(len(s.tokens) for s in valid) == 51_362
    kinds = [kind for s in valid for kind, _, _ in entities(s.tags or [])]
    assert {k: kinds.count(k) for k in set(kinds)} == {"PER": 1842, "LOC": 1837, "ORG": 1341, "MISC": 922}
    train = load_conll2003("train")
    assert len(train) == 14_041 and train[-1].document == 945


def test_singletons_are_read_as_unknown_at_the_set_rate_in_training_only() -> None:
    from rnnkit.data.conll import TaggedSentence
    from rnnkit.recipes.ner_config import NerData
    from rnnkit.recipes.ner_data import build_vocabularies, encode_split

    tokens = ["the", "cat", "the", "dog", "the", "eel"]  # "cat", "dog", "eel" are singletons
    sentences = [TaggedSentence(tokens, ["O"] * len(tokens), "demo:1", 0)]
    data = NerData(singleton_unk=0.5)
    vocabularies = build_vocabularies(sentences, data)
    words = vocabularies[0]
    torch.manual_seed(0)
    training = encode_split(sentences, vocabularies, data, train=True)
    draws = [training[0].words for _ in range(2000)]
    the, unk = words.stoi["the"], words.unk_id
    assert all(d[0] == d[2] == d[4] == the for d in draws)  # a word seen three times is never replaced
    replaced = sum(d[i] == unk for d in draws for i in (1, 3, 5)) / (3 * len(draws))
    assert 0.47 < replaced < 0.53  # 6,000 draws at p = 0.5: the standard deviation is 0.0065
    assert {d[1] for d in draws} == {words.stoi["cat"], unk}
    held_out = encode_split(sentences, vocabularies, data)  # validation, test: words as they are
    assert held_out[0].words == [words.stoi[t] for t in tokens]
    with pytest.raises(ValueError, match="data.singleton_unk must be in"):
        NerData(singleton_unk=1.0)
