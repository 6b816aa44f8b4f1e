"""The installed rnnkit's version, declared once in pyproject.toml and read from the package metadata."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("rnnkit")
except PackageNotFoundError:  # a source tree on sys.path without `pip install`
    __version__ = "0+unknown"
