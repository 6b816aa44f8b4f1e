"""Character features and the tagger that reads them: a padded batch gives each sentence what it gives
alone (characters, case, CRF and lengths together), for both readers; gradients reach every input."""

from __future__ import annotations

import pytest
import torch

from rnnkit.models.char_features import CharFeatures
from rnnkit.models.config import RNNConfig, TaggerConfig
from rnnkit.models.tagger import SequenceTagger


def sentence(seed: int, length: int, width: int = 6) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Word ids (T,), character ids (T, W) with words of 1..W characters, case ids (T,)."""
    g = torch.Generator().manual_seed(seed)
    words = torch.randint(1, 30, (length,), generator=g)
    chars = torch.zeros(length, width, dtype=torch.long)
    for t in range(length):
        n = int(torch.randint(1, width + 1, (1,), generator=g))
        chars[t, :n] = torch.randint(1, 20, (n,), generator=g)
    case = torch.randint(1, 8, (length,), generator=g)
    return words, chars, case


def batch(
    items: list[tuple[torch.Tensor, torch.Tensor, torch.Tensor]], width: int = 9
) -> tuple[torch.Tensor, ...]:
    B, T = len(items), max(len(w) for w, _, _ in items)
    words, chars, case = (
        torch.zeros(B, T, dtype=torch.long),
        torch.zeros(B, T, width, dtype=torch.long),
        torch.zeros(B, T, dtype=torch.long),
    )
    for b, (w, c, k) in enumerate(items):
        words[b, : len(w)], chars[b, : len(w), : c.shape[1]], case[b, : len(w)] = w, c, k
    return words, torch.tensor([len(w) for w, _, _ in items]), chars, case


@pytest.mark.parametrize("kind", ["cnn", "lstm"])
def test_a_padded_batch_equals_each_sentence_alone(kind: str) -> None:
    torch.manual_seed(0)
    config = TaggerConfig(
        num_tags=5, vocab_size=30, embedding_dim=8, head="crf",
        rnn=RNNConfig(hidden_size=8, bidirectional=True),
        char_features=kind, char_vocab_size=20, char_embedding_dim=5, char_hidden_size=4, case_classes=8,
        case_embedding_dim=3,
    )  # fmt: skip
    tagger = SequenceTagger(config).double().eval()
    items = [sentence(0, 5), sentence(1, 2), sentence(2, 7)]
    words, lengths, chars, case = batch(items)
    emissions = tagger(words, lengths, chars=chars, case=case)
    paths = tagger.predict(words, lengths, chars=chars, case=case)
    for b, (w, c, k) in enumerate(items):
        alone = tagger(w[None], chars=c[None], case=k[None])[0]
        torch.testing.assert_close(emissions[b, : len(w)], alone, rtol=0, atol=1e-12)
        assert paths[b] == tagger.predict(w[None], chars=c[None], case=k[None])[0]
        assert emissions[b, len(w) :].abs().max() == 0 if len(w) < emissions.shape[1] else True
    tags = torch.zeros_like(words)
    loss = tagger.loss(words, tags, lengths, chars=chars, case=case)
    loss.backward()
    assert tagger.chars is not None and tagger.case is not None
    for module in (tagger.chars, tagger.case, tagger.embedding, tagger.crf):
        assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in module.parameters())


def test_the_cnn_word_vector_is_the_max_over_its_characters_by_hand() -> None:
    torch.manual_seed(0)
    reader = CharFeatures("cnn", vocab_size=10, embedding_dim=3, hidden_size=2, kernel_size=3).double()
    word = torch.tensor([[[4, 5, 6, 0, 0]]])  # one word of three characters, two of padding
    e = reader.embedding.weight[torch.tensor([4, 5, 6])]  # (3, E)
    padded = torch.cat([torch.zeros(1, 3, dtype=e.dtype), e, torch.zeros(1, 3, dtype=e.dtype)])  # (5, E)
    assert reader.conv is not None
    W, b = reader.conv.weight, reader.conv.bias  # (F, E, k), (F,)
    scores = torch.stack([(W * padded[i : i + 3].T).sum((1, 2)) + b for i in range(3)])  # (3, F)
    torch.testing.assert_close(reader(word)[0, 0], scores.max(0).values, rtol=0, atol=1e-12)


def test_features_the_config_lacks_or_misses_are_named() -> None:
    tagger = SequenceTagger(TaggerConfig(num_tags=3, vocab_size=10, embedding_dim=4))
    with pytest.raises(ValueError, match="chars given, but the config has no chars features"):
        tagger(torch.ones(1, 2, dtype=torch.long), chars=torch.ones(1, 2, 3, dtype=torch.long))
    with_chars = SequenceTagger(
        TaggerConfig(num_tags=3, vocab_size=10, char_features="cnn", char_vocab_size=5)
    )
    with pytest.raises(ValueError, match=r"chars must be given with shape \(1, 2, ...\), got None"):
        with_chars(torch.ones(1, 2, dtype=torch.long))
    with pytest.raises(ValueError, match="char_vocab_size must be >= 2"):
        SequenceTagger(TaggerConfig(num_tags=3, vocab_size=10, char_features="lstm"))


def test_word_dropout_reads_dropped_words_as_unknown_and_leaves_padding() -> None:
    from rnnkit.models.embedding import build_embedding, embed_tokens

    torch.manual_seed(0)
    embedding = build_embedding(10, 4, padding_idx=0)
    ids = torch.tensor([[5] * 200 + [0] * 200])
    with torch.no_grad():
        dropped = embed_tokens("demo", embedding, ids, token_dropout=0.3, unk_id=1, padding_idx=0)
    unk, word = embedding.weight[1], embedding.weight[5]
    read_as_unk = (dropped[0] == unk).all(1)
    assert 0.2 < read_as_unk[:200].float().mean() < 0.4  # about p of the words
    assert (dropped[0, :200][~read_as_unk[:200]] == word).all() and (dropped[0, 200:] == 0).all()
    embedding.eval()
    assert (embed_tokens("demo", embedding, ids, token_dropout=0.3, unk_id=1)[0, :200] == word).all()
