"""A learned judge of collaboration pairs: logistic weights over `pair_features`, trained on the dev corpus.

The weights are data (`kg/data/models/collaboration-pairs.json`, written by `qcollab train-pairs`); scoring
is a sum of the weights of a candidate's features, so no learning library runs at extraction time.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from rdflib import URIRef

from kg.errors import InputError

MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "models" / "collaboration-pairs.json"


@dataclass(frozen=True)
class PairCandidate:
    """Two different actors named in one sentence, and whether the rules found them collaborating."""

    first: URIRef
    second: URIRef
    sentence_start: int
    sentence_end: int
    sentence_text: str
    features: list[str]
    parse_found: bool


class PairJudge(Protocol):
    """Whether a candidate pair is a stated collaboration, and how sure (None: no opinion)."""

    def judge(self, candidate: PairCandidate) -> tuple[bool, float] | None: ...


@dataclass(frozen=True)
class PairModel:
    """Logistic weights: P(collaboration) = sigmoid(sum of the weights of the features present)."""

    weights: dict[str, float]
    threshold: float
    version: str

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> PairModel:
        """The weights from their JSON file; a file that is not one names what is wrong."""
        try:
            text = path.read_text(encoding="utf-8")
            return cls.from_dict(json.loads(text), hashlib.sha256(text.encode()).hexdigest()[:12])
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise InputError(f"{path}: not a collaboration-pair model ({error})") from None

    @classmethod
    def from_dict(cls, data: dict[str, object], version: str = "unsaved") -> PairModel:
        """The model from its JSON object (as `kg.extract.pair_training.fit` makes it)."""
        weights = data["weights"]
        if not isinstance(weights, dict):
            raise TypeError("weights must be an object of feature names to numbers")
        return cls(
            weights={str(k): float(v) for k, v in weights.items()},
            threshold=float(data["threshold"]),  # type: ignore[arg-type]
            version=version,
        )

    def probability(self, features: list[str]) -> float:
        score = sum(self.weights.get(f, 0.0) for f in features)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))

    def judge(self, candidate: PairCandidate) -> tuple[bool, float]:
        p = self.probability(candidate.features)
        return p >= self.threshold, p


@dataclass
class PairRecorder:
    """Collects every candidate of a run (for training) and has no opinion on any."""

    candidates: list[PairCandidate] = field(default_factory=list)

    def judge(self, candidate: PairCandidate) -> tuple[bool, float] | None:
        self.candidates.append(candidate)
        return None
