"""The first commands a user types answer at once: `--help`, `tasks`, `data list` and the task help texts
do not import torch (about a second on its own), and the lazy exports resolve to the real objects."""

from __future__ import annotations

import importlib
import subprocess
import sys
import time

import pytest

LIGHT_COMMANDS = [["--help"], ["tasks"], ["data", "list"], ["train", "--help"], ["predict", "--help"]]


@pytest.mark.parametrize("argv", LIGHT_COMMANDS, ids=[" ".join(a) for a in LIGHT_COMMANDS])
def test_light_commands_do_not_import_torch(argv):
    probe = (
        "import sys\nfrom rnnkit.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "print('torch imported:', 'torch' in sys.modules)"
    )
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", probe, *argv], capture_output=True, text=True, timeout=60, check=True
    )
    elapsed = time.perf_counter() - started
    assert result.stdout.strip().endswith("torch imported: False"), result.stdout[-500:]
    assert elapsed < 10  # a loose bound for loaded CI machines; the import check above is the real test


def test_help_texts_name_each_tasks_presets_quick_and_inputs(capsys):
    from rnnkit.cli import main
    from rnnkit.recipes.registry import TASKS, get_recipe

    for argv in (["train", "--help"], ["predict", "--help"]):
        with pytest.raises(SystemExit):
            main(argv)
    out = capsys.readouterr().out
    for name in TASKS:
        recipe = get_recipe(name)
        assert f"presets: {', '.join(recipe.presets)}" in out
        assert " ".join(recipe.quick) in out
        assert " ".join(recipe.inputs.split()[:4]) in " ".join(out.split())


@pytest.mark.parametrize(
    "package", ["rnnkit", "rnnkit.models", "rnnkit.training", "rnnkit.data", "rnnkit.recipes"]
)
def test_lazy_exports_are_the_real_objects(package):
    module = importlib.import_module(package)
    assert sorted(module.__all__) == sorted(module._EXPORTS)
    for name in module.__all__:
        value = getattr(module, name)
        where = module._EXPORTS[name]
        origin = importlib.import_module(where or f".{name}", package)
        assert value is (origin if not where else getattr(origin, name)), name
        assert name in dir(module)
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        module.nope  # noqa: B018
