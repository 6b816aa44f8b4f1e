"""rnnkit.data.batching: Keras-style truncation, lengths, and length-bucketed batch sampling."""

from __future__ import annotations

import math

import pytest
import torch
from torch.utils.data import DataLoader

from rnnkit.data.batching import BucketBatchSampler, pad_sequences, padding_fraction

SEQUENCES = [[1, 2, 3, 4, 5], [6, 7], [8, 9, 10]]


# Expected outputs written by hand from Keras' documented semantics of
# pad_sequences(sequences, maxlen=3, padding="post", truncating=...): "pre" removes values from the
# beginning of longer sequences, "post" from the end; padding goes after each sequence.
@pytest.mark.parametrize(
    ("truncate", "expected"),
    [
        ("post", [[1, 2, 3], [6, 7, 0], [8, 9, 10]]),
        ("pre", [[3, 4, 5], [6, 7, 0], [8, 9, 10]]),
    ],
)
def test_truncation_like_keras(truncate: str, expected: list[list[int]]) -> None:
    ids, lengths = pad_sequences(SEQUENCES, max_len=3, truncate=truncate)
    assert ids.tolist() == expected
    assert lengths.tolist() == [3, 2, 3]
    assert ids.dtype == torch.long and lengths.dtype == torch.long


def test_without_max_len_pads_to_the_longest() -> None:
    ids, lengths = pad_sequences(SEQUENCES)
    assert ids.tolist() == [[1, 2, 3, 4, 5], [6, 7, 0, 0, 0], [8, 9, 10, 0, 0]]
    assert lengths.tolist() == [5, 2, 3]


def test_max_len_longer_than_every_sequence_still_sets_the_width() -> None:
    ids, lengths = pad_sequences([[1], [2, 3]], pad_id=-1, max_len=4)
    assert ids.tolist() == [[1, -1, -1, -1], [2, 3, -1, -1]]
    assert lengths.tolist() == [1, 2]


def test_tensor_and_mixed_inputs_match_lists() -> None:
    as_tensors = [torch.tensor(s, dtype=torch.int32) for s in SEQUENCES]
    mixed = [SEQUENCES[0], torch.tensor(SEQUENCES[1]), SEQUENCES[2]]
    for truncate in ("post", "pre"):
        expected = pad_sequences(SEQUENCES, max_len=4, truncate=truncate)
        for sequences in (as_tensors, mixed):
            ids, lengths = pad_sequences(sequences, max_len=4, truncate=truncate)
            assert torch.equal(ids, expected[0]) and torch.equal(lengths, expected[1])
            assert ids.dtype == torch.long


def test_padding_matches_a_per_row_oracle() -> None:
    generator = torch.Generator().manual_seed(0)
    sequences = [torch.randint(2, 50, (int(n),), generator=generator).tolist() for n in [7, 1, 12, 3, 12]]
    for max_len in (None, 1, 5, 20):
        for truncate in ("post", "pre"):
            ids, lengths = pad_sequences(sequences, pad_id=0, max_len=max_len, truncate=truncate)
            width = max_len or 12
            assert ids.shape == (5, width)
            for row, sequence, length in zip(ids.tolist(), sequences, lengths.tolist(), strict=True):
                kept = sequence[:width] if truncate == "post" else sequence[-width:]
                assert length == len(kept) and row == kept + [0] * (width - len(kept))


def test_empty_sequence_is_an_error_naming_its_index() -> None:
    with pytest.raises(ValueError, match=r"sequence 1 is empty.*Drop it"):
        pad_sequences([[1], [], [2]])
    with pytest.raises(ValueError, match="sequence 0 is empty"):
        pad_sequences([torch.tensor([], dtype=torch.long)])


@pytest.mark.parametrize(
    ("sequences", "kwargs", "error", "match"),
    [
        ([], {}, ValueError, "no sequences"),
        ([[1]], {"truncate": "middle"}, ValueError, "'post'.*'pre'"),
        ([[1]], {"max_len": 0}, ValueError, "max_len"),
        ([[1]], {"max_len": 2.5}, ValueError, "max_len"),
        ([[1, 2], [1.5]], {}, TypeError, "sequence 1 holds torch.float"),
        ([[1], torch.tensor([0.5])], {}, TypeError, "sequence 1 holds torch.float"),
        ([[1], [[1, 2], [3, 4]]], {}, ValueError, r"sequence 1 has shape \(2, 2\)"),
        ([[1], "ab"], {}, TypeError, "sequence 1"),
        ([[1], 7], {}, TypeError, "sequence 1 is a int"),
    ],
)
def test_bad_inputs(sequences, kwargs, error, match) -> None:
    with pytest.raises(error, match=match):
        pad_sequences(sequences, **kwargs)


def skewed_lengths(count: int = 2000) -> list[int]:
    """Review-like lengths: mostly short, a long tail."""
    generator = torch.Generator().manual_seed(1)
    log_lengths = 5.0 + 0.8 * torch.randn(count, generator=generator)  # log-normal, median ~150
    return log_lengths.exp().clamp(1, 3000).long().tolist()


@pytest.mark.parametrize("drop_last", [False, True])
@pytest.mark.parametrize("shuffle", [False, True])
def test_every_index_exactly_once_per_epoch(shuffle: bool, drop_last: bool) -> None:
    lengths = skewed_lengths(1003)
    sampler = BucketBatchSampler(
        lengths, batch_size=16, shuffle=shuffle, bucket_size_multiplier=5, drop_last=drop_last
    )
    for _ in range(2):
        batches = list(sampler)
        flat = [i for batch in batches for i in batch]
        assert len(batches) == len(sampler)
        if drop_last:
            assert all(len(batch) == 16 for batch in batches)
            assert len(flat) == len(set(flat)) == 1003 // 16 * 16
        else:
            assert sorted(flat) == list(range(1003))
            assert len(sampler) == math.ceil(1003 / 16)


def test_deterministic_given_the_generator() -> None:
    lengths = skewed_lengths()

    def epochs(seed: int) -> list[list[list[int]]]:
        sampler = BucketBatchSampler(lengths, 32, generator=torch.Generator().manual_seed(seed))
        return [list(sampler) for _ in range(3)]

    first, again, other = epochs(7), epochs(7), epochs(8)
    assert first == again
    assert first != other
    assert first[0] != first[1]  # a new shuffle each epoch


def test_without_a_generator_the_global_seed_decides() -> None:
    lengths = skewed_lengths(300)
    torch.manual_seed(3)
    first = list(BucketBatchSampler(lengths, 8))
    torch.manual_seed(3)
    assert list(BucketBatchSampler(lengths, 8)) == first


def test_bucketing_pads_much_less_than_random_batches() -> None:
    lengths = skewed_lengths()
    generator = torch.Generator().manual_seed(0)
    bucketed = list(BucketBatchSampler(lengths, 32, generator=generator))
    order = torch.randperm(len(lengths), generator=generator).tolist()
    random_batches = [order[i : i + 32] for i in range(0, len(order), 32)]
    bucketed_padding = padding_fraction(bucketed, lengths)
    random_padding = padding_fraction(random_batches, lengths)
    assert random_padding > 0.5  # the skew makes random batches mostly padding
    assert bucketed_padding < random_padding / 3


def test_unshuffled_batches_are_sorted_within_each_chunk() -> None:
    lengths = [5, 1, 4, 2, 9, 3, 8, 7]
    sampler = BucketBatchSampler(lengths, batch_size=2, shuffle=False, bucket_size_multiplier=2)
    assert list(sampler) == [[1, 3], [2, 0], [5, 7], [6, 4]]


def test_works_as_a_dataloader_batch_sampler() -> None:
    lengths = [3, 1, 2, 5, 4]
    sequences = [list(range(1, n + 1)) for n in lengths]
    sampler = BucketBatchSampler(lengths, batch_size=2, generator=torch.Generator().manual_seed(0))
    loader = DataLoader(sequences, batch_sampler=sampler, collate_fn=pad_sequences)
    seen = 0
    for ids, batch_lengths in loader:
        assert ids.shape[1] == int(batch_lengths.max())
        seen += len(batch_lengths)
    assert seen == len(lengths)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"batch_size": 0}, "batch_size"),
        ({"batch_size": 2, "bucket_size_multiplier": 0}, "bucket_size_multiplier"),
        ({"batch_size": 2.0}, "batch_size"),
    ],
)
def test_sampler_argument_errors(kwargs, match) -> None:
    with pytest.raises(ValueError, match=match):
        BucketBatchSampler([1, 2, 3], **kwargs)


def test_negative_length_is_named() -> None:
    with pytest.raises(ValueError, match=r"lengths\[1\] = -2"):
        BucketBatchSampler([1, -2], batch_size=1)


def test_padding_fraction_by_hand() -> None:
    assert padding_fraction([[0, 1], [2]], [4, 2, 3]) == pytest.approx(2 / 11)
    assert padding_fraction([], [1, 2]) == 0.0
    assert padding_fraction([[0, 1]], [3, 3]) == 0.0
