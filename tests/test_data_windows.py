"""rnnkit.data.windows: no window leaks the future, every test window is scored, the LTSF borders.

The series is ``arange``: each value is its own row index, so a window's x and y say exactly which rows
they read, and an off-by-one at any border shows up as a wrong index.
"""

from __future__ import annotations

import numpy as np
import pytest

from rnnkit.data.windows import (
    Part,
    WindowDataset,
    ett_hour_split,
    split_by_fraction,
    split_by_rows,
    window_starts,
)

ETT_ROWS = 17420
WEATHER_ROWS = 52696


def index_series(n_rows: int) -> tuple[np.ndarray, np.ndarray]:
    """values (T, 2) and targets (T, 1) whose entries are their own row index (column 1 is -index)."""
    rows = np.arange(n_rows, dtype=np.float64)
    return np.stack([rows, -rows], axis=1), rows[:, None]


def windows_of(part: Part, n_rows: int, lookback: int, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    values, targets = index_series(n_rows)
    x, y = WindowDataset.of_part(values, targets, part, lookback, horizon).arrays()
    return x[:, :, 0].astype(np.int64), y[:, :, 0].astype(np.int64)  # (N, L) and (N, H) row indices


def check_part(part: Part, n_rows: int, lookback: int, horizon: int, expected_count: int) -> None:
    x, y = windows_of(part, n_rows, lookback, horizon)
    assert len(x) == expected_count
    assert (np.diff(x, axis=1) == 1).all() and (np.diff(y, axis=1) == 1).all()  # consecutive rows
    assert (x[:, -1] + 1 == y[:, 0]).all()  # each x ends right before its y
    assert x.min() >= part.context_start  # look-back only where the part may read
    assert y.min() == max(part.start, part.context_start + lookback)  # the first possible target
    assert y.max() == part.stop - 1  # ... up to the part's last row: no window dropped at the end
    assert (np.diff(y[:, 0]) == 1).all()  # stride 1, no gap between windows
    # every row the part owns (after the first look-back) is a target of some window
    assert set(np.unique(y)) == set(range(y.min(), part.stop))


@pytest.mark.parametrize(("lookback", "horizon"), [(96, 96), (336, 192), (720, 720), (512, 336), (1, 1)])
def test_ett_hour_split_borders_and_counts(lookback: int, horizon: int) -> None:
    split = ett_hour_split(lookback, n_rows=ETT_ROWS)
    assert [(p.name, p.start, p.stop) for p in split] == [
        ("train", 0, 8640),
        ("validation", 8640, 11520),
        ("test", 11520, 14400),
    ]
    assert [p.context_start for p in split] == [0, 8640 - lookback, 11520 - lookback]
    check_part(split.train, ETT_ROWS, lookback, horizon, 8640 - lookback - horizon + 1)
    check_part(split.validation, ETT_ROWS, lookback, horizon, 2880 - horizon + 1)
    check_part(split.test, ETT_ROWS, lookback, horizon, 2880 - horizon + 1)  # every test window


@pytest.mark.parametrize(("lookback", "horizon"), [(96, 96), (336, 720)])
def test_no_target_crosses_a_border(lookback: int, horizon: int) -> None:
    split = ett_hour_split(lookback)
    (_, y_train), (x_val, y_val), (x_test, y_test) = (
        windows_of(p, ETT_ROWS, lookback, horizon) for p in split
    )
    assert y_train.max() == 8639 < 8640 == y_val.min()  # last train target < first validation target
    assert y_val.max() == 11519 < 11520 == y_test.min()
    # validation and test look-backs start exactly L rows before their part: the previous part's tail
    assert x_val.min() == 8640 - lookback and x_test.min() == 11520 - lookback
    assert x_val[0, -1] == 8639 and x_test[0, -1] == 11519


def test_weather_fraction_split() -> None:
    lookback, horizon = 96, 96
    split = split_by_fraction(WEATHER_ROWS, lookback)
    n_train, n_test = int(WEATHER_ROWS * 0.7), int(WEATHER_ROWS * 0.2)
    assert (n_train, n_test) == (36887, 10539)
    assert (split.train.stop, split.validation.stop, split.test.stop) == (36887, 36887 + 5270, 52696)
    check_part(split.train, WEATHER_ROWS, lookback, horizon, 36887 - lookback - horizon + 1)
    check_part(split.validation, WEATHER_ROWS, lookback, horizon, 5270 - horizon + 1)
    check_part(split.test, WEATHER_ROWS, lookback, horizon, 10539 - horizon + 1)


def test_without_overlap_each_part_reads_only_its_own_rows() -> None:
    n, lookback, horizon = 100, 5, 3
    split = split_by_rows(60, 80, 100, lookback, overlap=False)
    for part in split:
        assert part.context_start == part.start
        x, y = windows_of(part, n, lookback, horizon)
        assert x.min() == part.start and y.max() == part.stop - 1
        assert len(x) == part.n_rows - lookback - horizon + 1


def test_window_starts_are_every_start() -> None:
    part = Part("test", 10, 30, 7)
    starts = window_starts(part, lookback=3, horizon=4)
    assert starts.tolist() == list(range(7, 30 - 4 - 3 + 1))
    assert starts.dtype == np.int64
    # a longer look-back than the context allows moves the first origin later, never before start
    assert window_starts(part, lookback=5, horizon=4)[0] == 7
    # a context reaching further back than L never lets a target before the part's start
    wide = Part("test", 10, 30, 0)
    assert window_starts(wide, lookback=3, horizon=4)[0] == 7
    check_part(wide, 40, 3, 4, 30 - 4 - 10 + 1)


def test_dataset_items_are_views() -> None:
    values, targets = index_series(20)
    data = WindowDataset(values, targets, 4, 2, [0, 3, 14])
    assert len(data) == 3 and data.origins.tolist() == [4, 7, 18]
    x, y = data[1]
    assert x.shape == (4, 2) and y.shape == (2, 1)
    assert x[:, 0].tolist() == [3, 4, 5, 6] and y[:, 0].tolist() == [7, 8]
    assert np.shares_memory(x, values) and np.shares_memory(y, targets)
    assert data[-1][1][:, 0].tolist() == [18, 19]
    with pytest.raises(IndexError):
        data[3]
    xs, ys = data.arrays([2, 0])
    assert xs.shape == (2, 4, 2) and ys.shape == (2, 2, 1)
    assert np.array_equal(xs[0], data[2][0]) and np.array_equal(ys[1], data[0][1])
    assert not np.shares_memory(xs, values)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: window_starts(Part("test", 5, 10, 5), 3, 0), "horizon must be at least 1 row; got 0"),
        (lambda: window_starts(Part("test", 5, 10, 5), 0, 1), "lookback must be at least 1"),
        (lambda: window_starts(Part("test", 5, 10, 5), True, 1), "lookback must be a whole number"),
        (lambda: window_starts(Part("test", 5, 10, 5), 2.0, 1), "lookback must be a whole number"),
        (lambda: window_starts(Part("test", 5, 10, 5), 3, 3), r"the test part \(rows 5..9.*needs at least 3"),
        (lambda: split_by_rows(10, 5, 20, 2), "borders must increase"),
        (lambda: split_by_rows(10, 15, 20, 11), "look-back 11 is longer than the training part"),
        (lambda: split_by_fraction(100, 2, train=0.9, test=0.2), "train \\+ test < 1"),
        (lambda: ett_hour_split(96, n_rows=9000), "only 9000 rows"),
        (lambda: Part("x", 5, 5, 0), "context_start <= start < stop"),
        (lambda: WindowDataset(*index_series(10), 3, 2, [6]), r"window start\(s\) \[6\] outside 0..5"),
        (lambda: WindowDataset(np.zeros((10, 2)), np.zeros((9, 1)), 3, 2, [0]), "same T"),
    ],
)
def test_bad_input_is_one_clear_error(call, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        call()
