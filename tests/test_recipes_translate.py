"""The translate recipe end to end on a tiny synthetic language (reversing word order) and on Multi30k's
files: subwords learnt on training text only, BLEU computed by sacreBLEU on detokenised output, batched
beam search equal to one sentence at a time, the CLI, and bad input."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest
import torch

pytest.importorskip("sentencepiece")
pytest.importorskip("sacrebleu")

from rnnkit.cli import main  # noqa: E402
from rnnkit.data.parallel import read_parallel  # noqa: E402
from rnnkit.data.subwords import UNK_ID, SubwordTokenizer  # noqa: E402
from rnnkit.recipes.translate_decode import bleu  # noqa: E402

WORDS = ["ant", "bee", "cat", "dog", "eel", "fox", "gnu", "hen", "owl", "yak"]
needs_mirror = pytest.mark.skipif(not os.environ.get("RNNKIT_DATA"), reason="needs the dataset mirror")

# a model that learns the reversal in seconds: no dropout or smoothing, small, one thread
TINY = [
    "--set", "model.embedding_dim=32", "--set", "model.encoder.hidden_size=32",
    "--set", "model.decoder_hidden_size=32", "--set", "model.dropout=0.0",
    "--set", "model.label_smoothing=0.0", "--set", "data.vocab_size=40",
    "--set", "train.epochs=20", "--set", "train.batch_size=32", "--set", "train.lr=0.01",
    "--set", "train.early_stopping_patience=20", "--set", "train.scheduler=none",
    "--set", "decode.beam_size=3", "--quiet",
]  # fmt: skip


def write_reversal(folder: Path, pairs: int = 2000, seed: int = 0) -> tuple[Path, Path]:
    """``src.txt``: 3-6 distinct random words a line; ``tgt.txt``: the same words in reverse order.

    Distinct words keep the task one of attention by content: with repeats ("yak yak yak") a small model
    trained for seconds sometimes drops one copy, and how often depends on the CPU's rounding."""
    rng = random.Random(seed)
    sources = [" ".join(rng.sample(WORDS, rng.randint(3, 6))) for _ in range(pairs)]
    (folder / "src.txt").write_text("".join(s + "\n" for s in sources), encoding="utf-8")
    (folder / "tgt.txt").write_text(
        "".join(" ".join(s.split()[::-1]) + "\n" for s in sources), encoding="utf-8"
    )
    return folder / "src.txt", folder / "tgt.txt"


@pytest.fixture(scope="module")
def reversal_run(tmp_path_factory) -> Path:
    """One trained run on the reversal language, shared by the tests below (about 40 s on one thread)."""
    folder = tmp_path_factory.mktemp("reversal")
    src, tgt = write_reversal(folder)
    out = folder / "run"
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        argv = [
            "train",
            "translate",
            "--out",
            str(out),
            "--set",
            f"data.source={src}",
            "--set",
            f"data.target={tgt}",
        ]
        assert main([*argv, *TINY]) == 0
    finally:
        torch.set_num_threads(threads)
    return out


def test_the_model_learns_to_reverse_a_tiny_language(reversal_run: Path) -> None:
    summary = json.loads((reversal_run / "test_metrics.json").read_text())
    assert summary["test_part"] == "the validation part (no test files)"
    # train.seed 0-7 scored 99.1-100 here; asking exactly 100 failed on another CPU's rounding
    assert summary["test_bleu_greedy"] >= 97.0 and summary["test_bleu_beam3"] >= 97.0
    assert summary["bleu_signature"].startswith("nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp")
    translations = (reversal_run / "test_translations.txt").read_text().splitlines()
    references = Path(str(reversal_run.parent / "tgt.txt")).read_text().splitlines()[-len(translations) :]
    exact = sum(t == r for t, r in zip(translations, references, strict=True))
    assert exact >= 0.97 * len(references)
    assert (reversal_run / "attention.png").read_bytes()[:4] == b"\x89PNG"
    assert (reversal_run / "source_subwords.model").is_file() and (
        reversal_run / "target_subwords.model"
    ).is_file()


def test_translate_cli_prints_and_writes_translations_and_draws_attention(
    reversal_run, tmp_path, capsys
) -> None:
    assert main(["translate", str(reversal_run), "cat dog eel", "owl yak ant bee"]) == 0
    assert capsys.readouterr().out.splitlines() == ["eel dog cat", "bee ant yak owl"]
    inputs = tmp_path / "in.txt"
    inputs.write_text("fox gnu hen\nbee dog cat\n")
    out, plot = tmp_path / "out.txt", tmp_path / "attention.png"
    argv = ["translate", str(reversal_run), "--file", str(inputs), "--output", str(out), "--beam", "1"]
    assert main([*argv, "--plot-attention", str(plot)]) == 0
    assert out.read_text().splitlines() == ["hen gnu fox", "cat dog bee"]
    assert plot.read_bytes()[:4] == b"\x89PNG"


def test_evaluate_scores_any_pair_of_files_with_sacrebleu(reversal_run, tmp_path, capsys) -> None:
    src, ref = tmp_path / "s.txt", tmp_path / "r.txt"
    src.write_text("cat dog eel\nowl yak ant bee\n")
    ref.write_text("eel dog cat\nbee ant yak owl\n")
    assert main(["evaluate", str(reversal_run), "--source", str(src), "--reference", str(ref)]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["file_bleu_greedy"] == 100.0 and figures["file_examples"] == 2
    assert figures["file_loss"] < 0.5 and "file_perplexity" in figures


def test_bad_input_gets_one_line_and_exit_code_2(reversal_run, tmp_path, capsys) -> None:
    assert main(["translate", str(reversal_run), "   "]) == 2
    assert "empty sentence" in capsys.readouterr().err
    gappy = tmp_path / "gappy.txt"
    gappy.write_text("cat dog\n\nowl\n")
    assert (
        main(["translate", str(reversal_run), "--file", str(gappy), "--output", str(tmp_path / "o.txt")]) == 2
    )
    assert "line 2 is empty" in capsys.readouterr().err and not (tmp_path / "o.txt").exists()
    src, ref = tmp_path / "s.txt", tmp_path / "r.txt"
    src.write_text("a\nb\nc\n")
    ref.write_text("a\nb\n")
    assert main(["evaluate", str(reversal_run), "--source", str(src), "--reference", str(ref)]) == 2
    err = capsys.readouterr().err.strip()
    assert "has 3 lines" in err and "has 2" in err and len(err.splitlines()) == 1
    argv = ["train", "translate", "--out", str(tmp_path / "r"), "--set", f"data.source={src}"]
    assert main(argv) == 2
    assert "data.source and data.target go together" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()  # nothing written before the inputs are checked


def test_long_and_unknown_sources_are_cut_or_read_as_unk_with_a_warning(reversal_run, capsys, caplog) -> None:
    config = json.loads((reversal_run / "config.json").read_text())["config"]
    limit = config["data"]["max_source_tokens"]
    long_sentence = " ".join(["cat"] * (limit + 5))
    assert main(["translate", str(reversal_run), long_sentence, "cat 日本 dog"]) == 0
    warnings = caplog.text
    assert "its last 5 were cut" in warnings and "1 subword(s) the training text never had" in warnings
    assert len(capsys.readouterr().out.splitlines()) == 2


def test_batched_beam_search_equals_beam_one_sentence_at_a_time(reversal_run) -> None:
    from rnnkit.recipes.runner import open_run
    from rnnkit.recipes.translate_data import source_batch

    trained = open_run(reversal_run)
    model, artifacts = trained.load_model()
    source_tok = artifacts["tokenizers"][0]
    sentences = ["cat", "dog eel fox", "owl yak ant bee hen", "gnu gnu", "bee cat dog eel fox gnu"]
    src, lengths, _, _ = source_batch(sentences, source_tok, 100)
    tokens, out_lengths = model.translate(src, lengths, beam_size=4, max_length=12)[:2]
    for i, sentence in enumerate(sentences):
        one, one_lengths, _, _ = source_batch([sentence], source_tok, 100)
        alone, alone_lengths = model.translate(one, one_lengths, beam_size=4, max_length=12)[:2]
        n = int(alone_lengths[0])
        assert n == int(out_lengths[i]) and tokens[i, :n].tolist() == alone[0, :n].tolist()


def test_subwords_round_trip_text_and_count_unknown_characters() -> None:
    text = ["Zwei Männer stehen am Straßenrand.", 'A café in Zürich, "open" 24/7!'] * 30
    tok = SubwordTokenizer.train(text, vocab_size=60)
    for sentence in (*text[:2], "Zwei Männer in Zürich.", "  Zwei   Männer  "):
        assert tok.decode(tok.encode(sentence)) == " ".join(sentence.split())
    ids = tok.encode("Männer 日本")
    assert tok.unknown(ids) >= 1 and UNK_ID in ids
    again = SubwordTokenizer(tok.to_bytes())
    assert again.encode(text[0]) == tok.encode(text[0]) and len(again) == len(tok)


def test_our_bleu_is_sacrebleus_on_fixed_strings() -> None:
    import sacrebleu

    hypotheses = ["Ein Mann fährt Fahrrad.", "Zwei Hunde spielen im Schnee.", "Eine Frau, die singt."]
    references = ["Ein Mann fährt ein Fahrrad.", "Zwei Hunde spielen im Schnee.", "Eine Frau singt."]
    ours = bleu(hypotheses, references)
    assert ours["bleu"] == round(sacrebleu.corpus_bleu(hypotheses, [references]).score, 2)
    lower = sacrebleu.corpus_bleu([h.upper() for h in hypotheses], [references], lowercase=True).score
    assert bleu([h.upper() for h in hypotheses], references)["bleu_lowercase"] == round(lower, 2)
    assert bleu(references, references)["bleu"] == 100.0
    with pytest.raises(ValueError, match="3 hypotheses but 2 references"):
        bleu(hypotheses, references[:2])


def test_label_smoothing_loss_is_the_textbook_formula() -> None:
    from rnnkit.models.seq2seq import token_loss

    g = torch.Generator().manual_seed(0)
    logits = torch.randn(2, 3, 5, generator=g, dtype=torch.float64)
    targets = torch.tensor([[1, 4, 0], [2, 0, 0]])  # 0 is padding
    eps = 0.2
    log_p = logits.log_softmax(-1)
    terms = [
        -(1 - eps) * log_p[b, t, targets[b, t]] - eps / 5 * log_p[b, t].sum()
        for b in range(2)
        for t in range(3)
        if targets[b, t] != 0
    ]
    expected = torch.stack(terms).mean()
    torch.testing.assert_close(token_loss(logits, targets, pad_id=0, smoothing=eps), expected)


def test_misaligned_files_name_both_counts(tmp_path) -> None:
    a, b = tmp_path / "a.en", tmp_path / "b.de"
    a.write_text("one\ntwo\n")
    b.write_text("eins\n")
    with pytest.raises(ValueError, match=r"a\.en has 2 lines but the target file .*b\.de has 1"):
        read_parallel(a, b)
    b.write_bytes(b"eins\n\xffzwei\n")
    with pytest.raises(ValueError, match="not UTF-8 text: byte 0xff at line 2"):
        read_parallel(a, b)


@needs_mirror
def test_multi30k_splits_are_aligned_with_their_official_counts() -> None:
    from rnnkit.data.datasets.multi30k import LINES, load_multi30k

    root = os.environ["RNNKIT_DATA"]
    for split, count in LINES.items():
        en, de = load_multi30k(split, "en", root), load_multi30k(split, "de", root)
        assert len(en) == len(de) == count
    assert load_multi30k("test", "en", root)[0] == "A man in an orange hat starring at something."
    assert (
        load_multi30k("test", "de", root)[0] == "Ein Mann mit einem orangefarbenen Hut, der etwas anstarrt."
    )
