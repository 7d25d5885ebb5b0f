"""Words for stored values, as a duty worker would say them on screen."""

from __future__ import annotations

from db.enums import PlacementType, Specialism

SPECIALISM: dict[Specialism, str] = {
    Specialism.DISABILITY: "disability",
    Specialism.COMPLEX_HEALTH: "complex health",
    Specialism.SIBLING_GROUPS: "sibling groups",
    Specialism.TEENAGERS: "teenagers",
    Specialism.UASC: "unaccompanied asylum-seeking children",
    Specialism.THERAPEUTIC: "therapeutic",
    Specialism.BABIES: "babies",
}

PLACEMENT_TYPE: dict[PlacementType, str] = {
    PlacementType.EMERGENCY: "emergency",
    PlacementType.SHORT_TERM: "short term",
    PlacementType.LONG_TERM: "long term",
    PlacementType.SHORT_BREAKS: "short breaks",
    PlacementType.PARENT_AND_CHILD: "parent and child",
    PlacementType.REMAND: "remand",
}


def specialism(value: str) -> str:
    try:
        return SPECIALISM[Specialism(value)]
    except ValueError:
        return value.replace("_", " ")


def language(value: str) -> str:
    """``pashto`` -> ``Pashto``; languages are proper nouns in English."""
    return " ".join(w[:1].upper() + w[1:] for w in value.strip().split())


def languages(stored: str) -> str:
    """The stored ``english,pashto`` as ``English, Pashto``."""
    return ", ".join(language(x) for x in stored.split(",") if x.strip())
