"""Typed conversion between config dataclasses and plain values (Python, JSON, TOML, strings).

One rule for every source of config values: a value from Python, JSON or TOML is checked against the
field's annotation (an ``int`` is accepted for a ``float`` field, a list for a tuple field); a string
given for a non-string field is parsed (``"0.1"``, ``"true"``, ``"none"``, ``"[1, 2]"``), which is
what ``--set section.field=value`` needs. Supported annotations: ``bool``, ``int``, ``float``,
``str``, ``X | None``, unions, ``Literal[...]``, ``tuple[X, ...]``, ``tuple[X, Y]``, ``list[X]`` and
nested dataclasses (as mappings).

Example:
    >>> coerce_value("0.5", float, "train.lr")
    0.5
    >>> coerce_value("none", int | None, "train.early_stopping_patience") is None
    True
    >>> coerce_value([1, 2], tuple[float, ...], "train.betas")
    (1.0, 2.0)
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any, Literal, Union

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}
_NONE = {"none", "null"}


_FIELD_TYPES: dict[type, dict[str, Any]] = {}


def field_types(cls: type) -> dict[str, Any]:
    """The resolved annotation of every dataclass field of ``cls`` (string annotations evaluated)."""
    if cls not in _FIELD_TYPES:
        hints = typing.get_type_hints(cls)
        _FIELD_TYPES[cls] = {f.name: hints[f.name] for f in dataclasses.fields(cls)}
    return _FIELD_TYPES[cls]


def type_name(annotation: Any) -> str:
    """A readable name for an annotation: ``float``, ``int | None``, ``tuple[float, ...]``."""
    if isinstance(annotation, type) and not typing.get_args(annotation):
        return annotation.__name__
    return str(annotation).replace("typing.", "").replace("NoneType", "None")


def _is_union(annotation: Any) -> bool:
    return typing.get_origin(annotation) in (Union, types.UnionType)


def _fail(where: str, annotation: Any, value: Any, hint: str = "") -> ValueError:
    extra = f" {hint}" if hint else ""
    return ValueError(
        f"{where}: expected {type_name(annotation)}, got {value!r} ({type(value).__name__}).{extra}"
    )


def _split_sequence(text: str) -> list[str]:
    body = text.strip()
    if body[:1] in "[(" and body[-1:] in "])":
        body = body[1:-1]
    return [part.strip() for part in body.split(",") if part.strip()]


def _parse_scalar(text: str, annotation: Any, where: str) -> Any:
    lowered = text.strip().lower()
    if annotation is bool:
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise _fail(where, annotation, text, "Use true or false.")
    if annotation is int:
        try:
            return int(text)
        except ValueError:
            raise _fail(where, annotation, text, "Use a whole number such as 3.") from None
    if annotation is float:
        try:
            return float(text)
        except ValueError:
            raise _fail(where, annotation, text, "Use a number such as 0.001 or 1e-3.") from None
    raise _fail(where, annotation, text)


def coerce_value(value: Any, annotation: Any, where: str) -> Any:
    """Check ``value`` against ``annotation`` and convert it; ``where`` names it in errors.

    Raises:
        ValueError: the value does not fit; the message names ``where``, the expected type and the value.
    """
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if annotation is Any:
        return value
    if annotation is type(None):
        if value is None or (isinstance(value, str) and value.strip().lower() in _NONE):
            return None
        raise _fail(where, annotation, value)
    if _is_union(annotation):
        if type(None) in args and (value is None or (isinstance(value, str) and value.lower() in _NONE)):
            return None
        for member in (a for a in args if a is not type(None)):
            try:
                return coerce_value(value, member, where)
            except ValueError:
                continue
        raise _fail(where, annotation, value)
    if origin is Literal:
        for choice in args:
            candidate = value
            if isinstance(value, str) and not isinstance(choice, str):
                try:
                    candidate = coerce_value(value, type(choice), where)
                except ValueError:
                    continue
            if candidate == choice and type(candidate) is type(choice):
                return candidate
        raise ValueError(f"{where}: expected one of {list(args)}, got {value!r}.")
    if isinstance(annotation, type) and dataclasses.is_dataclass(annotation):
        if isinstance(value, annotation):
            return value
        if isinstance(value, dict):
            return from_dict(annotation, value, where=where)
        raise _fail(
            where, annotation, value, f"{where} is a section: set its fields, e.g. {where}.<field>=..."
        )
    if origin in (tuple, list):
        items = _split_sequence(value) if isinstance(value, str) else value
        if not isinstance(items, (list, tuple)):
            raise _fail(where, annotation, value, "Use a list such as [0.9, 0.999].")
        if origin is tuple and args and args[-1] is not Ellipsis:
            if len(items) != len(args):
                raise _fail(where, annotation, value, f"Give exactly {len(args)} values.")
            converted = [
                coerce_value(v, a, f"{where}[{i}]") for i, (v, a) in enumerate(zip(items, args, strict=True))
            ]
        else:
            element = args[0] if args else Any
            converted = [coerce_value(v, element, f"{where}[{i}]") for i, v in enumerate(items)]
        return tuple(converted) if origin is tuple else converted
    if annotation in (bool, int, float):
        if isinstance(value, str):
            return _parse_scalar(value, annotation, where)
        if annotation is bool and isinstance(value, bool):
            return value
        if annotation is int and isinstance(value, int) and not isinstance(value, bool):
            return value
        if annotation is float and isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        raise _fail(where, annotation, value)
    if annotation is str:
        if isinstance(value, str):
            return value
        raise _fail(where, annotation, value, "Use a string.")
    if isinstance(annotation, type) and isinstance(value, annotation):
        return value
    raise _fail(where, annotation, value, "This field type cannot be set from a config value.")


def check_field_types(config: Any) -> None:
    """Check every field of a dataclass instance against its annotation (for ``__post_init__``).

    Values are only checked, not converted, except that an ``int`` is accepted for a ``float`` field.

    Raises:
        TypeError: a field holds a value of the wrong type; names the field, expected and got.
    """
    name = type(config).__name__
    for field, annotation in field_types(type(config)).items():
        value = getattr(config, field)
        if isinstance(value, str) and annotation is not str and not _accepts_str(annotation):
            raise TypeError(
                f"{name}.{field}: expected {type_name(annotation)}, got the string {value!r}. "
                "Pass a value of that type, or use apply_overrides() to parse strings."
            )
        try:
            coerce_value(value, annotation, f"{name}.{field}")
        except ValueError as error:
            raise TypeError(str(error)) from None


def _accepts_str(annotation: Any) -> bool:
    if annotation is str or annotation is Any:
        return True
    if typing.get_origin(annotation) is Literal:
        return any(isinstance(a, str) for a in typing.get_args(annotation))
    if _is_union(annotation):
        return any(_accepts_str(a) for a in typing.get_args(annotation))
    return False


def from_dict(cls: type, data: dict[str, Any], where: str = "") -> Any:
    """Build the dataclass ``cls`` from a (nested) mapping, checking every value's type.

    Missing fields take their defaults; unknown keys are an error that lists the valid ones.

    Example:
        >>> from rnnkit.training import TrainConfig
        >>> from_dict(TrainConfig, {"lr": 0.01, "epochs": 3}).epochs
        3
    """
    prefix = f"{where}." if where else ""
    types_ = field_types(cls)
    unknown = sorted(set(data) - set(types_))
    if unknown:
        raise ValueError(
            f"{cls.__name__}: unknown key(s) {[prefix + k for k in unknown]}; "
            f"valid keys: {', '.join(prefix + k for k in types_)}."
        )
    required = [
        f.name
        for f in dataclasses.fields(cls)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    ]
    missing = [prefix + name for name in required if name not in data]
    if missing:
        raise ValueError(f"{cls.__name__}: missing required key(s) {missing}; give a value for each.")
    values = {key: coerce_value(value, types_[key], prefix + key) for key, value in data.items()}
    return cls(**values)


def to_dict(config: Any) -> dict[str, Any]:
    """A JSON-ready nested dict of a dataclass instance (tuples become lists).

    Example:
        >>> from rnnkit.training import TrainConfig
        >>> to_dict(TrainConfig())["betas"]
        [0.9, 0.999]
    """
    if not dataclasses.is_dataclass(config) or isinstance(config, type):
        raise TypeError(f"to_dict: expected a dataclass instance, got {type(config).__name__}.")
    return {f.name: _plain(getattr(config, f.name)) for f in dataclasses.fields(config)}


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_dict(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value
