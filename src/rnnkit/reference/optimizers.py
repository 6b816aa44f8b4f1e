"""SGD with momentum and Adam, as torch.optim computes them, updating a dict of NumPy arrays in place.

Each optimiser keeps one buffer per parameter key, so it must be used with the same dict throughout.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping

import numpy as np


def _check_keys(where: str, params: Mapping[str, np.ndarray], grads: Mapping[str, np.ndarray]) -> None:
    if set(params) != set(grads):
        raise ValueError(
            f"{where}: grads must have the keys of params; missing {sorted(set(params) - set(grads))}, "
            f"extra {sorted(set(grads) - set(params))}."
        )
    for key in params:
        if np.shape(grads[key]) != np.shape(params[key]):
            raise ValueError(
                f"{where}: grads[{key!r}] has shape {np.shape(grads[key])}, params[{key!r}] has "
                f"{np.shape(params[key])}; they must match."
            )


class SGD:
    """Stochastic gradient descent with optional (Nesterov) momentum, as ``torch.optim.SGD``.

    Equations (g the gradient, v the momentum buffer, μ the momentum)::

        plain:     p <- p - lr g
        momentum:  v <- g on the first step, v <- μ v + g afterwards;   p <- p - lr v
        nesterov:  the same v, then p <- p - lr (g + μ v)

    Note torch's convention: the learning rate multiplies the buffer, not the gradient inside it.

    Args:
        lr: the learning rate, > 0.
        momentum: μ in [0, 1).
        nesterov: use Nesterov momentum (needs momentum > 0).

    Example:
        >>> p = {"w": np.array([1.0])}
        >>> opt = SGD(lr=0.1, momentum=0.9)
        >>> opt.step(p, {"w": np.array([1.0])}); opt.step(p, {"w": np.array([1.0])})
        >>> round(float(p["w"][0]), 6)  # 1 - 0.1 * 1 - 0.1 * 1.9
        0.71
    """

    def __init__(self, lr: float, momentum: float = 0.0, nesterov: bool = False) -> None:
        if not lr > 0:
            raise ValueError(f"SGD: lr must be > 0, got {lr}.")
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"SGD: momentum must lie in [0, 1), got {momentum}.")
        if nesterov and momentum == 0.0:
            raise ValueError("SGD: nesterov=True needs momentum > 0, got momentum=0.0.")
        self.lr, self.momentum, self.nesterov = lr, momentum, nesterov
        self.velocity: dict[str, np.ndarray] = {}

    def step(self, params: MutableMapping[str, np.ndarray], grads: Mapping[str, np.ndarray]) -> None:
        """Update every ``params[key]`` in place from ``grads[key]`` (same keys and shapes)."""
        _check_keys("SGD.step", params, grads)
        for key, g in grads.items():
            if self.momentum == 0.0:
                params[key] -= self.lr * g
                continue
            if key not in self.velocity:
                self.velocity[key] = np.array(g, dtype=float)  # first step: v = g
            else:
                self.velocity[key] = self.momentum * self.velocity[key] + g
            v = self.velocity[key]
            params[key] -= self.lr * (g + self.momentum * v if self.nesterov else v)


class Adam:
    """Adam (Kingma & Ba 2015) with bias correction, as ``torch.optim.Adam``.

    Equations (step t = 1, 2, ...; g the gradient)::

        m <- β1 m + (1 - β1) g            first moment, starts at 0
        v <- β2 v + (1 - β2) g^2          second moment, starts at 0
        p <- p - (lr / (1 - β1^t)) m / (sqrt(v) / sqrt(1 - β2^t) + eps)

    The bias corrections ``1 - β^t`` undo the pull towards the zero starting value of m and v. eps is
    added after the correction of sqrt(v), exactly where torch adds it.

    Args:
        lr: the learning rate, > 0.
        betas: ``(β1, β2)``, each in [0, 1).
        eps: added to the denominator, > 0.

    Example:
        >>> p = {"w": np.array([1.0])}
        >>> Adam(lr=0.1).step(p, {"w": np.array([3.0])})
        >>> round(float(p["w"][0]), 6)  # the first step moves every entry by about lr
        0.9
    """

    def __init__(
        self, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8
    ) -> None:
        if not lr > 0:
            raise ValueError(f"Adam: lr must be > 0, got {lr}.")
        if len(betas) != 2 or not all(0.0 <= b < 1.0 for b in betas):
            raise ValueError(f"Adam: betas must be two numbers in [0, 1), got {betas}.")
        if not eps > 0:
            raise ValueError(f"Adam: eps must be > 0, got {eps}.")
        self.lr, self.betas, self.eps = lr, tuple(betas), eps
        self.t = 0
        self.m: dict[str, np.ndarray] = {}
        self.v: dict[str, np.ndarray] = {}

    def step(self, params: MutableMapping[str, np.ndarray], grads: Mapping[str, np.ndarray]) -> None:
        """Update every ``params[key]`` in place from ``grads[key]`` (same keys and shapes)."""
        _check_keys("Adam.step", params, grads)
        beta1, beta2 = self.betas
        self.t += 1
        correction1 = 1 - beta1**self.t
        correction2 = 1 - beta2**self.t
        for key, g in grads.items():
            m = self.m.get(key, 0.0)
            v = self.v.get(key, 0.0)
            self.m[key] = m = beta1 * m + (1 - beta1) * g
            self.v[key] = v = beta2 * v + (1 - beta2) * g * g
            denom = np.sqrt(v) / np.sqrt(correction2) + self.eps
            params[key] -= (self.lr / correction1) * m / denom
