"""rnnkit.config: frozen, typed config dataclasses changed by dotted keys (TOML files, ``--set``).

The bottom floor: models, training and recipes all describe themselves with dataclasses, and this
package coerces, checks, serialises and overrides them. It imports nothing else of rnnkit.

Example:
    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True)
    ... class Train:
    ...     lr: float = 1e-3
    ...     epochs: int = 3
    >>> apply_overrides(Train(), ["lr=0.01"]).lr
    0.01
"""

from .coerce import check_field_types, coerce_value, field_types, from_dict, to_dict, type_name
from .overrides import apply_overrides, load_toml, valid_keys

__all__ = [
    "apply_overrides",
    "check_field_types",
    "coerce_value",
    "field_types",
    "from_dict",
    "load_toml",
    "to_dict",
    "type_name",
    "valid_keys",
]
