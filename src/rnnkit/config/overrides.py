"""``--config file.toml`` then ``--set section.field=value``: changing a frozen config by dotted keys.

Keys are dotted paths into nested dataclasses (``train.lr``, ``model.rnn.hidden_size``); values are
type-checked against the field annotations (see :mod:`rnnkit.config.coerce`). A config is never
mutated: a new one is built with :func:`dataclasses.replace`, so ``__post_init__`` checks run again.

Example:
    >>> from rnnkit.training import TrainConfig
    >>> config = apply_overrides(TrainConfig(), ["lr=0.01", "clip_norm=1.0", "betas=[0.8, 0.9]"])
    >>> config.lr, config.clip_norm, config.betas
    (0.01, 1.0, (0.8, 0.9))
"""

from __future__ import annotations

import dataclasses
import importlib
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from .coerce import coerce_value, field_types

C = TypeVar("C")


def valid_keys(config_or_cls: Any, prefix: str = "") -> list[str]:
    """Every settable dotted key of a config dataclass, nested sections expanded.

    Example:
        >>> from rnnkit.training import TrainConfig
        >>> "lr" in valid_keys(TrainConfig)
        True
    """
    cls = config_or_cls if isinstance(config_or_cls, type) else type(config_or_cls)
    keys = []
    for name, annotation in field_types(cls).items():
        if dataclasses.is_dataclass(annotation):
            keys.extend(valid_keys(annotation, f"{prefix}{name}."))
        else:
            keys.append(f"{prefix}{name}")
    return keys


def _flatten(mapping: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    items = []
    for key, value in mapping.items():
        if isinstance(value, Mapping):
            items.extend(_flatten(value, f"{prefix}{key}."))
        else:
            items.append((f"{prefix}{key}", value))
    return items


def _parse_assignments(overrides: Iterable[str]) -> list[tuple[str, Any]]:
    items = []
    for text in overrides:
        if not isinstance(text, str) or "=" not in text:
            raise ValueError(
                f"override {text!r}: expected 'section.field=value', e.g. 'train.lr=0.001'. "
                "Add '=' and a value."
            )
        key, value = text.split("=", 1)
        items.append((key.strip(), value.strip()))
    return items


def _collect(config: Any, path: list[str], value: Any, full_key: str, root: Any, changes: dict) -> None:
    """Check one dotted key against the config's fields and record its converted value in ``changes``."""
    types_ = field_types(type(config))
    name = path[0]
    if name not in types_:
        raise ValueError(
            f"unknown config key {full_key!r} for {type(root).__name__}; "
            f"valid keys: {', '.join(valid_keys(root))}."
        )
    if len(path) == 1:
        changes[name] = coerce_value(value, types_[name], full_key)
        return
    section = getattr(config, name)
    if not dataclasses.is_dataclass(section):
        raise ValueError(
            f"unknown config key {full_key!r}: {name!r} is not a section; "
            f"valid keys: {', '.join(valid_keys(root))}."
        )
    sub = changes.setdefault(name, {})
    if not isinstance(sub, dict):  # the section itself was replaced by an earlier key: start from that
        changes[name] = sub = {}
    _collect(section, path[1:], value, full_key, root, sub)


def _rebuild(config: Any, changes: dict, prefix: str = "") -> Any:
    """One ``dataclasses.replace`` per section, so cross-field checks see all new values at once.

    A section that rejects its new values raises with the keys that were set in it named first
    (``model.dropout=-0.1: ...``), since its own message knows the field but not where it sits.
    """
    values = {
        name: _rebuild(getattr(config, name), change, f"{prefix}{name}.")
        if isinstance(change, dict)
        else change
        for name, change in changes.items()
    }
    try:
        return dataclasses.replace(config, **values)
    except (ValueError, TypeError) as error:
        if getattr(error, "rnnkit_key_named", False):
            raise
        keys = ", ".join(
            f"{prefix}{name}={value!r}" for name, value in changes.items() if not isinstance(value, dict)
        )
        named = type(error)(f"{keys}: {error}" if keys else str(error))
        setattr(named, "rnnkit_key_named", True)  # noqa: B010  # outer sections leave it as it is
        raise named from None


def apply_overrides(config: C, overrides: Iterable[str] | Mapping[str, Any]) -> C:
    """A copy of ``config`` with dotted keys set, every value type-checked against its field.

    Args:
        config: a (frozen) dataclass instance, possibly with nested dataclass sections.
        overrides: ``["section.field=value", ...]`` strings (values parsed by the field type), or a
            nested or dotted mapping such as the output of :func:`load_toml`.

    Raises:
        ValueError: an unknown key (the message lists the valid ones), a malformed assignment or a
            value of the wrong type.

    Example:
        >>> from rnnkit.training import TrainConfig
        >>> apply_overrides(TrainConfig(), {"optimizer": "sgd", "momentum": 0.9}).momentum
        0.9
    """
    if not dataclasses.is_dataclass(config) or isinstance(config, type):
        raise TypeError(f"apply_overrides: expected a dataclass instance, got {type(config).__name__}.")
    if isinstance(overrides, str):
        raise TypeError(
            f"apply_overrides: expected a list of 'key=value' strings or a mapping, got the string "
            f"{overrides!r}. Wrap it in a list: [{overrides!r}]."
        )
    items = _flatten(overrides) if isinstance(overrides, Mapping) else _parse_assignments(overrides)
    changes: dict[str, Any] = {}
    for key, value in items:
        _collect(config, key.split("."), value, key, config, changes)
    return _rebuild(config, changes)


def _toml_module() -> Any:
    if sys.version_info >= (3, 11):
        return importlib.import_module("tomllib")
    try:
        return importlib.import_module("tomli")
    except ImportError:
        raise ValueError(
            "reading TOML configs needs Python >= 3.11 (tomllib) or the 'tomli' package on Python "
            f"{sys.version_info[0]}.{sys.version_info[1]}. Install it with 'pip install tomli', "
            "or pass the settings with --set."
        ) from None


def load_toml(path: str | Path) -> dict[str, Any]:
    """Read a TOML file into a nested dict, to pass to :func:`apply_overrides`.

    Raises:
        ValueError: the file is missing or is not valid TOML (the message names the file), or no TOML
            reader is available (Python 3.10 without ``tomli``).
    """
    path = Path(path)
    toml = _toml_module()
    if path.is_dir():
        raise ValueError(f"--config {path} is a folder; pass a TOML file, e.g. {path / 'config.toml'}.")
    try:
        with path.open("rb") as handle:
            return toml.load(handle)
    except FileNotFoundError:
        raise ValueError(f"config file {str(path)!r} does not exist. Check the path.") from None
    except PermissionError:
        raise ValueError(f"config file {str(path)!r} cannot be read (permission denied).") from None
    except UnicodeDecodeError as error:
        raise ValueError(
            f"config file {str(path)!r} is not UTF-8 text (byte {error.start}); TOML files are UTF-8. "
            "Save it as UTF-8."
        ) from None
    except toml.TOMLDecodeError as error:
        raise ValueError(f"config file {str(path)!r} is not valid TOML: {error}. Fix the file.") from None
