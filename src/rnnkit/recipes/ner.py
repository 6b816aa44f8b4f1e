"""Named-entity recognition (N vs N): a BiLSTM-CRF over words, their characters and their case.

Pipeline: CoNLL-2003 from the data root (or any CoNLL files: ``--set data.train=F data.test=F``), tags
read as IOB2 whatever the file's scheme (:mod:`rnnkit.data.conll`) -> word, character and tag
vocabularies from the training sentences (:mod:`rnnkit.recipes.ner_data`), optionally extended by
pretrained vectors (``model.vectors``) -> :class:`~rnnkit.models.tagger.SequenceTagger` with a
character CNN or BiLSTM, a case feature, word dropout and a linear-chain CRF constrained to IOB2's
transitions -> entity-level F1 as conlleval counts it (:mod:`rnnkit.recipes.ner_metrics`).

With CoNLL-2003, the last ``data.validation_fraction`` of ``train.txt``'s documents is held out to stop
training; ``valid.txt`` (testa) is the test split, scored once after training.

``rnnkit predict RUN "EU rejects German call to boycott British lamb ."`` prints the entities;
``rnnkit evaluate RUN --file other.conll`` scores any CoNLL file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from .base import Prepared, Recipe, Split
from .ner_config import PRESETS, NerConfig

if TYPE_CHECKING:
    from torch import nn

    from ..data.conll import TaggedSentence
    from ..training.run_folder import RunFolder
    from .inputs import PredictInput
    from .ner_task import NerTask

TEST_PART = "CoNLL-2003 valid.txt (testa)"


def load_splits(
    config: NerConfig, data_dir: str | None
) -> tuple[list[TaggedSentence], list[TaggedSentence], list[TaggedSentence], str]:
    """``(train, validation, test, test name)`` sentences, tags in IOB2."""
    from ..data.conll import read_conll
    from ..data.datasets.conll2003 import load_conll2003
    from .ner_data import held_out_documents

    data = config.data

    def read(path: str) -> list[TaggedSentence]:
        return read_conll(path, data.tag_column, data.scheme)

    if data.train:
        if not data.test:
            raise ValueError(
                f"data.train={data.train} is given without data.test: name the CoNLL file to score after "
                "training (--set data.test=FILE)."
            )
        train, test, test_name = read(data.train), read(data.test), data.test
    else:
        if data.validation or data.test:
            raise ValueError("data.validation and data.test go with data.train (your own CoNLL files).")
        train, test, test_name = (
            load_conll2003("train", data_dir),
            load_conll2003("validation", data_dir),
            TEST_PART,
        )
    if data.limit:
        train = train[: data.limit]
    if data.validation:
        validation = read(data.validation)
    else:
        train, validation = held_out_documents(train, data.validation_fraction)
    return train, validation, test, test_name


def sentence_split(
    config: NerConfig, artifacts: Mapping[str, Any], sentences: list[TaggedSentence], train: bool = False
) -> Split:
    """Sentences as the trainer reads them: length-bucketed batches, shuffled for training."""
    from ..data.batching import BucketBatchSampler
    from .ner_data import collate, encode_split

    vocabularies = (artifacts["words"], artifacts["chars"], artifacts["tags"])
    dataset = encode_split(sentences, vocabularies, config.data, train=train)
    lengths = [len(s.tokens) for s in sentences]
    size = config.train.batch_size
    sampler = BucketBatchSampler(
        lengths, size, shuffle=train and config.train.shuffle, seed=config.train.seed
    )
    return Split(dataset, collate, sampler)


class NerRecipe(Recipe):
    name = "ner"
    description = "named entities: BiLSTM-CRF over words, characters and case -> IOB2 tags (N vs N)"
    dataset = "conll2003 (or any CoNLL files: --set data.train=F data.test=F)"
    presets: ClassVar[Mapping[str, Any]] = PRESETS
    quick = (
        "data.limit=600",
        "model.embedding_dim=32",
        "model.embedding_uniform_init=0.3",
        "model.rnn.hidden_size=32",
        "model.char_hidden_size=16",
        "train.epochs=1",
    )
    inputs = (
        'sentences ("EU rejects German call to boycott British lamb ."), --file sentences.txt (one per '
        "line) or --file file.conll (CoNLL sentences; --output out.conll writes the tags beside them)"
    )
    example_inputs = ('"EU rejects German call to boycott British lamb ."',)
    output_formats = (".conll",)

    def check(self, config: NerConfig) -> None:
        model = config.model
        filled = {
            "vocab_size": model.vocab_size,
            "input_size": model.input_size,
            "unk_id": model.unk_id,
            "num_tags": model.num_tags or None,
            "char_vocab_size": model.char_vocab_size or None,
            "case_classes": model.case_classes or None,
        }
        given = [name for name, value in filled.items() if value is not None]
        if given:
            raise ValueError(
                f"model.{given[0]} is set by the ner recipe from the training data; leave it unset "
                "(data.min_freq sizes the vocabulary, model.case_feature switches the case feature)."
            )
        if config.train.validation_split:
            raise ValueError(
                "train.validation_split does not apply to ner: the validation part is data.validation, or "
                "the last data.validation_fraction of the training documents."
            )
        if model.head != "crf" and model.constrained:
            raise ValueError(
                "model.constrained=true needs model.head=crf (the constraint acts on the CRF's transitions); "
                "set model.constrained=false for the softmax head."
            )

    def prepare(self, config: NerConfig, data_dir: str | None) -> Prepared:
        from .ner_data import build_vocabularies, describe_counts

        train, validation, test, test_name = load_splits(config, data_dir)
        words, chars, tags = build_vocabularies(train, config.data)
        artifacts: dict[str, Any] = {"words": words, "chars": chars, "tags": tags}
        counts: dict[str, Any] = {"test_part": test_name, "tags": tags, "char_vocab_size": len(chars)}
        if config.model.vectors:
            artifacts.update(self._vectors(config, words))
            counts["vectors_found"] = artifacts.pop("vectors_found")
        counts["vocab_size"] = len(artifacts["words"])
        for name, sentences in (("train", train), ("validation", validation), ("test", test)):
            counts.update({f"{name}_{key}": value for key, value in describe_counts(sentences).items()})
        return Prepared(
            sentence_split(config, artifacts, train, train=True),
            sentence_split(config, artifacts, validation),
            sentence_split(config, artifacts, test),
            artifacts,
            counts,
        )

    @staticmethod
    def _vectors(config: NerConfig, words: Any) -> dict[str, Any]:
        """The vocabulary extended with the vectors' words, and the embedding that starts from them."""
        import torch

        from ..data.vocab import Vocab
        from ..data.word_vectors import read_vectors
        from .ner_data import normalise

        vectors = read_vectors(config.model.vectors)
        if vectors.dim != config.model.embedding_dim:
            raise ValueError(
                f"model.vectors={config.model.vectors} holds {vectors.dim}-dimensional vectors but "
                f"model.embedding_dim={config.model.embedding_dim}; set --set "
                f"model.embedding_dim={vectors.dim}."
            )
        by_word: dict[str, list[float]] = {}
        for word, vector in zip(vectors.words, vectors.vectors, strict=True):
            by_word.setdefault(normalise(word, config.data), vector)  # first spelling wins
        extra = [word for word in by_word if word not in words]
        extended = Vocab(words.itos[len(words.specials) :] + extra, specials=words.specials)
        bound = config.model.embedding_uniform_init or 0.1
        weights = torch.empty(len(extended), vectors.dim).uniform_(-bound, bound)
        weights[extended.pad_id] = 0.0
        for word, vector in by_word.items():
            weights[extended.stoi[word]] = torch.tensor(vector)
        return {"words": extended, "embedding_weights": weights, "vectors_found": len(by_word)}

    def build_model(self, config: NerConfig, artifacts: Mapping[str, Any]) -> nn.Module:
        from ..data.tag_schemes import allowed_transitions
        from ..models.tagger import SequenceTagger
        from .ner_data import CASES

        words, chars, tags = artifacts["words"], artifacts["chars"], artifacts["tags"]
        model_config = replace(
            config.model,
            num_tags=len(tags),
            vocab_size=len(words),
            unk_id=words.unk_id,
            char_vocab_size=len(chars) if config.model.char_features != "none" else 0,
            case_classes=len(CASES) if config.model.case_feature else 0,
        )
        tagger = SequenceTagger(model_config, artifacts.get("embedding_weights"), config.model.freeze_vectors)
        if tagger.crf is not None and config.model.constrained:
            tagger.crf.constrain(*allowed_transitions(tags))
        return tagger

    def task(self, config: NerConfig, artifacts: Mapping[str, Any] | None = None) -> NerTask:
        from .ner_task import NerTask

        if artifacts is None:
            raise ValueError("ner's task needs the tag names: recipe.task(config, artifacts).")
        return NerTask(artifacts["tags"])

    def save_artifacts(self, run: RunFolder, artifacts: Mapping[str, Any]) -> None:
        run.write_vocab(artifacts["words"])
        artifacts["chars"].to_json(run.file(run.CHAR_VOCAB))
        run.write_json(run.TAGS, {"tags": list(artifacts["tags"])})

    def load_artifacts(self, run: RunFolder) -> dict[str, Any]:
        from ..data.vocab import Vocab

        chars_path = run.file(run.CHAR_VOCAB)
        if not chars_path.is_file():
            raise FileNotFoundError(f"{chars_path} does not exist; the run folder {run.path} is incomplete.")
        tags = run.read_json(run.TAGS, "the tag names")["tags"]
        return {"words": run.read_vocab(), "chars": Vocab.from_json(chars_path), "tags": tags}

    def test_split(self, config: NerConfig, data_dir: str | None, artifacts: Mapping[str, Any]) -> Split:
        from ..data.conll import read_conll
        from ..data.datasets.conll2003 import load_conll2003

        data = config.data
        test = (
            read_conll(data.test, data.tag_column, data.scheme)
            if data.test
            else load_conll2003("validation", data_dir)
        )
        return sentence_split(config, artifacts, test)

    def file_split(
        self, config: NerConfig, artifacts: Mapping[str, Any], path: str, reference: str | None = None
    ) -> Split:
        """The sentences of any CoNLL file with a tag column (``data.tag_column``, ``data.scheme``)."""
        from ..data.conll import read_conll

        if reference is not None:
            raise ValueError(
                "ner scores one CoNLL file that holds its own tags: pass --file FILE.conll only."
            )
        return sentence_split(config, artifacts, read_conll(path, config.data.tag_column, config.data.scheme))

    def split_figures(
        self, config: NerConfig, model: nn.Module, artifacts: Mapping[str, Any], split: Split, prefix: str
    ) -> dict[str, Any]:
        """Entity precision, recall and F1 (micro and per type), token accuracy and the type confusion."""
        from .ner_metrics import entity_scores
        from .ner_use import tag_sentences

        sentences = split.dataset.sentences  # type: ignore[attr-defined]  # an EncodedSentences
        predicted = tag_sentences(config, model, artifacts, sentences)
        return entity_scores([s.tags for s in sentences], predicted).figures(prefix)

    def report(
        self, config: NerConfig, model: nn.Module, prepared: Prepared, run: RunFolder | None
    ) -> dict[str, Any]:
        """The test split's entity figures (per type, confusion of types) and ``confusion_matrix.png``."""
        figures = self.split_figures(config, model, prepared.artifacts, prepared.test, "test")
        if run is not None:
            from ..plots import PlotsUnavailableError, confusion_figure, to_png

            confusion = figures["test_type_confusion"]
            names = list(confusion)  # the types, then "none" (a missed or a spurious entity)
            counts = [[confusion[row][column] for column in names] for row in names]
            where = Path(config.data.test).name if config.data.test else "CoNLL-2003 testa"
            try:
                title = f"{where}: entity types, gold (rows) by predicted"
                figure = confusion_figure(counts, names, title=title)
                figures["confusion_plot"] = str(run.write_png(run.CONFUSION_PLOT, to_png(figure)))
            except PlotsUnavailableError as error:
                figures["plot_unavailable"] = str(error)
        return figures

    def verdict(self, summary: Mapping[str, Any]) -> list[str]:
        f1 = summary.get("test_f1")
        if f1 is None:
            return []
        types = ", ".join(
            f"{k.removeprefix('test_f1_')} {v}" for k, v in summary.items() if k.startswith("test_f1_")
        )
        precision, recall = summary.get("test_precision"), summary.get("test_recall")
        return [
            f"entity F1 on {summary.get('test_part')}: {f1} (precision {precision}, recall {recall}; {types})"
        ]

    def file_inputs(self, path: Path) -> list[PredictInput] | None:
        from .ner_use import file_inputs

        return file_inputs(path)

    def predict(
        self,
        config: NerConfig,
        model: nn.Module,
        artifacts: Mapping[str, Any],
        inputs: Sequence[Any],
        data_dir: str | None,
    ) -> list[dict[str, Any]]:
        """The entities of each sentence (a text, or a sentence of a CoNLL file), with its tokens and tags."""
        from .ner_use import as_sentence, entity_rows, tag_sentences

        sentences = [as_sentence(value) for value in inputs]
        tags = tag_sentences(config, model, artifacts, sentences)
        return [entity_rows(s, t, config.data.scheme) for s, t in zip(sentences, tags, strict=True)]
