"""Shared test settings: fixed thread count and seeds so the CPU suite is deterministic."""

import pytest
import torch

torch.set_num_threads(2)


@pytest.fixture(autouse=True)
def _seed() -> None:
    torch.manual_seed(0)
