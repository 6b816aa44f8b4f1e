"""Safe checkpoint files: atomic writes, weights as safetensors, trainer state for ``weights_only`` loads.

Every write goes through :mod:`rnnkit.atomic` (temporary file, fsync, rename), so a crash leaves
either the old file or the new one, never a mix. Both formats carry a SHA-256 digest of their content, so a
truncated or bit-flipped file is refused with :class:`CheckpointError` instead of loading garbage:

- weights: a plain ``.safetensors`` file (readable by any safetensors reader); its metadata holds
  ``rnnkit.sha256``, the digest of the tensor table and the tensor bytes.
- trainer state: a ``torch.save`` file of tensors and primitive containers only, loaded with
  ``torch.load(weights_only=True)`` (no pickled code runs); it holds ``sha256``, a digest of the rest
  of its content.

Example:
    >>> import tempfile, torch
    >>> folder = tempfile.mkdtemp()
    >>> save_weights({"w": torch.ones(2)}, f"{folder}/model.safetensors", metadata={"epoch": "1"})
    >>> load_weights(f"{folder}/model.safetensors")["w"]
    tensor([1., 1.])
"""

from __future__ import annotations

import hashlib
import io
import json
import struct
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import torch
from torch import Tensor

from ..atomic import atomic_write_bytes

DIGEST_KEY = "rnnkit.sha256"


class CheckpointError(ValueError):
    """A checkpoint file is missing, truncated, corrupt or inconsistent; the message names the file."""


def _corrupt(path: Path, reason: str) -> CheckpointError:
    return CheckpointError(
        f"checkpoint file {str(path)!r} cannot be used: {reason}. It was cut short (an interrupted copy, "
        "a full disk), changed, or not written by rnnkit. Restore an intact copy of the run folder, or "
        "start a fresh run in a new run folder."
    )


# --- weights: safetensors --------------------------------------------------------------------------


def _split_safetensors(blob: bytes, path: Path) -> tuple[dict[str, Any], bytes]:
    if len(blob) < 8:
        raise _corrupt(path, f"only {len(blob)} bytes")
    (header_len,) = struct.unpack("<Q", blob[:8])
    if header_len > len(blob) - 8:
        raise _corrupt(path, "the header is longer than the file")
    try:
        header = json.loads(blob[8 : 8 + header_len])
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _corrupt(path, "the safetensors header is not valid JSON") from None
    if not isinstance(header, dict):
        raise _corrupt(path, "the safetensors header is not a table")
    return header, blob[8 + header_len :]


def _weights_digest(header: dict[str, Any], data: bytes) -> str:
    table = {k: v for k, v in header.items() if k != "__metadata__"}
    digest = hashlib.sha256(json.dumps(table, sort_keys=True).encode())
    digest.update(data)
    return digest.hexdigest()


def save_weights(
    state: Mapping[str, Tensor], path: str | Path, metadata: Mapping[str, str] | None = None
) -> None:
    """Save a state dict as ``.safetensors`` atomically, with a content digest in its metadata.

    Tensors are copied to CPU and de-aliased (tied weights are stored once per name).
    """
    from safetensors.torch import save

    tensors = {name: t.detach().to("cpu").contiguous().clone() for name, t in state.items()}
    meta = {str(k): str(v) for k, v in (metadata or {}).items()}
    blob = save(tensors, metadata=meta)
    header, data = _split_safetensors(blob, Path(path))
    meta[DIGEST_KEY] = _weights_digest(header, data)
    atomic_write_bytes(path, save(tensors, metadata=meta))


def load_weights(path: str | Path, device: str | torch.device = "cpu") -> dict[str, Tensor]:
    """Load a ``.safetensors`` state dict, verifying its digest when it has one.

    Raises:
        CheckpointError: the file is missing, truncated or corrupt (names the file and the fix).
    """
    from safetensors.torch import load

    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"weights file {str(path)!r} does not exist. Check the run folder.")
    blob = path.read_bytes()
    header, data = _split_safetensors(blob, path)
    expected = (header.get("__metadata__") or {}).get(DIGEST_KEY)
    if expected is not None and expected != _weights_digest(header, data):
        raise _corrupt(path, "its content does not match the digest stored in it")
    try:
        tensors = load(blob)
    except Exception as error:  # safetensors raises its own error types for malformed files
        raise _corrupt(path, f"safetensors could not read it ({error})") from None
    return {name: t.to(device) for name, t in tensors.items()}


def read_weights_metadata(path: str | Path) -> dict[str, str]:
    """The string metadata stored in a ``.safetensors`` file (without its digest)."""
    path = Path(path)
    header, _ = _split_safetensors(path.read_bytes(), path)
    return {k: v for k, v in (header.get("__metadata__") or {}).items() if k != DIGEST_KEY}


# --- trainer state: torch.save of tensors and primitives -------------------------------------------


def _feed(digest: Any, value: Any) -> None:
    """Hash a nested structure of tensors and primitives, independent of how it was serialised."""
    if isinstance(value, Tensor):
        t = value.detach().to("cpu").contiguous()
        digest.update(f"T{t.dtype}{tuple(t.shape)}".encode())
        digest.update(t.reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b"")
    elif isinstance(value, Mapping):
        digest.update(f"D{len(value)}".encode())
        for key in sorted(value, key=repr):
            _feed(digest, key)
            _feed(digest, value[key])
    elif isinstance(value, (list, tuple)):
        digest.update(f"L{len(value)}".encode())
        for item in value:
            _feed(digest, item)
    else:
        digest.update(f"P{type(value).__name__}:{value!r};".encode())


def state_digest(state: Any) -> str:
    """SHA-256 of a nested structure of tensors and primitives (lists and tuples hash alike)."""
    digest = hashlib.sha256()
    _feed(digest, state)
    return digest.hexdigest()


def save_state(state: Mapping[str, Any], path: str | Path) -> None:
    """Save a dict of tensors and primitive containers with ``torch.save``, atomically, with a digest."""
    payload = dict(state)
    payload["sha256"] = state_digest(state)
    buffer = io.BytesIO()
    torch.save(payload, buffer)
    atomic_write_bytes(path, buffer.getvalue())


def load_state(path: str | Path) -> dict[str, Any]:
    """Load a file written by :func:`save_state` with ``torch.load(weights_only=True)`` and verify it.

    Raises:
        CheckpointError: the file is missing, unreadable, truncated or its digest does not match.
    """
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(
            f"trainer state {str(path)!r} does not exist: there is no run to resume there. "
            "Check the run folder, or train without resume."
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch's notes on foreign pickles; the error below says it
            payload = torch.load(io.BytesIO(path.read_bytes()), map_location="cpu", weights_only=True)
    except Exception as error:  # truncated zips, flipped bytes and foreign pickles fail in many ways
        what = (
            "it holds Python objects that are not tensors" if "Weights only" in str(error) else "unreadable"
        )
        raise _corrupt(
            path, f"it is not a trainer state torch can read safely ({what}; {type(error).__name__})"
        ) from None
    if not isinstance(payload, dict) or "sha256" not in payload:
        raise _corrupt(path, "it is not an rnnkit trainer state (no digest)")
    expected = payload.pop("sha256")
    if expected != state_digest(payload):
        raise _corrupt(path, "its content does not match the digest stored in it")
    return payload
