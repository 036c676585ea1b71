"""The words the prose reader keys on: triggers of relations, shapes of names, and generic words."""

from __future__ import annotations

import pycountry


def words(text: str) -> frozenset[str]:
    """A set of words written as one space-separated string."""
    return frozenset(text.split())


# Verbs that state a collaboration with the actors after "with" ("partnered with", "signed ... with").
WITH_VERBS = words(
    "agree ally build carry co-develop co-fund co-operate cofund collaborate collaborating combine "
    "conclude conduct connect cooperate coordinate create deepen deploy design develop enter establish "
    "exchange expand extend forge form fund hold ink join launch link open operate pair partner pursue "
    "renew run seal set share sign strengthen team test undertake unite work"
)
# Verbs whose subjects ("X and Y agreed") collaborate with each other when two or more are named.
JOINT_VERBS = words(
    "agree co-develop co-found co-fund co-operate cofund collaborate commit conclude cooperate forge ink "
    "partner pledge renew seal sign team unite"
)
# Verbs that state a collaboration among their subjects only with "jointly", "together" or a joint object.
LOOSE_JOINT_VERBS = words(
    "announce begin build coordinate create deliver deploy design develop establish finance form found fund "
    "host issue launch lead open operate organise organize plan publish release run set start support "
    "test work"
)
# Verbs whose agents ("founded by X and Y", "co-led by X and Y") work together.
FOUND_VERBS = words("co-found co-lead cofound colead establish found lead set")
# What actors set up with a partner ("a plan with X", "hubs with Y").
PLAN_NOUNS = words("agenda hub hubs plan plans roadmap scheme")
# Texts two actors put out together ("X and Y released a statement").
SHARED_TEXTS = words("communique communiqué declaration roadmap statement")
# Verbs whose subject is an actor: only organisations take part, partner or sign.
PARTNER_VERBS = words("collaborate cooperate join partner participate sign take team")
# People who stand for their organisation ("researchers at X will work with colleagues at Y").
PEOPLE_NOUNS = words("colleague engineer expert group physicist researcher scientist specialist staff team")
# Verbs by which one actor picks another to work with ("DARPA chose PsiQuantum").
SELECT_VERBS = words("accept admit choose commission contract hire pick select")
# Verbs of buying a thing from an actor ("X buys a machine from Y"): a supply deal seen from the buyer.
PURCHASE_VERBS = words("buy lease license order procure purchase")
TOGETHER_WORDS = words("bilaterally collectively jointly mutually together")
JOINT_ADJECTIVES = words(
    "bilateral collaborative combined common cooperative joint multilateral shared trilateral"
)
COLLAB_NOUNS = words(
    "accord agreement agreements alliance arrangement co-operation collaboration collaborations "
    "consortium contract contracts cooperation dialogue link links memorandum mou pact partner partners "
    "partnership partnerships relationship tie ties treaty venture"
)
JOINT_NOUNS = words(
    "call center centre competition declaration effort facility fund funding initiative investment lab "
    "laboratory mission network program programme project projects research roadmap statement study "
    "testbed work"
)
DISTRIBUTIVE = words(
    "compete competing each independently own respectively rival rivals separately versus vs"
)
HEDGES = words("could may might should would")
LEAD_VERBS = words(
    "administer announce chair coordinate create deliver design direct establish found head host "
    "implement initiate introduce launch lead manage operate organise organize oversee publish run set "
    "spearhead start steer unveil"
)
FUND_VERBS = words(
    "allocate award back bankroll co-fund cofund commit contribute earmark finance fund grant invest pay "
    "pledge provide put spend sponsor underwrite"
)
HOST_VERBS = words("host house")
JOIN_VERBS = words("accede become enter join sign")
CONSORTIUM_NOUNS = words("coalition consortia consortium grouping team")
COMPANY_NOUNS = words(
    "companies company firm firms giant group maker manufacturer operator provider spin-out spinout "
    "start-up start-ups startup startups supplier vendor"
)
# Nouns an adjective of origin stands for its country with ("the Finnish government", "US officials").
STATE_NOUNS = words(
    "administration authority authorities delegation government governments leader leaders minister "
    "ministers ministry official officials president side state states"
)
# Nouns that describe the name after them ("the Finnish company IQM", "the start-up Diraq").
DESCRIPTOR_NOUNS = COMPANY_NOUNS | words(
    "agency body foundation institute laboratory lab operator organisation organization university"
)
# Names that are only generic words are short forms ("the Commission"), left to coreference.
GENERIC_WORDS = words(
    "administration agency alliance and annex appendix board box center centre chapter commission "
    "consortium council department european federal figure focus for foundation government governments "
    "group industry institute international kingdom laboratory ministry national network networked of "
    "office parliament phase pillar quantum republic research science secretariat section state states "
    "table technologies technology the union university working director general centers centres "
    "sme smes oceans affairs"
)
# A name followed by one of these nouns names a program ("the OPENQKD project", "the Eagle-1 satellite").
PROGRAM_NOUNS = words(
    "accelerator action actions arrangement call computer constellation declaration dialogue framework grant "
    "hub infrastructure "
    "initiative mission partnership pilot platform program programme project projects roadmap satellite "
    "supercomputer "
    "scheme strategy testbed"
)
# ISO 4217 alphabetic codes, from the standard's own list (pycountry), not a hand list.
CURRENCY_CODES = frozenset(currency.alpha_3 for currency in pycountry.currencies)
_CODES = "|".join(sorted(CURRENCY_CODES))
CURRENCY_CODE_PATTERN = rf"\b(?:{_CODES})\b"

# The words the mention finder keys on: a laboratory named by its site ("IBM Research – Zurich"),
SITE_HEADS = words("research labs lab laboratory laboratories quantum")
# programs named by a description ("the national quantum computer project"),
DESCRIBED_HEADS = words(
    "programme program project initiative strategy mission call fund hub hubs facility facilities competition"
)
# Offices a person is named with ("Champagne, then Minister of ..."): the name is a person's.
TITLE_WORDS = words(
    "minister director president chair chairman chairwoman ceo secretary head ambassador commissioner "
    "professor founder chief deputy governor premier"
)
# The heads a name NER stopped short of goes on to ("... Science and Technology" + "Policy").
NAME_HEADS = words(
    "Policy Centre Center Institute Council Agency Office Foundation Laboratory Park Hub Programme Program "
    "Initiative Strategy Consortium Alliance"
)
# events, publications, numbered program names and facilities.
EVENT_WORDS = words("conference assembly summit forum congress symposium workshop week expo party")
PUBLICATION_NOUNS = words("journal journals magazine newspaper paper website blog")
NUMBERED_WORDS = words("goal call phase mission pillar programme challenge")
FACILITY_WORDS = words("centre center hub lab park foundry testbed ground")
# What a piece of work is about: "AQTION (Advanced Quantum computing with Trapped IONs)", a facility's field.
WORK_WORDS = words(
    "quantum technologies technology computing computer network networks communication communications "
    "simulation simulator sensing metrology qubits ions key secure infrastructure testbed platform photonic "
    "superconducting advanced european"
)
# A facility set up for a piece of work is a program ("Binnig and Rohrer Nanotechnology Center", "Fujitsu
# Advanced Computing Lab", "RIKEN RQC-Fujitsu Collaboration Center"); "German Aerospace Center" is not.
FACILITY_WORK_WORDS = words(
    "quantum computing computer nanotechnology collaboration co-design network networks sensing simulation "
    "photonics cryptography"
)
# Plural facility heads: a set of centres a programme funds ("Quantum Leap Challenge Institutes").
FACILITY_PLURALS = words("centres centers institutes hubs labs laboratories")
# Heads a program name goes on after, with "in", "via", "on" or "for" and a topic ("Hub in Sensors and
# Metrology", "Specification Group on Quantum Key Distribution").
EXTENDED_HEADS = words(
    "hub hubs centre center group lab laboratory initiative programme program network facility "
    "partnership alliance consortium mission strategy platform testbed"
)
MONTHS = words("January February March April May June July August September October November December")
# Headings over a list of programs ("## Selected projects", "## Calls"), and the words a listed program's
# name ends with or is followed by ("**Alliance Quantum grants**", "**CREATE** grants").
LISTED_HEADINGS = words(
    "projects programmes programs initiatives calls hubs centres centers missions schemes grants flagships "
    "testbeds facilities funding instruments"
)
LISTED_HEADS = words(
    "grant grants scheme programme program project initiative call fund fellowship fellowships award "
    "awards challenge competition facility hub mission flagship"
)
# Words that open a description but are not part of the program's name ("a new strategic programme").
DESCRIPTION_TRIM = words(
    "new first second third fourth fifth further another separate own latest major dedicated planned "
    "proposed ambitious large flagship its their"
)
# A described program is one of several partners' ("a trilateral call") or an owner's ("a European fund").
MULTILATERAL = words("bilateral trilateral")
OWNED_HEADS = words("project fund competition call programme program facility facilities")
# A capitalized name ending with one of these is an organization its members form, not a program.
MEMBER_BODIES = words("consortium")
# Words of an organization's name, not of a piece of work ("... (Institute for Quantum Computing)").
ORGANIZATION_WORDS = words(
    "university institute agency council ministry centre center laboratory foundation organisation "
    "organization corporation inc ltd gmbh company association society"
)
