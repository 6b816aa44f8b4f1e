"""Dataset loaders, one module per dataset: each knows its official file, digest and format.

Example:
    >>> from rnnkit.data.datasets import IMDB_ARCHIVE, MNIST_NPZ
    >>> IMDB_ARCHIVE.folder, MNIST_NPZ.folder
    ('imdb', 'mnist')
"""

from .imdb import IMDB_ARCHIVE, IMDB_REPACKS, imdb_structural_check, load_imdb, load_imdb_splits
from .mnist import MNIST_NPZ, MNIST_REPACKS, load_mnist, mnist_structural_check

__all__ = [
    "IMDB_ARCHIVE",
    "IMDB_REPACKS",
    "MNIST_NPZ",
    "MNIST_REPACKS",
    "imdb_structural_check",
    "load_imdb",
    "load_imdb_splits",
    "load_mnist",
    "mnist_structural_check",
]
