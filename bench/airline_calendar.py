"""The airline preset with the month of the year as two input columns (``month_sin``, ``month_cos``), as
the Darts LSTM example feeds it, to see whether a calendar covariate helps on validation.

Usage::

    RNNKIT_DATA=../shared/datasets .venv/bin/python bench/airline_calendar.py --seeds 0 1 2

The mirror's ``timeseries/airline-passengers.csv`` is copied into a temporary CSV with the two columns
added (sin and cos of ``2 pi (month - 1) / 12``), then trained through the recipe's ``--csv`` path with the
``airline`` preset's settings (``bench/forecast_recipe.py --preset airline --set data.source=csv ...``).
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import forecast_recipe  # noqa: E402


def write_calendar_csv(source: Path, destination: Path) -> None:
    with source.open(newline="") as file:
        rows = list(csv.reader(file))
    with destination.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow([*rows[0], "month_sin", "month_cos"])
        for month, passengers in rows[1:]:
            angle = 2 * math.pi * (int(month.split("-")[1]) - 1) / 12
            writer.writerow([month, passengers, f"{math.sin(angle):.6f}", f"{math.cos(angle):.6f}"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = parser.parse_args(argv)
    root = os.environ.get("RNNKIT_DATA")
    if not root:
        print("set RNNKIT_DATA to the dataset mirror (e.g. ../shared/datasets)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "airline-calendar.csv"
        write_calendar_csv(Path(root) / "timeseries" / "airline-passengers.csv", path)
        sets = [
            "data.source=csv", f"data.path={path}", "data.target=Passengers", "data.time=Month",
            "data.features=month_sin,month_cos",
        ]  # fmt: skip
        settings = [argument for setting in sets for argument in ("--set", setting)]
        return forecast_recipe.main(["--preset", "airline", "--seeds", *map(str, args.seeds), *settings])


if __name__ == "__main__":
    sys.exit(main())
