"""The exception types of the layers' checks, each of two built-in types, so that code written for
torch.nn (``except RuntimeError`` around a forward, ``except TypeError`` around a constructor) and
code written for rnnkit (``except ValueError``) both catch them.

The messages are rnnkit's: what was wrong, what came, what was expected, how to fix it.

Example:
    >>> import torch, rnnkit
    >>> try:
    ...     rnnkit.GRU(4, 8)(torch.randn(2, 3, 5))
    ... except RuntimeError as error:  # as around torch.nn.GRU
    ...     isinstance(error, ValueError), type(error).__name__
    (True, 'ShapeError')
"""

from __future__ import annotations


class ShapeError(ValueError, RuntimeError):
    """A tensor of the wrong shape: an input's rank or features, a state's shape, an empty time axis.

    torch.nn raises RuntimeError for these; rnnkit raised ValueError and still does.
    """


class DtypeError(TypeError, ValueError):
    """An input or state whose dtype is not the parameters' dtype.

    rnnkit raised TypeError for this; torch.nn's layers raise ValueError (its ModuleInfo error
    inputs expect one).
    """


class ArgumentTypeError(TypeError, ValueError):
    """A constructor argument of the wrong type: ``input_size=3.0``, ``bias="False"``, ``num_layers="2"``.

    torch.nn raises TypeError for these; rnnkit raised ValueError for the sizes.
    """
