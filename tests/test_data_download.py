"""rnnkit.data.download: data root, digest verification, repack leniency, file:// downloads, digest cache."""

from __future__ import annotations

import hashlib
import io
import os
import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from rnnkit.data import digest_cache, download
from rnnkit.data.download import DownloadError, RemoteFile, data_root, fetch, sha256_of

CONTENT = b"official bytes\n" * 1000
OTHER = b"rebuilt bytes\n" * 1000


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own digest cache, never the user's."""
    cache_home = tmp_path / "xdg-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    return cache_home


@pytest.fixture
def remote(tmp_path: Path) -> RemoteFile:
    """An 'official' file served from a file:// URL."""
    source = tmp_path / "server" / "data.bin"
    source.parent.mkdir()
    source.write_bytes(CONTENT)
    return RemoteFile("demo", "data.bin", source.as_uri(), digest(CONTENT), len(CONTENT))


def place(root: Path, remote: RemoteFile, data: bytes) -> Path:
    """A file put into the data root by hand."""
    path = root / remote.folder / remote.name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_data_root_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("RNNKIT_DATA", raising=False)
    assert data_root() == tmp_path / "home" / ".cache" / "rnnkit"
    monkeypatch.setenv("RNNKIT_DATA", str(tmp_path / "env"))
    assert data_root() == tmp_path / "env"
    assert data_root(tmp_path / "arg") == tmp_path / "arg"
    assert data_root(str(tmp_path / "arg")) == tmp_path / "arg"


def test_sha256_of_matches_hashlib(tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    data = os.urandom(3 * download.CHUNK_BYTES + 17)  # several chunks and a partial one
    path.write_bytes(data)
    assert sha256_of(path) == digest(data)


def test_download_from_file_url(remote: RemoteFile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stderr = FakeTTY()
    monkeypatch.setattr("sys.stderr", stderr)
    root = tmp_path / "data"
    path = fetch(remote, root)
    assert path == root / "demo" / "data.bin"
    assert path.read_bytes() == CONTENT
    assert os.listdir(path.parent) == ["data.bin"]  # no temporary file left
    drawn = stderr.getvalue()
    final = drawn.rstrip("\n").split("\r")[-1]  # tqdm's last redraw
    assert final.startswith("data.bin: 100%") and "15.0k/15.0k" in final and drawn.endswith("\n")
    assert re.search(r"\[\d\d:\d\d<\d\d:\d\d, +[\d.]+[kMG]?B/s\]", final)  # elapsed<ETA, rate


def test_download_is_silent_when_stderr_is_not_a_terminal(
    remote: RemoteFile, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fetch(remote, tmp_path / "data")
    assert capsys.readouterr().err == ""


def test_download_renames_atomically(
    remote: RemoteFile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    real_replace = os.replace

    def recording_replace(src, dst) -> None:
        src, dst = Path(src), Path(dst)
        if dst.name == "data.bin":
            assert not dst.exists()  # the target appears only through the rename
            assert src.read_bytes() == CONTENT  # complete and verified before it
        calls.append((src, dst))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", recording_replace)
    path = fetch(remote, tmp_path / "data")
    downloads = [(src, dst) for src, dst in calls if dst == path]
    assert len(downloads) == 1
    src, _ = downloads[0]
    assert src.parent == path.parent and src.name.startswith(".data.bin.") and src.name.endswith(".part")


def test_downloaded_file_with_wrong_checksum_is_rejected_and_removed(
    remote: RemoteFile, tmp_path: Path
) -> None:
    wrong = RemoteFile(remote.folder, remote.name, remote.url, "0" * 64)
    root = tmp_path / "data"
    with pytest.raises(ValueError) as error:
        fetch(wrong, root)
    message = str(error.value)
    assert "0" * 64 in message and digest(CONTENT) in message and remote.url in message
    assert not (root / "demo").exists()  # neither the target, nor a temporary file, nor its folder


def test_downloaded_file_gets_no_repack_leniency(remote: RemoteFile, tmp_path: Path) -> None:
    official_elsewhere = RemoteFile(remote.folder, remote.name, remote.url, digest(OTHER))

    def passes(path: Path) -> None:
        return None

    with pytest.raises(ValueError, match=digest(CONTENT)):
        fetch(
            official_elsewhere,
            tmp_path / "data",
            structural_check=passes,
            known_repacks={digest(CONTENT): "would be accepted if it had been placed by hand"},
        )
    assert not (tmp_path / "data" / "demo" / "data.bin").exists()


def test_unreachable_url_names_it_and_the_manual_way(tmp_path: Path) -> None:
    url = (tmp_path / "nowhere" / "data.bin").as_uri()
    remote = RemoteFile("demo", "data.bin", url, digest(CONTENT))
    with pytest.raises(DownloadError) as error:
        fetch(remote, tmp_path / "data")
    assert isinstance(error.value, FileNotFoundError) and isinstance(error.value, ConnectionError)
    message = str(error.value)
    assert url in message and "by hand" in message and str(tmp_path / "data" / "demo" / "data.bin") in message
    assert not (tmp_path / "data").exists()  # no folder left behind


def test_network_error_mid_download_leaves_nothing(
    remote: RemoteFile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class BrokenResponse(io.BytesIO):
        headers: dict[str, str] = {"Content-Length": str(len(CONTENT))}
        calls = 0

        def read(self, size: int = -1) -> bytes:
            self.calls += 1
            if self.calls > 1:
                raise TimeoutError("the read timed out")
            return super().read(100)

    monkeypatch.setattr(urllib.request, "urlopen", lambda url, timeout: BrokenResponse(CONTENT))
    with pytest.raises(DownloadError, match="broke off"):
        fetch(remote, tmp_path / "data")
    assert not (tmp_path / "data").exists()  # no folder left behind


def test_http_error_is_a_connection_error(
    remote: RemoteFile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(url: str, timeout: float):
        raise urllib.error.URLError("Name or service not known")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    with pytest.raises(DownloadError, match="Name or service not known"):
        fetch(remote, tmp_path / "data")


def test_unwritable_data_root_names_the_path_and_the_way_out(remote: RemoteFile, tmp_path: Path) -> None:
    not_a_folder = tmp_path / "data"
    not_a_folder.write_text("a file where the data root should be")
    with pytest.raises(FileNotFoundError) as error:
        fetch(remote, not_a_folder)
    message = str(error.value)
    assert (
        str(not_a_folder / "demo" / "data.bin") in message
        and remote.url in message
        and "RNNKIT_DATA" in message
    )


def test_missing_file_without_download_names_path_and_url(remote: RemoteFile, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError) as error:
        fetch(remote, tmp_path / "data", download=False)
    message = str(error.value)
    assert str(tmp_path / "data" / "demo" / "data.bin") in message and remote.url in message


def test_placed_official_file_is_used_without_download(
    remote: RemoteFile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = place(tmp_path / "data", remote, CONTENT)
    monkeypatch.setattr(urllib.request, "urlopen", lambda *a, **k: pytest.fail("must not download"))
    assert fetch(remote, tmp_path / "data") == path


def test_placed_file_with_wrong_digest_is_an_error(remote: RemoteFile, tmp_path: Path) -> None:
    place(tmp_path / "data", remote, OTHER)
    with pytest.raises(ValueError) as error:
        fetch(remote, tmp_path / "data")
    message = str(error.value)
    assert digest(CONTENT) in message and digest(OTHER) in message and "delete it" in message


def test_placed_file_failing_the_structural_check_names_both_digests(
    remote: RemoteFile, tmp_path: Path
) -> None:
    place(tmp_path / "data", remote, OTHER)

    def check(path: Path) -> None:
        raise ValueError("the header says version 7.")

    with pytest.raises(ValueError) as error:
        fetch(remote, tmp_path / "data", structural_check=check)
    message = str(error.value)
    assert digest(CONTENT) in message and digest(OTHER) in message
    assert "version 7" in message and "Delete it" in message


def test_placed_file_passing_the_structural_check_is_accepted_with_a_warning(
    remote: RemoteFile, tmp_path: Path
) -> None:
    path = place(tmp_path / "data", remote, OTHER)
    seen = []
    with pytest.warns(UserWarning) as record:
        assert fetch(remote, tmp_path / "data", structural_check=seen.append) == path
    assert seen == [path]
    message = str(record[0].message)
    assert digest(CONTENT) in message and digest(OTHER) in message and str(path) in message


def test_known_repack_is_accepted_with_a_warning(remote: RemoteFile, tmp_path: Path) -> None:
    path = place(tmp_path / "data", remote, OTHER)
    repacks = {digest(OTHER): "rebuilt from the original parts"}

    def never(path: Path) -> None:
        pytest.fail("a known repack needs no structural check")

    with pytest.warns(UserWarning) as record:
        assert fetch(remote, tmp_path / "data", structural_check=never, known_repacks=repacks) == path
    message = str(record[0].message)
    assert (
        digest(CONTENT) in message
        and digest(OTHER) in message
        and "rebuilt from the original parts" in message
    )


def test_a_directory_in_place_of_the_file_is_an_error(remote: RemoteFile, tmp_path: Path) -> None:
    (tmp_path / "data" / "demo" / "data.bin").mkdir(parents=True)
    with pytest.raises(ValueError, match="not a regular file"):
        fetch(remote, tmp_path / "data")


def test_verified_file_is_hashed_once_and_never_downloaded_again(
    remote: RemoteFile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    real = download.sha256_of

    def counting_sha256_of(path) -> str:
        calls.append(Path(path))
        return real(path)

    monkeypatch.setattr(download, "sha256_of", counting_sha256_of)
    root = tmp_path / "data"
    path = fetch(remote, root)  # downloaded: hashed while streaming, digest remembered
    monkeypatch.setattr(urllib.request, "urlopen", lambda *a, **k: pytest.fail("must not download again"))
    for _ in range(3):
        assert fetch(remote, root) == path
    assert calls == []
    data_listing = sorted(p.name for p in path.parent.iterdir())
    assert data_listing == ["data.bin"]  # the cache lives elsewhere, never next to the data

    path.write_bytes(CONTENT)  # same bytes, new modification time: hashed again, once
    os.utime(path, ns=(1, 1))
    fetch(remote, root)
    fetch(remote, root)
    assert calls == [path]


def test_unwritable_digest_cache_falls_back_to_hashing(
    remote: RemoteFile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    calls = []
    real = download.sha256_of
    monkeypatch.setattr(download, "sha256_of", lambda path: calls.append(path) or real(path))
    place(tmp_path / "data", remote, CONTENT)
    fetch(remote, tmp_path / "data")
    fetch(remote, tmp_path / "data")
    assert len(calls) == 2  # silently hashed each time


def test_digest_cache_misses_on_change_and_on_garbage(tmp_path: Path) -> None:
    path, cache = tmp_path / "f.bin", tmp_path / "cache"
    path.write_bytes(b"abc")
    assert digest_cache.lookup(path, cache_dir=cache) is None
    digest_cache.remember(path, "d1", cache_dir=cache)
    assert digest_cache.lookup(path, cache_dir=cache) == "d1"
    path.write_bytes(b"abcd")  # new size
    assert digest_cache.lookup(path, cache_dir=cache) is None
    digest_cache.remember(path, "d2", cache_dir=cache)
    for entry in cache.iterdir():
        entry.write_text("{not json")
    assert digest_cache.lookup(path, cache_dir=cache) is None


def test_download_progress_can_be_turned_off_or_forced(
    remote: RemoteFile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    terminal, log = FakeTTY(), io.StringIO()
    monkeypatch.setattr("sys.stderr", terminal)
    fetch(remote, tmp_path / "off", progress=False)
    assert terminal.getvalue() == ""
    monkeypatch.setattr("sys.stderr", log)  # not a terminal, but asked for: drawn, without colour codes
    fetch(remote, tmp_path / "on", progress=True)
    assert log.getvalue().rstrip("\n").split("\r")[-1].startswith("data.bin: 100%")
    assert "\x1b" not in log.getvalue()
