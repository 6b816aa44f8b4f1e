"""Models for the four input/output structures, each a torch.nn.Module built from a frozen config.

- N vs 1: :class:`SequenceClassifier` (pooling by last state, mean, max or attention).
- N vs N: :class:`SequenceTagger` (softmax or :class:`LinearChainCRF` head).
- 1 vs N: :class:`ConditionalGenerator`; :class:`LanguageModel` for next-token generation.
- N vs M: :class:`Seq2Seq` with :class:`BahdanauAttention` or :class:`LuongAttention`.
- Forecasting: :class:`Forecaster` (direct or autoregressive, optional Gaussian output).

Decoding (:func:`greedy_decode`, :func:`sample_decode`, :func:`beam_search`) is model-agnostic.
"""

from .attention import BahdanauAttention, LuongAttention
from .beam import BeamResult, beam_search
from .classifier import ClassifierConfig, SequenceClassifier
from .crf import LinearChainCRF
from .decoding import greedy_decode, sample_decode
from .encoder import LAYERS_BY_CELL, RNNConfig, build_rnn
from .forecaster import Forecaster, ForecasterConfig
from .generator import ConditionalGenerator, GeneratorConfig
from .language_model import LanguageModel, LanguageModelConfig
from .seq2seq import Seq2Seq, Seq2SeqConfig
from .tagger import SequenceTagger, TaggerConfig

__all__ = [
    "LAYERS_BY_CELL",
    "BahdanauAttention",
    "BeamResult",
    "ClassifierConfig",
    "ConditionalGenerator",
    "Forecaster",
    "ForecasterConfig",
    "GeneratorConfig",
    "LanguageModel",
    "LanguageModelConfig",
    "LinearChainCRF",
    "LuongAttention",
    "RNNConfig",
    "Seq2Seq",
    "Seq2SeqConfig",
    "SequenceClassifier",
    "SequenceTagger",
    "TaggerConfig",
    "beam_search",
    "build_rnn",
    "greedy_decode",
    "sample_decode",
]
