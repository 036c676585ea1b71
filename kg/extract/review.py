"""Facts the extractor was not sure enough of: kept out of the graph, listed for a person to review."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class ReviewItem:
    """One held-back fact: what it says, where it was read, how sure the extractor was and why."""

    document: str
    subject: str
    predicate: str
    object: str
    sentence: str
    start: int
    end: int
    confidence: float
    method: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    @property
    def line(self) -> str:
        """One line for a terminal: "doc: subject predicate object (0.55, StatisticalNer)"."""
        return (
            f"{self.document}: {self.subject} {self.predicate} {self.object} "
            f"({self.confidence:.2f}, {self.method})"
        )
