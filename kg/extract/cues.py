"""Words that state a partnership in running text, and words that take the statement back."""

from __future__ import annotations

import re
from dataclasses import dataclass

# "A partners with B": the actors before the cue work with those right after it.
WITH_CUE = re.compile(
    r"\b(?:(?:collaborat|partner|cooperat|co-operat|work|team|allie|ally|signed|signing)\w*"
    r"(?:\s+(?:closely|up|together|jointly|directly|formally))?\s+with"
    r"|join\w*\s+forces\s+with|partners?\s+(?:for|to|of)|together\s+with"
    r"|(?:particularly|especially|notably|mainly|chiefly|primarily)\s+with"
    r"|in\s+(?:collaboration|cooperation|co-operation|partnership|conjunction)\s+with"
    r"|(?:ties|links|relations|agreements?|accords?|deals?|pacts?|treat(?:y|ies)|contracts?"
    r"|partnerships?|alliances?|memorand\w*\s+of\s+understanding|(?-i:MO[Uu]s?)|laboratories|labs"
    r"|projects|programmes|programs|exchanges|calls|ventures?)\s+with)\b",
    re.IGNORECASE,
)
# "a partnership between A and B", "a consortium of A, B and C": the actors after the cue.
BETWEEN_CUE = re.compile(
    r"\b(?:(?:collaborat\w*|partnerships?|cooperation|co-operation|agreements?|accords?|deals?|pacts?"
    r"|treat(?:y|ies)|memorand\w*(?:\s+of\s+understanding)?|(?-i:MO[Uu]s?)|alliances?|consorti(?:um|a)"
    r"|ties|links|projects?|programmes?|programs?|initiatives?|exchanges?|ventures?|calls?)"
    r"\s+(?:\w+\s+)?(?:between|among|amongst|involving|linking|uniting|connecting)"
    r"|(?:consorti(?:um|a)|alliance|coalition)\s+of)\b",
    re.IGNORECASE,
)
# "A and B signed ...", "A and B will run joint calls": the actors named together before the cue.
JOINT_CUE = re.compile(
    r"\b(?:signed|signing|sign\s+(?:an?|the)|partner(?:ed|s|ing|ships?)?|collaborat\w*|cooperat\w*"
    r"|co-operat\w*|joint(?:ly)?|team(?:ed|s)?\s+up|join(?:ed|s)?\s+forces"
    r"|(?:work\w*|come|came|band\w*)\s+together|allied|alliances?|consorti(?:um|a)|agreements?"
    r"|accords?|pacts?|treat(?:y|ies)|memorand\w*(?:\s+of\s+understanding)?|(?-i:MO[Uu]s?)"
    r"|co-(?:develop|fund|found|author|host|lead)\w*)\b",
    re.IGNORECASE,
)
# A cue after one of these (between the actors and the cue) states no partnership.
NEGATION = re.compile(
    r"\b(?:not|no|never|neither|nor|none|without|rather\s+than|instead\s+of)\b|n['’]t\b", re.IGNORECASE
)
# A cue after one of these only imagines a partnership ("a lab might partner with ...").
HEDGE = re.compile(r"\b(?:might|could|would|may|perhaps|possibly|hypothetical\w*)\b")
# An actor right after one of these is the object of a preposition, not the subject of the cue.
PREPOSITION_BEFORE = re.compile(
    r"\b(?:to|in|at|from|of|by|for|on|into|across|through|via|like|including|than|over|under"
    r"|against|among|between|with|within|beyond|towards?|near|around|about)\s+(?:(?:the|a|an)\s+)?$",
    re.IGNORECASE,
)
# An actor inside a relative clause ("Japan, which hosts RIKEN, partners ...") is not the subject.
RELATIVE_BEFORE = re.compile(r",\s*(?:which|who|whose|where|that)\b[^,]*$", re.IGNORECASE)
JOINER = re.compile(
    r"\s*(?:[-–—/]|,|,?\s*\b(?:and|&|as\s+well\s+as|plus|along\s+with)\b)\s*(?:the\s+)?", re.IGNORECASE
)
OWNER_GAP = re.compile(r"['’]s\s+(?:the\s+)?")
COMMA_GAP = re.compile(r"\s*,\s*(?:the\s+)?", re.IGNORECASE)
# Actors named together are all paired with each other only in groups this small.
MAX_GROUP_PAIRING = 3
NEGATION_WINDOW = 40


@dataclass(frozen=True)
class ModelHint:
    """Words in a sentence that name a collaboration model, and how the model's label reads."""

    cue: re.Pattern[str]
    label: re.Pattern[str]
    single_pair: bool = False


MODEL_HINTS: tuple[ModelHint, ...] = (
    ModelHint(
        re.compile(r"memorand\w*\s+of\s+understanding|(?-i:\bMO[Uu]s?\b)|\bbilateral\b", re.I),
        re.compile(r"\bbilateral\b|\bMOUs?\b", re.I),
    ),
    ModelHint(
        re.compile(r"\bconsorti(?:um|a)\b|\bmultilateral\b", re.I),
        re.compile(r"\bmultilateral\b|\bconsorti", re.I),
    ),
    ModelHint(
        re.compile(r"\bstandardi[sz]ation\b|\bstandards\s+bod", re.I),
        re.compile(r"\bstandardi[sz]ation\b|\bstandards\b", re.I),
    ),
    ModelHint(
        re.compile(r"\bagreements?\b|\baccords?\b|\btreat(?:y|ies)\b|\bpacts?\b", re.I),
        re.compile(r"\bbilateral\b", re.I),
        single_pair=True,
    ),
)
