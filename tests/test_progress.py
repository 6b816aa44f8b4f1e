"""rnnkit.progress: one tqdm bar, quiet off a terminal, rate + ETA + values on one, colour only there."""

from __future__ import annotations

import io
import logging
import os
import re
import sys
import time

import pytest

from rnnkit.progress import UNKNOWN_SIZE, ProgressBar, format_values, is_terminal, terminal_size

RATE = re.compile(r"\d+(\.\d+)?it/s")
ETA = re.compile(r"\[\d\d:\d\d<\d\d:\d\d")  # tqdm's [elapsed<remaining]


class FakeTerminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def run_bar(stream: io.StringIO, enabled: bool | None, steps: int = 4) -> str:
    with ProgressBar(steps, "epoch 1/3", stream=stream, enabled=enabled, min_interval=0) as bar:
        for step in range(steps):
            time.sleep(0.002)  # a measurable rate
            bar.update(1, loss=1.0 / (step + 1))
        bar.close(val_loss=0.5, val_accuracy=0.75)
    return stream.getvalue()


def last_draw(output: str) -> str:
    """The bar's final state: the last carriage-return segment of the output."""
    return output.rstrip("\n").split("\r")[-1]


def test_nothing_is_written_to_a_stream_that_is_not_a_terminal() -> None:
    assert not is_terminal(io.StringIO()) and is_terminal(FakeTerminal())
    assert run_bar(io.StringIO(), enabled=None) == ""


def test_disabled_writes_nothing_even_on_a_terminal() -> None:
    assert run_bar(FakeTerminal(), enabled=False) == ""


def test_on_a_terminal_the_bar_shows_rate_eta_running_loss_and_final_metrics() -> None:
    output = run_bar(FakeTerminal(), enabled=None)
    final = last_draw(output)
    assert final.startswith("epoch 1/3: 100%") and "4/4" in final
    assert RATE.search(final) and ETA.search(final)
    assert "loss=0.25, val_loss=0.5, val_accuracy=0.75" in final  # the postfix
    assert output.endswith("\n")
    mid = output.split("\r")[2]  # a redraw before the end carries the running loss
    assert "loss=" in mid and ETA.search(mid)
    assert "\x1b[" in output  # colour on a terminal


def test_forced_on_a_plain_stream_has_no_ansi_codes() -> None:
    output = run_bar(io.StringIO(), enabled=True)
    assert "loss=0.25" in last_draw(output) and RATE.search(last_draw(output))
    assert "\x1b" not in output


def test_bytes_with_and_without_a_known_total() -> None:
    stream = io.StringIO()
    with ProgressBar(3_000_000, "data.bin", unit="B", unit_scale=True, stream=stream, enabled=True) as bar:
        bar.update(1_000_000)
        bar.update(2_000_000)
    final = last_draw(stream.getvalue())
    assert final.startswith("data.bin: 100%") and "3.00M/3.00M" in final and "B/s" in final
    stream = io.StringIO()
    with ProgressBar(None, "data.bin", unit="B", unit_scale=True, stream=stream, enabled=True) as bar:
        bar.update(2_500_000)
    final = last_draw(stream.getvalue())
    assert "2.50MB" in final and "%" not in final


def test_log_records_go_above_the_bar_and_the_handler_is_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    handler = logging.StreamHandler(terminal)
    handler.setFormatter(logging.Formatter("LOG %(message)s"))
    logging.root.addHandler(handler)
    try:
        with ProgressBar(2, "epoch 1/1", min_interval=0) as bar:  # stderr, a terminal: shown
            bar.update(1, loss=0.5)
            logging.getLogger("rnnkit.test").warning("hello")
            bar.update(1, loss=0.4)
        assert handler.stream is terminal
    finally:
        logging.root.removeHandler(handler)
    lines = terminal.getvalue().split("\n")
    assert "LOG hello" in [line.split("\r")[-1] for line in lines]  # on a line of its own
    assert last_draw(terminal.getvalue()).startswith("epoch 1/1: 100%")


def test_format_values() -> None:
    assert (
        format_values({"loss": 1 / 3, "val_perplexity": 123456.0}) == "loss=0.3333, val_perplexity=1.235e+05"
    )


def read_all(master: int) -> bytes:
    """Everything written to a pty whose replica is closed: one read may return only a part."""
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO on Linux once the closed replica's output is drained
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_a_terminal_that_reports_no_size_still_shows_the_bar() -> None:
    master, replica = os.openpty()  # a fresh pty says it is 0 x 0; tqdm alone then draws empty lines
    try:
        with os.fdopen(replica, "w", encoding="utf-8") as terminal:
            assert is_terminal(terminal) and terminal_size(terminal) is None
            with ProgressBar(2, "epoch 1/1", stream=terminal, min_interval=0) as bar:
                bar.update(2, loss=0.5)
        output = read_all(master).decode("utf-8").replace("\r\n", "\n")
    finally:
        os.close(master)
    final = re.sub(r"\x1b\[[0-9;]*m", "", last_draw(output))
    assert (
        final.startswith("epoch 1/1: 100%") and final.endswith("loss=0.5]") and len(final) <= UNKNOWN_SIZE[0]
    )
