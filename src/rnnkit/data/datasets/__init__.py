"""Dataset loaders, one module per dataset: each knows its official file, digest and format.

Forecasting series (sunspots, airline, ETT, Weather, PM2.5, any CSV) load as
:class:`rnnkit.data.series.Series`.

Example:
    >>> from rnnkit.data.datasets import IMDB_ARCHIVE, MNIST_NPZ
    >>> IMDB_ARCHIVE.folder, MNIST_NPZ.folder
    ('imdb', 'mnist')
"""

from .airline import AIRLINE, AIRLINE_CSV, load_airline
from .csv_series import load_csv_series
from .ett import ETT, ETT_COLUMNS, ETTH1_CSV, ETTH2_CSV, load_ett
from .imdb import IMDB_ARCHIVE, IMDB_REPACKS, imdb_structural_check, load_imdb, load_imdb_splits
from .mnist import MNIST_NPZ, MNIST_REPACKS, load_mnist, mnist_structural_check
from .pm25 import PM25_CSV, PM25_REPACKS, load_pm25, pm25_structural_check
from .published_csv import PublishedCsv
from .shakespeare import SHAKESPEARE_TXT, load_tiny_shakespeare, shakespeare_structural_check
from .sunspots import SUNSPOTS, SUNSPOTS_CSV, load_sunspots
from .weather import WEATHER, WEATHER_COLUMNS, WEATHER_CSV, load_weather

__all__ = [
    "AIRLINE",
    "AIRLINE_CSV",
    "ETT",
    "ETTH1_CSV",
    "ETTH2_CSV",
    "ETT_COLUMNS",
    "IMDB_ARCHIVE",
    "IMDB_REPACKS",
    "MNIST_NPZ",
    "MNIST_REPACKS",
    "PM25_CSV",
    "PM25_REPACKS",
    "SUNSPOTS",
    "SUNSPOTS_CSV",
    "WEATHER",
    "WEATHER_COLUMNS",
    "WEATHER_CSV",
    "SHAKESPEARE_TXT",
    "PublishedCsv",
    "imdb_structural_check",
    "load_airline",
    "load_csv_series",
    "load_ett",
    "load_imdb",
    "load_imdb_splits",
    "load_mnist",
    "load_pm25",
    "load_sunspots",
    "load_tiny_shakespeare",
    "load_weather",
    "mnist_structural_check",
    "pm25_structural_check",
    "shakespeare_structural_check",
]
