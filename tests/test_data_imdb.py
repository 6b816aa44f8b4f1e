"""rnnkit.data.datasets.imdb: tiny archives in the official layout, bad inputs, and the shared mirror."""

from __future__ import annotations

import gzip
import io
import os
import tarfile
import warnings
from pathlib import Path

import pytest

from rnnkit.data import Vocab, pad_sequences, tokenize
from rnnkit.data.datasets.imdb import (
    IMDB_ARCHIVE,
    IMDB_REPACKS,
    imdb_structural_check,
    load_imdb,
    load_imdb_splits,
)
from rnnkit.data.download import fetch, sha256_of

REVIEWS = {
    "aclImdb/train/pos/2_9.txt": "A <i>great</i> film!<br /><br />I'd see it again, 10/10.",
    "aclImdb/train/pos/10_8.txt": "Loved it... really.",
    "aclImdb/train/neg/3_2.txt": "Dull. Don't bother?!",
    "aclImdb/train/neg/1_1.txt": "Worst movie<br/>ever.",
    "aclImdb/test/pos/2_7.txt": "Caf\u00e9 scenes were lovely \u2014 8/10",
    "aclImdb/test/neg/5_4.txt": "Meh.",
}
EXTRAS = {  # members the loader must skip
    "aclImdb/README": "Large Movie Review Dataset v1.0",
    "aclImdb/imdb.vocab": "the\nand\n",
    "aclImdb/train/unsup/0_0.txt": "Unlabelled review.",
    "aclImdb/train/urls_pos.txt": "http://www.imdb.com/title/tt0000001/usercomments\n",
}


def tar_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def write_archive(root: Path, members: dict[str, str | bytes]) -> Path:
    """``root/imdb/aclImdb_v1.tar.gz`` holding ``members`` (text encoded as UTF-8)."""
    raw = {name: data.encode("utf-8") if isinstance(data, str) else data for name, data in members.items()}
    path = root / "imdb" / "aclImdb_v1.tar.gz"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(tar_bytes(raw)))
    return path


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))


def test_tiny_archive_both_splits(tmp_path: Path) -> None:
    path = write_archive(tmp_path, {**EXTRAS, **REVIEWS})
    with pytest.warns(UserWarning, match="structure checks out") as record:
        splits = load_imdb_splits(tmp_path)
    assert sha256_of(path) in str(record[0].message) and IMDB_ARCHIVE.sha256 in str(record[0].message)
    texts, labels = splits["train"]
    # sorted by member name, as plain strings: neg/ before pos/, and 10_8.txt before 2_9.txt
    assert texts == [
        REVIEWS["aclImdb/train/neg/1_1.txt"],
        REVIEWS["aclImdb/train/neg/3_2.txt"],
        REVIEWS["aclImdb/train/pos/10_8.txt"],
        REVIEWS["aclImdb/train/pos/2_9.txt"],
    ]
    assert labels == [0, 0, 1, 1]
    assert splits["test"] == (
        [REVIEWS["aclImdb/test/neg/5_4.txt"], REVIEWS["aclImdb/test/pos/2_7.txt"]],
        [0, 1],
    )
    assert tokenize(texts[3]) == [
        "a",
        "great",
        "film",
        "!",
        "i'd",
        "see",
        "it",
        "again",
        ",",
        "10",
        "/",
        "10",
        ".",
    ]


def test_order_is_by_member_name_whatever_the_archive_order(tmp_path: Path) -> None:
    write_archive(tmp_path, dict(reversed(list(REVIEWS.items()))))
    with pytest.warns(UserWarning):
        reversed_order = load_imdb("train", tmp_path)
    write_archive(tmp_path, REVIEWS)
    with pytest.warns(UserWarning):
        assert load_imdb("train", tmp_path) == reversed_order


def test_empty_review_is_kept_and_the_pipeline_goes_on(tmp_path: Path) -> None:
    write_archive(
        tmp_path, {**REVIEWS, "aclImdb/train/neg/2_3.txt": "", "aclImdb/train/pos/4_9.txt": "<br /><br />"}
    )
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        texts, labels = load_imdb("train", tmp_path)
    messages = [str(w.message) for w in record]
    assert any("1 empty review file(s)" in m and "aclImdb/train/neg/2_3.txt" in m for m in messages)
    assert len(texts) == len(labels) == 6 and "" in texts
    token_lists = [tokenize(text) for text in texts]
    assert sum(tokens == [] for tokens in token_lists) == 2  # the empty one and the tags-only one
    vocab = Vocab.build(token_lists)
    ids, lengths = pad_sequences(vocab.encode_all(token_lists), max_len=8)
    assert ids.shape == (6, 8) and int(lengths.min()) == 1


def test_review_that_is_not_utf8_names_the_member(tmp_path: Path) -> None:
    write_archive(tmp_path, {**REVIEWS, "aclImdb/train/pos/7_7.txt": "caf\u00e9".encode("latin-1")})
    with (
        pytest.warns(UserWarning),
        pytest.raises(ValueError, match=r"aclImdb/train/pos/7_7\.txt is not valid UTF-8"),
    ):
        load_imdb("train", tmp_path)


def test_truncated_archive_fails_the_structural_check(tmp_path: Path) -> None:
    path = write_archive(tmp_path, {**EXTRAS, **REVIEWS})
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError) as error:
        load_imdb("train", tmp_path)
    message = str(error.value)
    assert str(path) in message and "truncated" in message
    assert IMDB_ARCHIVE.sha256 in message and sha256_of(path) in message


def test_gzip_intact_but_tar_cut_short_is_a_value_error_naming_the_file(tmp_path: Path) -> None:
    raw = tar_bytes({name: text.encode() for name, text in REVIEWS.items()})
    path = tmp_path / "imdb" / "aclImdb_v1.tar.gz"
    path.parent.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(raw)) as tar:
        cut = tar.getmembers()[-1].offset_data + 2  # inside the last member's text
    path.write_bytes(gzip.compress(raw[:cut]))
    with pytest.warns(UserWarning), pytest.raises(ValueError, match="corrupted or truncated") as error:
        load_imdb("train", tmp_path)
    assert str(path) in str(error.value)


def test_not_an_archive_with_the_wrong_checksum(tmp_path: Path) -> None:
    path = tmp_path / "imdb" / "aclImdb_v1.tar.gz"
    path.parent.mkdir(parents=True)
    path.write_text("<html>404 Not Found</html>")
    with pytest.raises(ValueError, match="not a complete gzip file") as error:
        load_imdb_splits(tmp_path)
    assert IMDB_ARCHIVE.sha256 in str(error.value) and sha256_of(path) in str(error.value)


def test_structural_check_names_missing_folders_and_foreign_members(tmp_path: Path) -> None:
    only_train = {k: v for k, v in REVIEWS.items() if "/train/" in k}
    path = write_archive(tmp_path, only_train)
    with pytest.raises(ValueError, match=r"no review in aclImdb/test/neg/, aclImdb/test/pos/"):
        imdb_structural_check(path)
    path = write_archive(tmp_path, {"other/file.txt": "x", **REVIEWS})
    with pytest.raises(ValueError, match="'other/file.txt' is outside aclImdb/"):
        imdb_structural_check(path)
    imdb_structural_check(write_archive(tmp_path, REVIEWS))  # passes


def urls(*movies: str) -> str:
    """A ``urls_<label>.txt``: line i is the movie of review ``<i>_<rating>.txt``."""
    return "".join(f"http://www.imdb.com/title/{movie}/usercomments\n" for movie in movies)


URLS = {
    "aclImdb/train/urls_neg.txt": urls("tt00", "tt01", "tt02", "tt03"),
    "aclImdb/train/urls_pos.txt": urls(*[f"tt{10 + i}" for i in range(11)]),
    "aclImdb/test/urls_neg.txt": urls(*[f"tt9{i}" for i in range(6)]),
    "aclImdb/test/urls_pos.txt": urls("tt80", "tt81", "tt82"),
}


def test_movie_ids_come_from_the_urls_line_of_each_review(tmp_path: Path) -> None:
    write_archive(tmp_path, {**REVIEWS, **URLS})
    with pytest.warns(UserWarning):
        splits = load_imdb_splits(tmp_path, movie_ids=True)
        without_movies = load_imdb_splits(tmp_path)
    # train in member order: neg/1_1, neg/3_2, pos/10_8, pos/2_9 -> lines 1, 3 of neg and 10, 2 of pos
    texts, labels, movies = splits["train"]
    assert (texts, labels) == without_movies["train"]
    assert movies == ["tt01", "tt03", "tt20", "tt12"]
    assert splits["test"][2] == ["tt95", "tt82"]  # neg/5_4, pos/2_7


def test_movie_ids_bad_urls_files_are_named(tmp_path: Path) -> None:
    short = {**URLS, "aclImdb/train/urls_pos.txt": urls("tt10", "tt11", "tt12")}
    write_archive(tmp_path, {**REVIEWS, **short})  # train/pos/10_8.txt needs line 10
    with pytest.warns(UserWarning), pytest.raises(ValueError, match=r"train/pos/10_8\.txt has no line in"):
        load_imdb_splits(tmp_path, movie_ids=True)
    without = {k: v for k, v in URLS.items() if k != "aclImdb/test/urls_neg.txt"}
    write_archive(tmp_path, {**REVIEWS, **without})
    with pytest.warns(UserWarning), pytest.raises(ValueError, match=r"test/urls_neg\.txt is missing"):
        load_imdb_splits(tmp_path, splits=("test",), movie_ids=True)
    broken = {**URLS, "aclImdb/test/urls_pos.txt": urls("tt80") + "not a url\n"}
    write_archive(tmp_path, {**REVIEWS, **broken})
    with (
        pytest.warns(UserWarning),
        pytest.raises(ValueError, match=r"urls_pos\.txt line 2 is not an IMDB title"),
    ):
        load_imdb_splits(tmp_path, splits=("test",), movie_ids=True)


def test_missing_archive_without_download(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="ai.stanford.edu"):
        load_imdb("train", tmp_path, download=False)


def test_unknown_split(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="'valid'"):
        load_imdb("valid", tmp_path)
    with pytest.raises(ValueError, match="distinct"):
        load_imdb_splits(tmp_path, splits=("train", "train"))


# --- the shared mirror ------------------------------------------------------------------------


def mirror_root() -> Path:
    root = os.environ.get("RNNKIT_DATA")
    if not root:
        pytest.skip("RNNKIT_DATA is not set: the dataset mirror is needed (the Makefile and CI set it)")
    return Path(root)


@pytest.fixture(scope="module")
def imdb_mirror(tmp_path_factory: pytest.TempPathFactory):
    """Both splits read once for the whole module (about 6 s), and the warnings it gave."""
    root = mirror_root()
    with pytest.MonkeyPatch.context() as patch, warnings.catch_warnings(record=True) as record:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
        warnings.simplefilter("always")
        splits = load_imdb_splits(root, download=False, movie_ids=True)
    return splits, [str(w.message) for w in record]


def test_mirror_archive_is_the_known_repack() -> None:
    path = mirror_root() / "imdb" / "aclImdb_v1.tar.gz"
    repack = sha256_of(path)
    assert repack in IMDB_REPACKS
    with pytest.warns(UserWarning) as record:
        assert fetch(IMDB_ARCHIVE, mirror_root(), download=False, known_repacks=IMDB_REPACKS) == path
    message = str(record[0].message)
    assert repack in message and IMDB_ARCHIVE.sha256 in message and "known repack" in message


def test_mirror_splits_sizes_and_balance(imdb_mirror) -> None:
    splits, messages = imdb_mirror
    assert any("known repack" in m for m in messages)
    assert not any("empty review" in m for m in messages)
    for split in ("train", "test"):
        texts, labels, _ = splits[split]
        assert len(texts) == len(labels) == 25_000
        assert labels == [0] * 12_500 + [1] * 12_500  # sorted by member name: neg/ then pos/
        assert all(tokenize(text) for text in texts[::50])  # spot check: nothing tokenizes to []


def test_mirror_movies(imdb_mirror) -> None:
    splits, _ = imdb_mirror
    train_movies, test_movies = set(splits["train"][2]), set(splits["test"][2])
    assert len(train_movies) == 3456 and len(test_movies) == 3581
    # the README: at most 30 reviews per movie, and disjoint movies (one id is in both splits)
    assert max(splits["train"][2].count(m) for m in list(train_movies)[:200]) <= 30
    assert len(train_movies & test_movies) == 1
    assert splits["train"][2][:2] == ["tt0064354", "tt0075648"]  # urls_neg.txt lines 0 and 10000


def test_mirror_first_records(imdb_mirror) -> None:
    splits, _ = imdb_mirror
    train_texts, train_labels, _ = splits["train"]
    test_texts, test_labels, _ = splits["test"]
    # aclImdb/train/neg/0_3.txt and aclImdb/test/neg/0_2.txt
    assert train_labels[0] == 0 and train_texts[0].startswith(
        "Story of a man who has unnatural feelings for a pig."
    )
    assert test_labels[0] == 0 and test_texts[0].startswith("Once again Mr. Costner has dragged out a movie")


def test_mirror_first_positive_review_is_the_official_one(imdb_mirror) -> None:
    splits, _ = imdb_mirror
    texts, labels, _ = splits["train"]
    # aclImdb/train/pos/0_9.txt, the first positive review, in the official archive
    assert labels[12_500] == 1 and texts[12_500].startswith("Bromwell High is a cartoon comedy.")
