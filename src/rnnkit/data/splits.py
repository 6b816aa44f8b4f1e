"""Held-out splits: example by example (:func:`random_split`) or group by group (:func:`group_split`).

A validation split drawn example by example puts reviews of the same movie (or recordings of the same
speaker) on both sides, so validation accuracy rewards memorising the movie and reads higher than
test accuracy on unseen movies. :func:`group_split` holds out whole groups instead.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import torch


def random_split(size: int, fraction: float, seed: int = 0) -> tuple[list[int], list[int]]:
    """Indices ``(held_out, kept)``: ``round(fraction * size)`` examples drawn at random, seeded.

    Both lists are in the drawn (random) order.

    Example:
        >>> held_out, kept = random_split(10, 0.2, seed=0)
        >>> len(held_out), sorted(held_out + kept) == list(range(10))
        (2, True)
    """
    if not 0.0 <= fraction < 1.0:
        raise ValueError(f"random_split: fraction must be in [0, 1), got {fraction}.")
    order = torch.randperm(size, generator=torch.Generator().manual_seed(seed)).tolist()
    n_held = round(fraction * size)
    return order[:n_held], order[n_held:]


def group_split(groups: Sequence[Hashable], fraction: float, seed: int = 0) -> tuple[list[int], list[int]]:
    """Indices ``(held_out, kept)``: whole groups, in a seeded random order, until ``fraction`` is held out.

    Groups are taken until at least ``round(fraction * len(groups))`` examples are held out, so the
    held-out share overshoots by less than one group. Both index lists are sorted.

    Args:
        groups: the group of each example (a movie id, a speaker).
        fraction: share of examples to hold out, in ``[0, 1)``.
        seed: the order in which groups are drawn.

    Example:
        >>> movies = ["a", "a", "b", "b", "c", "c"]
        >>> held_out, kept = group_split(movies, 1 / 3, seed=0)
        >>> len(held_out), len({movies[i] for i in held_out}), len(kept)
        (2, 1, 4)
    """
    if not 0.0 <= fraction < 1.0:
        raise ValueError(f"group_split: fraction must be in [0, 1), got {fraction}.")
    members: dict[Hashable, list[int]] = {}
    for index, group in enumerate(groups):
        members.setdefault(group, []).append(index)
    order = torch.randperm(len(members), generator=torch.Generator().manual_seed(seed)).tolist()
    names = list(members)
    target = round(fraction * len(groups))
    held_out: list[int] = []
    for position in order:
        if len(held_out) >= target:
            break
        held_out.extend(members[names[position]])
    held = set(held_out)
    return sorted(held_out), [i for i in range(len(groups)) if i not in held]
