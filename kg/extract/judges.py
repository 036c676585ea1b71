"""Learned judges: logistic weights over the sparse features of a candidate, trained on the dev corpus.

Two judges: of collaboration pairs (`pair_features`: does the sentence say these two work together?) and of
names (`mention_features`: is this name an actor or a program?). The weights are data
(`kg/data/models/*.json`, written by `qcollab train-judges`); scoring is a sum of the weights of a candidate's
features, so no learning library runs at extraction time.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from kg.errors import InputError

MODELS = Path(__file__).resolve().parent.parent / "data" / "models"
PAIR_MODEL_PATH = MODELS / "collaboration-pairs.json"
MENTION_MODEL_PATH = MODELS / "mentions.json"


class Candidate(Protocol):
    """Anything a judge scores: its features."""

    @property
    def features(self) -> list[str]: ...


class Judge(Protocol):
    """Whether a candidate is what the judge looks for, and how sure (None: no opinion)."""

    def judge(self, candidate: Candidate) -> tuple[bool, float] | None: ...


@dataclass(frozen=True)
class LogisticJudge:
    """Logistic weights: P(collaboration) = sigmoid(sum of the weights of the features present)."""

    weights: dict[str, float]
    threshold: float
    version: str

    @classmethod
    def load(cls, path: Path) -> LogisticJudge:
        """The weights from their JSON file; a file that is not one names what is wrong."""
        try:
            text = path.read_text(encoding="utf-8")
            return cls.from_dict(json.loads(text), hashlib.sha256(text.encode()).hexdigest()[:12])
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise InputError(f"{path}: not a judge's weights ({error})") from None

    @classmethod
    def from_dict(cls, data: dict[str, object], version: str = "unsaved") -> LogisticJudge:
        """The judge from its JSON object (as `kg.extract.training.fit` makes it)."""
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

    def judge(self, candidate: Candidate) -> tuple[bool, float]:
        p = self.probability(candidate.features)
        return p >= self.threshold, p


@dataclass
class Recorder:
    """Collects every candidate of a run (for training) and has no opinion on any."""

    candidates: list[Candidate] = field(default_factory=list)

    def judge(self, candidate: Candidate) -> tuple[bool, float] | None:
        self.candidates.append(candidate)
        return None
