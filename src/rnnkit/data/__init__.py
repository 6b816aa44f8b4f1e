"""rnnkit.data: files on disk to padded ``(batch, time)`` batches.

- :mod:`~rnnkit.data.download`: where data lives (``RNNKIT_DATA``), SHA-256 verification, downloads.
- :mod:`~rnnkit.data.text`: word tokenisation of review text.
- :mod:`~rnnkit.data.vocab`: token <-> id with padding and unknown ids, saved as JSON.
- :mod:`~rnnkit.data.batching`: ``pad_sequences`` (ids + lengths) and length-bucketed batch sampling.
- :mod:`~rnnkit.data.splits`: validation splits that hold out whole groups (movies, speakers).
- :mod:`~rnnkit.data.datasets`: one loader per dataset (IMDB, MNIST).

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
    from .datasets import (
        IMDB_ARCHIVE,
        MNIST_NPZ,
        imdb_structural_check,
        load_imdb,
        load_imdb_splits,
        load_mnist,
        mnist_structural_check,
    )
    from .download import DownloadError, RemoteFile, data_root, fetch, sha256_of
    from .splits import group_split, random_split
    from .text import tokenize
    from .vocab import Vocab

__all__ = [
    "IMDB_ARCHIVE",
    "MNIST_NPZ",
    "BucketBatchSampler",
    "DownloadError",
    "RemoteFile",
    "Vocab",
    "data_root",
    "fetch",
    "group_split",
    "imdb_structural_check",
    "load_imdb",
    "load_imdb_splits",
    "load_mnist",
    "mnist_structural_check",
    "pad_sequences",
    "padding_fraction",
    "random_split",
    "sha256_of",
    "tokenize",
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
    "DownloadError": ".download",
    "RemoteFile": ".download",
    "data_root": ".download",
    "fetch": ".download",
    "sha256_of": ".download",
    "group_split": ".splits",
    "random_split": ".splits",
    "tokenize": ".text",
    "Vocab": ".vocab",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
