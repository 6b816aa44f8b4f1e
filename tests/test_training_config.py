"""TrainConfig and config plumbing: overrides (types, nesting, errors), TOML, dict/JSON round trips."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import Literal

import pytest

from rnnkit.training import TrainConfig, apply_overrides, from_dict, load_toml, to_dict, valid_keys


@dataclass(frozen=True)
class ModelSection:
    hidden_size: int = 32
    cell: Literal["lstm", "gru"] = "lstm"
    dropout: float = 0.0


@dataclass(frozen=True)
class RecipeConfig:
    name: str = "demo"
    model: ModelSection = field(default_factory=ModelSection)
    train: TrainConfig = field(default_factory=TrainConfig)
    sizes: list[int] = field(default_factory=lambda: [1, 2])


def test_overrides_parse_every_field_type() -> None:
    config = apply_overrides(
        RecipeConfig(),
        [
            "train.lr=0.01",
            "train.epochs=7",
            "train.nesterov=true",
            "train.optimizer=sgd",
            "train.momentum=0.9",
            "train.clip_norm=2",
            "train.early_stopping_patience=none",
            "train.progress=false",
            "train.betas=[0.8, 0.95]",
            "model.cell=gru",
            "sizes=3,4,5",
            "name=a=b",
        ],
    )
    assert config.train.lr == 0.01 and isinstance(config.train.lr, float)
    assert config.train.epochs == 7 and config.train.nesterov is True
    assert config.train.clip_norm == 2.0 and isinstance(config.train.clip_norm, float)
    assert config.train.early_stopping_patience is None and config.train.progress is False
    assert config.train.betas == (0.8, 0.95)
    assert config.model.cell == "gru" and config.sizes == [3, 4, 5]
    assert config.name == "a=b"  # only the first '=' separates key and value
    assert RecipeConfig().train.lr == 1e-3  # the original is untouched


def test_overrides_from_nested_mapping_and_toml(tmp_path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        'name = "run"\n[model]\nhidden_size = 64\n[train]\nlr = 1e-2\nepochs = 3\nclip_norm = 1\n'
    )
    config = apply_overrides(RecipeConfig(), load_toml(path))
    assert (config.name, config.model.hidden_size, config.train.lr, config.train.epochs) == (
        "run",
        64,
        0.01,
        3,
    )
    assert config.train.clip_norm == 1.0
    config = apply_overrides(config, ["train.lr=0.5"])  # --config then --set
    assert config.train.lr == 0.5 and config.train.epochs == 3


def test_unknown_key_lists_valid_keys() -> None:
    with pytest.raises(ValueError, match="unknown config key 'train.lrr'") as info:
        apply_overrides(RecipeConfig(), ["train.lrr=0.1"])
    message = str(info.value)
    for key in ("train.lr", "model.hidden_size", "train.clip_norm", "name"):
        assert key in message
    with pytest.raises(ValueError, match="valid keys"):
        apply_overrides(RecipeConfig(), ["name.sub=1"])  # a leaf is not a section
    assert set(valid_keys(RecipeConfig)) >= {"model.cell", "train.epochs", "sizes"}


@pytest.mark.parametrize(
    ("override", "pattern"),
    [
        ("train.epochs=2.5", r"train\.epochs: expected int"),
        ("train.lr=fast", r"train\.lr: expected float"),
        ("train.nesterov=maybe", r"train\.nesterov: expected bool"),
        ("model.cell=rnn", r"model\.cell: expected one of \['lstm', 'gru'\]"),
        ("train.betas=[0.9]", r"train\.betas: expected tuple"),
        ("model=3", r"model: expected .*section"),
        ("train.optimizer=rmsprop", r"optimizer: expected one of"),
        ("train.lr=-1", r"lr: expected a value > 0"),
        ("train.lr", r"expected 'section.field=value'"),
    ],
)
def test_bad_values_are_clear_errors(override: str, pattern: str) -> None:
    with pytest.raises(ValueError, match=pattern):
        apply_overrides(RecipeConfig(), [override])


def test_mapping_values_are_type_checked() -> None:
    with pytest.raises(ValueError, match=r"train\.epochs: expected int, got True"):
        apply_overrides(RecipeConfig(), {"train": {"epochs": True}})
    with pytest.raises(TypeError, match="Wrap it in a list"):
        apply_overrides(RecipeConfig(), "train.lr=0.1")


def test_constructor_checks_types_and_ranges() -> None:
    with pytest.raises(TypeError, match=r"TrainConfig\.epochs: expected int"):
        TrainConfig(epochs="3")
    with pytest.raises(ValueError, match="validation_split"):
        TrainConfig(validation_split=1.0)
    with pytest.raises(ValueError, match="nesterov=True needs optimizer='sgd' and momentum > 0"):
        TrainConfig(optimizer="sgd", nesterov=True)
    with pytest.raises(ValueError, match="monitor_mode"):
        TrainConfig(monitor_mode="up")
    assert TrainConfig(lr=1).lr == 1  # an int is a valid float


def test_dict_and_json_round_trip() -> None:
    config = apply_overrides(RecipeConfig(), ["train.lr=0.02", "model.hidden_size=8", "train.clip_norm=0.5"])
    data = json.loads(json.dumps(to_dict(config)))
    assert data["train"]["betas"] == [0.9, 0.999]
    assert from_dict(RecipeConfig, data) == config
    with pytest.raises(ValueError, match=r"unknown key\(s\) \['train.bogus'\]; valid keys: .*train.lr"):
        from_dict(RecipeConfig, {"train": {"bogus": 1}})


def test_toml_errors_name_the_file(tmp_path) -> None:
    with pytest.raises(ValueError, match="does not exist"):
        load_toml(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("lr = = 1\n")
    with pytest.raises(ValueError, match=r"bad\.toml.*not valid TOML"):
        load_toml(bad)


def test_missing_required_key_and_python_310_without_tomli(tmp_path, monkeypatch) -> None:
    @dataclass(frozen=True)
    class Needs:
        size: int

    with pytest.raises(ValueError, match=r"missing required key\(s\) \['size'\]"):
        from_dict(Needs, {})
    path = tmp_path / "c.toml"
    path.write_text("lr = 0.1\n")
    monkeypatch.setattr(sys, "version_info", (3, 10, 12, "final", 0))
    monkeypatch.setitem(sys.modules, "tomli", None)  # makes `import tomli` fail
    with pytest.raises(ValueError, match="needs Python >= 3.11.*pip install tomli"):
        load_toml(path)
