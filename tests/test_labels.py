"""Words for stored values: one module, every member of every enum, no code shown as a word."""

from __future__ import annotations

import inspect
import re
from enum import Enum
from pathlib import Path

import pytest

import db.enums
from db.enums import CallCategory, CallerType, CandidateStatus, HouseholdKind, HouseholdStatus, RequestState, Urgency
from dutydesk import labels
from dutydesk.labels import label

ROOT = Path(__file__).resolve().parent.parent
ENUMS = [cls for _n, cls in inspect.getmembers(db.enums, inspect.isclass)
         if issubclass(cls, Enum) and cls.__module__ == db.enums.__name__]


def test_every_enum_of_the_store_has_words() -> None:
    assert len(ENUMS) >= 20
    assert set(ENUMS) == set(labels.WORDS)


@pytest.mark.parametrize("enum_cls", ENUMS, ids=lambda c: c.__name__)
def test_every_member_has_a_label_long_and_short(enum_cls: type[Enum]) -> None:
    for m in enum_cls:
        words = label(m)
        assert words and words == words.strip() and "_" not in words, (m, words)
        assert label(m.value, enum_cls) == words
        short = label(m, short=True)
        assert short and "_" not in short and len(short) <= len(words), (m, short)


def test_the_desk_keeps_its_words() -> None:
    assert label(RequestState.CONTACTING) == "contacting carers"
    assert label("contacting", RequestState, short=True) == "contacting"
    assert label(CandidateStatus.DECLINED_BY_CARER) == "declined by carer"
    assert label(CandidateStatus.DECLINED_BY_CARER, short=True) == "declined"
    assert labels.contact_status("ranked") == "not tried"
    assert labels.contact_status("no_answer") == "no answer"
    assert label(CallerType.CHILDS_SOCIAL_WORKER) == "child's social worker"
    assert label(CallerType.OUT_OF_HOURS, short=True) == "OOH"
    assert label(CallCategory.PLACEMENT_UPDATE, short=True) == "update/breakdown"
    assert label(HouseholdKind.IFA) == "independent agency (IFA)"
    assert label(HouseholdStatus.ON_HOLD) == "on hold"
    assert label(Urgency.EMERGENCY, short=True) == "EMERG"
    assert labels.labels(["teenagers", "disability"], db.enums.Specialism) == "disability, teenagers"


def test_a_word_that_is_not_there_is_an_error_not_a_code() -> None:
    with pytest.raises(TypeError):
        label("contacting")  # a stored string needs its enum class
    with pytest.raises(ValueError):
        label("nonsense", RequestState)
    with pytest.raises(TypeError):
        label(RequestState.PLACED, CandidateStatus)



# A stored value turned into words by hand: ``x.value.replace("_", " ")``.
_BY_HAND = re.compile(r"""\.replace\(\s*(['"])_\1\s*,\s*(['"]) \2\s*\)""")
# Not stored values: a CSV column's name, a table's name in a count.
_NOT_ENUMS = {
    "dutydesk/carers/households_read.py": "key.replace",
    "dutydesk/cli/demo_cmd.py": "name.replace",
    "dutydesk/demo/build.py": "name.replace",
    "dutydesk/integrity.py": "c.removesuffix",  # column names in a refused save, not stored values
    "screens/help.py": "name.replace",  # an action's name as a help line, not a stored value
}


def by_hand(root: Path) -> list[str]:
    out = []
    paths = [p for top in ("dutydesk", "screens") if (root / top).is_dir() for p in (root / top).rglob("*.py")]
    for path in sorted(paths):
        rel = str(path.relative_to(root))
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if _BY_HAND.search(line) and not (rel in _NOT_ENUMS and _NOT_ENUMS[rel] in line):
                out.append(f"{rel}:{i}: {line.strip()}")
    return out


def test_services_and_screens_take_their_words_from_the_labels_module() -> None:
    found = by_hand(ROOT)
    assert not found, "stored values made into words by hand; use dutydesk.labels.label:\n" + "\n".join(found)


def test_the_word_checker_sees_a_value_made_into_words_by_hand(tmp_path: Path) -> None:
    (tmp_path / "dutydesk").mkdir()
    (tmp_path / "dutydesk" / "x.py").write_text("a = s.value.replace('_', ' ')\nb = s.replace('-', ' ')\n")
    assert by_hand(tmp_path) == ["dutydesk/x.py:1: a = s.value.replace('_', ' ')"]


def test_languages_are_names_and_sign_languages_their_initials() -> None:
    # A carer's "english,bsl" read "English, Bsl" on the household screen.
    assert labels.languages("english,bsl, british sign language") == "English, BSL, British Sign Language"
    assert labels.language("pashto") == "Pashto"


def test_a_folded_religion_or_ethnicity_reads_as_a_name() -> None:
    # The finder's header said "muslim; culture asian other - afghan".
    assert labels.named("muslim") == "Muslim"
    assert labels.named("asian other - afghan") == "Asian Other - Afghan"
    assert labels.named("mixed white and black caribbean") == "Mixed White and Black Caribbean"
