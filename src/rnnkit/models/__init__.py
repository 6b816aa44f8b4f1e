"""Models for the four input/output structures, each a torch.nn.Module built from a frozen config.

- N vs 1: :class:`SequenceClassifier` (pooling by last state, mean, max or attention).
- N vs N: :class:`SequenceTagger` (softmax or :class:`LinearChainCRF` head).
- 1 vs N: :class:`ConditionalGenerator`; :class:`LanguageModel` for next-token generation.
- N vs M: :class:`Seq2Seq` with :class:`BahdanauAttention` or :class:`LuongAttention`.
- Forecasting: :class:`Forecaster` (direct or autoregressive, optional Gaussian output); :class:`SegRNN`
  (segment-wise GRU with :class:`RevIN` and channel independence, Lin et al. 2023); :class:`DLinear`
  (the linear baseline over a trend/remainder :func:`decompose`).

Decoding (:func:`greedy_decode`, :func:`sample_decode`, :func:`beam_search`) is model-agnostic.
"""

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from .attention import BahdanauAttention, LuongAttention
    from .baselines import drift, naive, seasonal_naive
    from .beam import BeamResult, beam_search
    from .classifier import ClassifierConfig, SequenceClassifier
    from .config import SegRNNConfig
    from .crf import LinearChainCRF
    from .decoding import greedy_decode, sample_decode
    from .decomposition import DLinear, decompose
    from .encoder import LAYERS_BY_CELL, RNNConfig, build_rnn
    from .forecaster import Forecaster, ForecasterConfig
    from .generator import ConditionalGenerator, GeneratorConfig
    from .language_model import LanguageModel, LanguageModelConfig
    from .revin import RevIN
    from .segrnn import SegRNN
    from .seq2seq import Seq2Seq, Seq2SeqConfig
    from .tagger import SequenceTagger, TaggerConfig

__all__ = [
    "drift",
    "naive",
    "seasonal_naive",
    "DLinear",
    "RevIN",
    "SegRNN",
    "SegRNNConfig",
    "decompose",
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

_EXPORTS = {
    "drift": ".baselines",
    "naive": ".baselines",
    "seasonal_naive": ".baselines",
    "DLinear": ".decomposition",
    "decompose": ".decomposition",
    "RevIN": ".revin",
    "SegRNN": ".segrnn",
    "SegRNNConfig": ".config",
    "BahdanauAttention": ".attention",
    "LuongAttention": ".attention",
    "BeamResult": ".beam",
    "beam_search": ".beam",
    "ClassifierConfig": ".classifier",
    "SequenceClassifier": ".classifier",
    "LinearChainCRF": ".crf",
    "greedy_decode": ".decoding",
    "sample_decode": ".decoding",
    "LAYERS_BY_CELL": ".encoder",
    "RNNConfig": ".encoder",
    "build_rnn": ".encoder",
    "Forecaster": ".forecaster",
    "ForecasterConfig": ".forecaster",
    "ConditionalGenerator": ".generator",
    "GeneratorConfig": ".generator",
    "LanguageModel": ".language_model",
    "LanguageModelConfig": ".language_model",
    "Seq2Seq": ".seq2seq",
    "Seq2SeqConfig": ".seq2seq",
    "SequenceTagger": ".tagger",
    "TaggerConfig": ".tagger",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
