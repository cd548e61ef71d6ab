"""A role a "who" question asks about, and whether a sentence gives that role to the right organisation.

"Who is the chief executive of ZTE?" asks for a role (`chief executive`) at an organisation (`ZTE`). A
sentence answers it only if it holds the role (or a synonym: "CEO") of that organisation: "Xiang Ligang,
chief executive of telecom news site cctime.com" names a chief executive of another company, and "Chief
executive Mira Lindqvist said" counts only in an article whose sentence or title names the organisation.
Without such a sentence the articles do not say who holds the role, and the answer is a refusal, not the
nearest name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SYNONYMS = (
    ("chief executive officer", "chief executive", "ceo"),
    ("chief financial officer", "cfo"),
    ("chief technology officer", "cto"),
    ("chief operating officer", "coo"),
    ("chairman", "chairwoman", "chairperson", "chair"),
    ("spokesperson", "spokesman", "spokeswoman"),
    ("president",),
    ("founder", "co-founder", "cofounder"),
    ("head coach", "coach", "manager"),
    ("director",),
    ("owner",),
    ("captain",),
)
_ALL = sorted({form for group in _SYNONYMS for form in group}, key=len, reverse=True)
_ROLE = r"(?P<role>" + "|".join(re.escape(f) for f in _ALL) + r")"
_ASKED = re.compile(
    r"\bwho\b[^?]*?\bthe\s+(?:new\s+|current\s+|former\s+)?" + _ROLE + r"\s+(?:of|at|for)\s+(?P<org>[^?,;]{1,60})",
    re.IGNORECASE,
)
_CAPITALISED = re.compile(r"\b[A-Z][\w&.'’-]*")
_BOUND = re.compile(_ROLE + r"\s+(?:of|at|for)\s+(?P<rest>[^,;.()]{1,60})", re.IGNORECASE)


@dataclass(frozen=True)
class Role:
    forms: tuple[str, ...]
    organisation: str

    @property
    def organisation_words(self) -> set[str]:
        return _words(self.organisation)


def asked_role(question: str) -> Role | None:
    """The role and organisation of a "who is the <role> of <Organisation>" question, or None (also when
    the organisation has no capitalised word to recognise it by: "the company")."""
    match = _ASKED.search(question)
    if match is None:
        return None
    organisation = " ".join(_CAPITALISED.findall(match["org"]))
    if not organisation:
        return None
    asked = match["role"].lower()
    forms = next(group for group in _SYNONYMS if asked in group)
    return Role(forms, organisation)


def holds_role(sentence: str, role: Role, title: str = "") -> bool:
    """Whether `sentence` gives the role to the organisation asked about: it names the role (or a synonym)
    and ties it to that organisation ("chief executive of Hallstead"), or ties it to none ("Chief executive
    Mira Lindqvist said") while the sentence or its article's title names the organisation."""
    lowered = sentence.lower()
    if not any(re.search(rf"\b{re.escape(form)}\b", lowered) for form in role.forms):
        return False
    tied = False
    for bound in _BOUND.finditer(sentence):
        if bound["role"].lower() not in role.forms:
            continue
        if not _words(bound["rest"]) & role.organisation_words:
            return False
        tied = True
    return tied or bool((_words(sentence) | _words(title)) & role.organisation_words)


def _words(text: str) -> set[str]:
    return {w.lower().strip(".,'’\"“”") for w in text.split()}
