"""rnnkit.data.splits.group_split: whole groups held out, seeded, the requested share."""

from __future__ import annotations

import pytest

from rnnkit.data import group_split, random_split


def test_groups_never_straddle_the_split_and_the_share_is_met() -> None:
    groups = [f"movie{i % 37}" for i in range(1000)]  # 37 groups of 27-28 examples
    held_out, kept = group_split(groups, 0.1, seed=3)
    assert sorted(held_out + kept) == list(range(1000))
    assert {groups[i] for i in held_out}.isdisjoint({groups[i] for i in kept})
    assert 100 <= len(held_out) < 100 + 28  # overshoots by less than one group


def test_seeded_and_seed_dependent() -> None:
    groups = [i // 3 for i in range(300)]
    assert group_split(groups, 0.2, seed=1) == group_split(groups, 0.2, seed=1)
    assert group_split(groups, 0.2, seed=1) != group_split(groups, 0.2, seed=2)


def test_zero_fraction_and_bad_fraction() -> None:
    assert group_split(["a", "b"], 0.0) == ([], [0, 1])
    with pytest.raises(ValueError, match="fraction must be in \\[0, 1\\), got 1.5"):
        group_split(["a"], 1.5)


def test_random_split_is_the_seeded_permutation_the_trainer_uses() -> None:
    import torch

    held_out, kept = random_split(50, 0.2, seed=4)
    order = torch.randperm(50, generator=torch.Generator().manual_seed(4)).tolist()
    assert (held_out, kept) == (order[:10], order[10:])
    with pytest.raises(ValueError, match="fraction must be in \\[0, 1\\), got -0.1"):
        random_split(5, -0.1)
