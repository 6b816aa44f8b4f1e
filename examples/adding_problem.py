"""The adding problem (Hochreiter & Schmidhuber 1997): why gates matter for long-range memory.

Each input is a sequence of (value, marker) pairs: values uniform in [0, 1], exactly two markers set
to 1. The target is the sum of the two marked values. Predicting the mean (1.0) scores an MSE of
1/6 ≈ 0.167; a network scores below that only if it carries the first marked value across the
sequence. With long sequences the Elman RNN's gradient vanishes on the way back and it stays near
the baseline, while the LSTM (and GRU) learn the task.

Run::

    python examples/adding_problem.py            # T=100, about 2-4 minutes on 2 CPU cores
    python examples/adding_problem.py --smoke    # T=10, a few seconds (what the tests run)

Expected output (full size): one line per cell with its test MSE; the LSTM and GRU far below 0.167,
the Elman RNN close to it.
"""

from __future__ import annotations

import argparse

import torch
from torch import nn

import rnnkit


def adding_batch(batch: int, steps: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs ``(B, T, 2)`` and targets ``(B, 1)``: one marker in each half of the sequence."""
    values = torch.rand(batch, steps, generator=generator)  # (B, T)
    markers = torch.zeros(batch, steps)
    half = steps // 2
    first = torch.randint(0, half, (batch,), generator=generator)
    second = torch.randint(half, steps, (batch,), generator=generator)
    rows = torch.arange(batch)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    targets = (values * markers).sum(1, keepdim=True)  # (B, 1)
    return torch.stack([values, markers], dim=-1), targets


class Adder(nn.Module):
    def __init__(self, layer_cls: type[rnnkit.layers.RecurrentStack], hidden: int) -> None:
        super().__init__()
        self.rnn = layer_cls(2, hidden)
        self.head = nn.Linear(hidden, 1)  # V = W_hy

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.rnn(x)  # (B, T, H)
        return self.head(out[:, -1])  # (B, 1)


def train_and_test(layer_cls, steps: int, iterations: int, hidden: int, seed: int) -> float:
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    model = Adder(layer_cls, hidden)
    optimiser = torch.optim.Adam(model.parameters(), lr=3e-3)
    for _ in range(iterations):
        x, y = adding_batch(64, steps, generator)
        loss = nn.functional.mse_loss(model(x), y)
        optimiser.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)  # against exploding gradients
        optimiser.step()
    x, y = adding_batch(1000, steps, generator)
    with torch.no_grad():
        return nn.functional.mse_loss(model(x), y).item()


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny size, for tests")
    parser.add_argument("--steps", type=int, default=100, help="sequence length T")
    parser.add_argument("--iterations", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    steps, iterations = (10, 150) if args.smoke else (args.steps, args.iterations)
    print(f"adding problem, T={steps}: baseline MSE (predict 1.0) = {1 / 6:.3f}")
    results = {}
    for name, layer_cls in (("rnn", rnnkit.RNN), ("gru", rnnkit.GRU), ("lstm", rnnkit.LSTM)):
        results[name] = train_and_test(layer_cls, steps, iterations, hidden=32, seed=args.seed)
        print(f"  {name:5s} test MSE {results[name]:.4f}")
    return results


if __name__ == "__main__":
    main()
