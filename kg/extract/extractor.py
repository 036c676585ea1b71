"""The extractor's parts, loaded once: the gazetteer, the statistical pipeline and the run it records."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.consistency import Consistency
from kg.extract.gazetteer import Gazetteer
from kg.extract.judges import MENTION_MODEL_PATH, PAIR_MODEL_PATH, Judge, LogisticJudge
from kg.extract.language import extraction_language
from kg.extract.run import RunInfo
from kg.text.nlp import ModelInfo

_BATCH = 128
_PARALLEL_FROM_SENTENCES = 4000


@dataclass
class Extractor:
    """Everything extraction needs that is costly to load; one per build, evaluation or service."""

    gazetteer: Gazetteer
    nlp: Language
    model: ModelInfo
    run: RunInfo
    min_confidence: float = 0.0
    consistency: Consistency = field(default_factory=Consistency)  # shared by the documents of one build
    pairs: Judge | None = None  # the learned judge of collaboration pairs (None: the rules alone)
    names: Judge | None = None  # the learned judge of the names the rules read (None: the rules alone)

    @classmethod
    def load(
        cls,
        gazetteer: Gazetteer | None = None,
        *,
        model_path: Path | None = None,
        min_confidence: float = 0.0,
        pair_model: Path | None = PAIR_MODEL_PATH,
        mention_model: Path | None = MENTION_MODEL_PATH,
    ) -> Extractor:
        """The packaged gazetteer (unless given) ahead of the statistical model (default: the pinned one)."""
        known = gazetteer or Gazetteer.load()
        nlp, model = extraction_language(known, model_path)
        pairs = LogisticJudge.load(pair_model) if pair_model is not None else None
        names = LogisticJudge.load(mention_model) if mention_model is not None else None
        run = RunInfo(model, {"collaboration-pairs": pairs, "mentions": names})
        return cls(known, nlp, model, run, min_confidence, pairs=pairs, names=names)

    def parse(self, texts: Sequence[str], processes: int = 1) -> Iterator[Doc]:
        """The texts through the pipeline, in batches (and in parallel processes for large corpora;
        `processes` 0 means one per CPU core)."""
        parallel = (processes or os.cpu_count() or 1) if len(texts) >= _PARALLEL_FROM_SENTENCES else 1
        return self.nlp.pipe(texts, batch_size=_BATCH, n_process=parallel)
