"""DDP on CPU: 2 gloo processes with batch B each take the same steps as 1 process with batch 2B.

The script below is run twice in fresh interpreters: once plainly (one process, batch 2B) and once
under ``python -m torch.distributed.run --nproc_per_node 2`` (batch B per rank) on 127.0.0.1 and a
free port. Without shuffling, DistributedSampler gives rank r the examples r, r + 2, ..., so each
global batch is the same set of examples, DDP averages the two half-batch gradients into the full-batch
gradient, and plain SGD then makes the same update up to float rounding.
"""

from __future__ import annotations

import json
import os
import runpy
import socket
import subprocess
import sys
import textwrap

import pytest
import torch

from rnnkit.training import load_weights
from rnnkit.training.distributed import ShardSampler

SCRIPT = textwrap.dedent(
    """
    import json, sys
    import torch
    from torch import nn
    from torch.nn import functional as F
    from torch.utils.data import TensorDataset
    import rnnkit
    from rnnkit.training import TrainConfig, Trainer

    torch.set_num_threads(1)
    run_dir, batch_size = sys.argv[1], int(sys.argv[2])

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = rnnkit.GRU(2, 6)
            self.head = nn.Linear(6, 1)

        def forward(self, x):
            out, _ = self.rnn(x)
            return self.head(out[:, -1])

    class Task:
        def compute_loss(self, model, batch):
            x, y = batch
            return F.mse_loss(model(x), y), len(y)

        def metrics(self, model, batch):
            x, y = batch
            return {"abs_error": ((model(x) - y).abs().sum(), y.numel())}

    g = torch.Generator().manual_seed(1)
    train = TensorDataset(torch.randn(24, 4, 2, generator=g), torch.randn(24, 1, generator=g))
    val = TensorDataset(torch.randn(7, 4, 2, generator=g), torch.randn(7, 1, generator=g))  # uneven shards
    torch.manual_seed(0)
    config = TrainConfig(epochs=1, batch_size=batch_size, optimizer="sgd", lr=0.5, shuffle=False,
                         progress=False, log_every=0, device="cpu")
    model = Model()
    initial = {k: v.clone() for k, v in model.state_dict().items()}
    with Trainer(model, Task(), config, run_dir=run_dir) as trainer:
        history = trainer.fit(train, val)
        evaluated = trainer.evaluate(val)
        rank, world = trainer.context.rank, trainer.context.world_size
    moved = max((model.state_dict()[k] - v).abs().max().item() for k, v in initial.items())
    with open(f"{run_dir}/result_rank{rank}.json", "w") as handle:
        result = {"world_size": world, "moved": moved, "row": history.rows[-1], "evaluated": evaluated}
        json.dump(result, handle)
    """
)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(command: list[str], tmp_path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("RANK", "WORLD_SIZE", "LOCAL_RANK")}
    env["OMP_NUM_THREADS"] = "1"
    if sys.platform.startswith("linux"):
        env.setdefault("GLOO_SOCKET_IFNAME", "lo")  # no network in a sandbox: keep gloo on loopback
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, f"{command} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"


def _result(folder, rank: int) -> dict:
    return json.loads((folder / f"result_rank{rank}.json").read_text())


def test_two_gloo_processes_match_one_process_on_the_global_batch(tmp_path, monkeypatch) -> None:
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    single, ddp = tmp_path / "single", tmp_path / "ddp"
    single.mkdir()
    ddp.mkdir()
    batch = 4
    threads = torch.get_num_threads()
    try:  # the one-process reference runs here, saving an interpreter start
        monkeypatch.setattr(sys, "argv", [str(script), str(single), str(2 * batch)])
        runpy.run_path(str(script), run_name="__main__")
    finally:
        torch.set_num_threads(threads)
    torchrun = [sys.executable, "-m", "torch.distributed.run", "--nnodes", "1", "--nproc_per_node", "2"]
    torchrun += ["--master_addr", "127.0.0.1", "--master_port", str(_free_port())]
    _run([*torchrun, str(script), str(ddp), str(batch)], tmp_path)

    one, two = load_weights(single / "model.safetensors"), load_weights(ddp / "model.safetensors")
    for name in one:
        torch.testing.assert_close(
            two[name], one[name], rtol=1e-5, atol=1e-6, msg=lambda m, n=name: f"{n}: {m}"
        )
    reference = _result(single, 0)
    assert reference["world_size"] == 1 and reference["moved"] > 1e-2  # the weights did change
    for rank in (0, 1):
        result = _result(ddp, rank)
        assert result["world_size"] == 2
        for key in ("train_loss", "val_loss", "val_abs_error"):  # all-reduced: the same on every rank
            assert result["row"][key] == pytest.approx(reference["row"][key], rel=1e-5), key
        for key in ("loss", "abs_error"):
            assert result["evaluated"][key] == pytest.approx(reference["evaluated"][key], rel=1e-5), key
    log_lines = (ddp / "log.csv").read_text().strip().splitlines()
    assert len(log_lines) == 2  # header + one epoch: written once, by rank 0
    assert sorted(p.name for p in ddp.iterdir() if p.name.startswith("result")) == [
        "result_rank0.json",
        "result_rank1.json",
    ]


def test_shard_sampler_covers_every_example_once() -> None:
    shards = [list(ShardSampler(7, rank, 3)) for rank in range(3)]
    assert sorted(i for shard in shards for i in shard) == list(range(7))
    assert [len(ShardSampler(7, rank, 3)) for rank in range(3)] == [3, 2, 2]
