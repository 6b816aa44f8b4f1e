"""Metrics as (sum, count) pairs: brute-force oracles, exact epoch means, and the cross-rank reduction."""

from __future__ import annotations

import pytest
import torch

from rnnkit.training import MetricSums, accuracy, binary_accuracy, mean_loss


def test_accuracy_matches_brute_force_with_ignore_index() -> None:
    g = torch.Generator().manual_seed(0)
    logits = torch.randn(4, 6, 5, generator=g)  # (B, T, C)
    targets = torch.randint(0, 5, (4, 6), generator=g)
    targets[0, 3:] = -100  # padding
    targets[2, 1:] = -100
    correct, count = accuracy(logits, targets, ignore_index=-100)
    hits = total = 0
    for b in range(4):
        for t in range(6):
            if targets[b, t] != -100:
                total += 1
                hits += int(
                    max(range(5), key=lambda c, b=b, t=t: logits[b, t, c].item()) == targets[b, t].item()
                )
    assert (correct.item(), count.item()) == (hits, total)
    all_correct, all_count = accuracy(logits, targets.clamp(min=0))
    assert all_count.item() == 24 and 0 <= all_correct.item() <= 24


def test_binary_accuracy_thresholds_logits_at_zero() -> None:
    logits = torch.tensor([[2.0], [-0.5], [0.1], [-3.0]])
    targets = torch.tensor([1.0, 1.0, 0.0, 0.0])
    assert tuple(v.item() for v in binary_accuracy(logits, targets)) == (2.0, 4.0)
    with pytest.raises(ValueError, match="one logit per target"):
        binary_accuracy(torch.zeros(3, 2), torch.zeros(3))
    with pytest.raises(ValueError, match="do not match targets"):
        accuracy(torch.zeros(3, 2), torch.zeros(4, dtype=torch.long))


def test_epoch_mean_is_exact_not_a_mean_of_batch_means() -> None:
    losses = torch.tensor([1.0, 2.0, 3.0, 4.0, 10.0])
    sums = MetricSums()
    for batch in (losses[:2], losses[2:4], losses[4:]):  # batches of 2, 2, 1
        sums.update({"loss": mean_loss(batch.mean(), len(batch))})
    assert sums.compute()["loss"] == pytest.approx(losses.mean().item())
    with pytest.raises(TypeError, match=r"expected a \(sum, count\) pair"):
        sums.update({"accuracy": 0.5})


def test_cross_rank_reduction_adds_sums_and_counts() -> None:
    rank0, rank1 = MetricSums(), MetricSums()
    rank0.update({"accuracy": (3.0, 4.0), "loss": (2.0, 4.0)})
    rank1.update({"loss": (1.0, 1.0)})  # this rank never saw an accuracy batch
    names = ["accuracy", "loss"]
    flats = {}
    rank1.all_reduce(lambda t: flats.setdefault("rank1", t.clone()), names)
    rank0.all_reduce(lambda t: t + flats["rank1"], names)  # what all-reduce(SUM) computes
    assert rank0.compute() == pytest.approx({"accuracy": 0.75, "loss": 0.6})


def test_forecast_errors_are_exact_over_uneven_batches():
    from rnnkit.training import MetricSums, forecast_errors

    forecast, targets = torch.randn(7, 5, 3, dtype=torch.float64), torch.randn(7, 5, 3, dtype=torch.float64)
    sums = MetricSums()
    for start, stop in ((0, 4), (4, 6), (6, 7)):  # a short last batch counts like any other values
        sums.update(forecast_errors(forecast[start:stop], targets[start:stop]))
    figures = sums.compute()
    error = (forecast - targets).numpy()
    assert figures["mse"] == pytest.approx(float((error**2).mean()), rel=1e-12)
    assert figures["mae"] == pytest.approx(float(abs(error).mean()), rel=1e-12)
    with pytest.raises(ValueError, match="differ"):
        forecast_errors(forecast, targets[:, :4])
