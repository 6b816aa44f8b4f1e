"""rnnkit.data: files on disk to padded ``(batch, time)`` batches.

- :mod:`~rnnkit.data.download`: where data lives (``RNNKIT_DATA``), SHA-256 verification, downloads.
- :mod:`~rnnkit.data.text`: word tokenisation of review text.
- :mod:`~rnnkit.data.vocab`: token <-> id with padding and unknown ids, saved as JSON.
- :mod:`~rnnkit.data.batching`: ``pad_sequences`` (ids + lengths) and length-bucketed batch sampling.
- :mod:`~rnnkit.data.splits`: validation splits that hold out whole groups (movies, speakers).
- :mod:`~rnnkit.data.series`: a loaded time series (values, columns, timestamps, targets, frequency).
- :mod:`~rnnkit.data.csv_table`, :mod:`~rnnkit.data.missing`, :mod:`~rnnkit.data.categorical`: CSV
  columns with located errors, missing-value filling, one-hot categorical columns.
- :mod:`~rnnkit.data.windows`: (look-back, horizon) windows and time-ordered train/validation/test parts.
- :mod:`~rnnkit.data.scaling`: per-column standardisation fitted on the training part, saved as JSON.
- :mod:`~rnnkit.data.datasets`: one loader per dataset (IMDB, MNIST, sunspots, airline, ETT, Weather,
  PM2.5, any CSV).

Example:
    >>> vocab = Vocab.build([tokenize("A good film."), tokenize("A bad film!")])
    >>> ids, lengths = pad_sequences(vocab.encode_all([tokenize("a good one"), tokenize("<br />")]))
    >>> ids.shape, lengths.tolist()
    (torch.Size([2, 3]), [3, 1])
"""

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from .batching import BucketBatchSampler, pad_sequences, padding_fraction
    from .categorical import one_hot
    from .datasets import (
        IMDB_ARCHIVE,
        MNIST_NPZ,
        imdb_structural_check,
        load_airline,
        load_csv_series,
        load_ett,
        load_imdb,
        load_imdb_splits,
        load_mnist,
        load_pm25,
        load_sunspots,
        load_weather,
        mnist_structural_check,
    )
    from .download import DownloadError, RemoteFile, data_root, fetch, sha256_of
    from .missing import fill_missing
    from .scaling import StandardScaler
    from .series import Series, infer_frequency
    from .splits import group_split, random_split
    from .text import tokenize
    from .vocab import Vocab
    from .windows import (
        Part,
        TimeSplit,
        WindowDataset,
        ett_hour_split,
        split_by_fraction,
        split_by_rows,
        window_starts,
    )

__all__ = [
    "IMDB_ARCHIVE",
    "MNIST_NPZ",
    "BucketBatchSampler",
    "DownloadError",
    "Part",
    "RemoteFile",
    "Series",
    "StandardScaler",
    "TimeSplit",
    "Vocab",
    "WindowDataset",
    "data_root",
    "ett_hour_split",
    "fetch",
    "fill_missing",
    "group_split",
    "imdb_structural_check",
    "infer_frequency",
    "load_airline",
    "load_csv_series",
    "load_ett",
    "load_imdb",
    "load_imdb_splits",
    "load_mnist",
    "load_pm25",
    "load_sunspots",
    "load_weather",
    "mnist_structural_check",
    "one_hot",
    "pad_sequences",
    "padding_fraction",
    "random_split",
    "sha256_of",
    "split_by_fraction",
    "split_by_rows",
    "tokenize",
    "window_starts",
]

_EXPORTS = {
    "BucketBatchSampler": ".batching",
    "pad_sequences": ".batching",
    "padding_fraction": ".batching",
    "IMDB_ARCHIVE": ".datasets",
    "MNIST_NPZ": ".datasets",
    "imdb_structural_check": ".datasets",
    "load_imdb": ".datasets",
    "load_imdb_splits": ".datasets",
    "load_mnist": ".datasets",
    "mnist_structural_check": ".datasets",
    "load_airline": ".datasets",
    "load_csv_series": ".datasets",
    "load_ett": ".datasets",
    "load_pm25": ".datasets",
    "load_sunspots": ".datasets",
    "load_weather": ".datasets",
    "one_hot": ".categorical",
    "fill_missing": ".missing",
    "StandardScaler": ".scaling",
    "Series": ".series",
    "infer_frequency": ".series",
    "DownloadError": ".download",
    "RemoteFile": ".download",
    "data_root": ".download",
    "fetch": ".download",
    "sha256_of": ".download",
    "group_split": ".splits",
    "random_split": ".splits",
    "tokenize": ".text",
    "Vocab": ".vocab",
    "Part": ".windows",
    "TimeSplit": ".windows",
    "WindowDataset": ".windows",
    "ett_hour_split": ".windows",
    "split_by_fraction": ".windows",
    "split_by_rows": ".windows",
    "window_starts": ".windows",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
