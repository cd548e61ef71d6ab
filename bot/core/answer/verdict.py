"""Yes/no verdicts from evidence: each claim checked against a sentence from the source it is about.

For every claim of the question (`bot.core.understand.claims`) the best sentence among the hits from
that claim's sources (and dates) is found by `evidence.support`. A claim is **supported** when that
score reaches `SUPPORT_MIN`, and **contradicted** when it is supported but disagrees on negation (one
says "not", "isn’t", "cannot", "nobody", "rather than" ... with a shared word in its scope, the other does
not), on the numbers of one kind it gives (shares, amounts or counts, spelled out or not: "6%" says
nothing against "3,000 robots", "nine wins" contradicts "seven wins"), on the side of a number
it bounds ("less than $400" against "over $400"), or by an opposite word (`OPPOSITES`: rose/fell,
won/lost, beat/defeat, approved/rejected ...).
The relation the question asks about then decides:

| relation | verdict |
|---|---|
| holds, same | any claim contradicted → no; every claim supported → yes |
| inconsistent | any claim contradicted → yes; every claim supported (no contradiction) → no |
| change | any claim contradicted → yes; every claim supported by different sentences → yes; by one sentence → no |
| order | a claim contradicted → no; all supported: the first one's article dated before (after) the second's → yes |

A negated question ("Was there no change ...?") flips the verdict. Anything else is no verdict: the answer
then says what each source says, cited, and that this does not settle the question. A verdict always
comes with the sentences that decided it as citations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.answer.evidence import Candidate, support
from bot.core.text import stems
from bot.core.understand import claims as rel
from bot.core.understand.claims import Claim, YesNoQuestion
from bot.core.understand.question import ClaimDates, Understanding, blank
from index.embed import Embedder

UNSETTLED = "The cited articles do not settle the question."
"""Closes every yes/no answer that gives no verdict, from any backend: the quotes alone must never read as one."""
SUPPORT_MIN = 0.50
"""A claim's best sentence must score this (0.6 × cosine + 0.4 × term share) to support it."""
SUPPORT_SOURCED = 0.30
"""For a claim that names its source: its evidence comes from that source only (its own retrieval), so
the bar is lower: a sentence of that source on the claim's subject. Lower still mostly adds verdicts
that follow the share of "yes" answers, not the evidence (see the issue 11 closing note)."""
SUPPORT_ANCHORED = 0.25
"""For a claim that names its source and its date ("the report from The Verge on 2023-11-24 about X"), the
evidence is already restricted to that source's articles of that date: the claim describes a report, and a
sentence of it on the topic (this score) is enough to say the report exists as described."""
CLAIM_SHORTLIST = 4
MIN_CLAIM_TERMS = 2
SCOPE_BEFORE, SCOPE_AFTER = 2, 5
"""A negation's scope in words: its subject just before it, what it negates after ("will not be charged for
the repair")."""
_NEGATIONS = frozenset(
    """not no non never without neither nor none nobody nothing nowhere cannot hardly denied denies deny refused
    fail fails failed failing absence absent lack lacks lacking""".split()
)
"""Words that negate what stands next to them; any word ending in "n't" (or "n’t") does too, and so do
"rather than" and "instead of" ("a lite version rather than the full model")."""
_NEGATING_PAIRS = {("rather", "than"), ("instead", "of")}
_RELATIVES = frozenset("which that who whom whose".split())
_FRAMING = frozenset(
    """suggest suggests suggested imply implies implied indicate indicates indicated claim claims claimed discuss
    discusses discussed describe describes described focus focuses focused portray portrays portrayal reporting
    source sources piece story highlight highlights highlighted both other another same""".split()
)
_OPPOSITE_FORMS = (
    ("rise rises rose risen rising", "fall falls fell fallen falling drop drops dropped"),
    ("increase increases increased", "decrease decreases decreased"),
    ("gain gains gained", "loss losses lose loses lost"),
    ("win wins won winning beat beats beaten", "lose loses lost losing defeat defeats defeated"),
    ("higher more greater larger", "lower less fewer smaller"),
    ("open opens opened reopen reopened", "close closes closed shut"),
    ("approve approves approved", "reject rejects rejected"),
    ("accept accepts accepted", "refuse refuses refused decline declined"),
    ("begin begins began start starts started", "end ends ended stop stops stopped"),
    ("buy buys bought", "sell sells sold"),
    ("hire hires hired", "fire fires fired"),
    ("support supports supported", "oppose opposes opposed"),
    ("allow allows allowed", "ban bans banned"),
    ("guilty", "innocent acquitted"),
)
OPPOSITES = {(a, b) for left, right in _OPPOSITE_FORMS for a in left.split() for b in right.split()}
OPPOSITES |= {(b, a) for a, b in OPPOSITES}
"""Pairs of words that contradict each other when a claim has one and its sentence the other."""
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’.,]*")
_NUMBER_WORDS = {
    w: str(n)
    for n, w in enumerate(
        "two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
        "eighteen nineteen twenty".split(),
        start=2,
    )
}
_SPELLED = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b(?=[\s-]+[a-z]+)", re.IGNORECASE)
"""A count spelled out before what it counts ("nine victories", "a five-year term"): the same number as "9
victories". Not "one", which is as often a pronoun ("one of the ...") as a count."""
_COMPOUND = re.compile(r"(?<![\w-])(\d[\d,.]*\d|\d)-(?=[a-z]+\b)")
"""A count joined to what it counts ("a 5-year term", "the 10-day strike"): the count of "5 years"; a digit
after the hyphen ("3-0", "COVID-19") is a score or a name, never this."""
_FRACTIONS = {
    "half": "50",
    "a half": "50",
    "a third": "33.3",
    "one third": "33.3",
    "a quarter": "25",
    "one quarter": "25",
    "two thirds": "66.7",
    "three quarters": "75",
}
_BOUNDED_FRACTION = re.compile(
    r"\b(less than|fewer than|under|below|at most|up to|more than|over|above|at least)\s+("
    + "|".join(sorted(_FRACTIONS, key=len, reverse=True)).replace(" ", "[ -]")
    + r")\b(?:\s+of\b)?",
    re.IGNORECASE,
)
"""A bound set by a fraction ("under half of the vote", "more than two-thirds"): a share, so "58 percent of
the vote" is on the other side of it."""
_DIGITS = re.compile(r"(?<![\w-])(?:\d[\d,.]*\d|\d)(?![\w-])")
"""A number standing on its own ("$1,000", "3.5"), not part of a name ("GPT-4", "Bet365")."""
_COUNTED = re.compile(r"\s+([a-z][a-z-]+)")
"""The word after a count: what it counts ("3,000 robots"); a capitalised word is a name, not a unit."""
_SHARE = re.compile(r"\s*(?:%|percent|per cent|percentage)")
_CURRENCY = re.compile(r"[$€£¥]\s*$")
_BELOW = {"less than", "fewer than", "under", "below", "at most", "up to"}
_INCLUSIVE = {"at most", "up to", "at least"}
_BOUND = re.compile(
    r"\b(less than|fewer than|under|below|at most|up to|more than|over|above|at least)\s+[$€£]?(\d[\d,.]*\d|\d)",
    re.IGNORECASE,
)
"""A number with the side it bounds: "less than $400" and "over $400" contradict each other."""
_DATE_WORDS = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?\b(?:,?\s*\d{4})?|"
    r"\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b|"
    r"\b(?:19|20)\d\d(?:-\d\d-\d\d)?\b|\b\d{1,2}:\d\d(?::\d\d)?\b",
    re.IGNORECASE,
)
"""Dates and times: when a claim was reported is checked by the time frame, not as a number it states."""
_EMPTY_QUOTES = re.compile(r"(?<![A-Za-z])['‘’]|['‘’](?![A-Za-z])|[\"“”]")
"""Quote marks (not an apostrophe inside a word): a removed source name leaves them empty or unpaired."""
_REPORT_FRAME = re.compile(
    r"^\s*(?:(?:is|are|was|were|do|does|did|has|have|had)\s+)?(?:there\s+)?|"
    r"\b(?:between|after|before|following)\s+(?=(?:the|a|an)\s+(?:article|report|piece|story)\b)|"
    r"\b(?:the|a|an|both|another|other)?\s*(?:articles?|reports?|pieces?|stories|coverage|reporting)"
    r"(?:\s+(?:from|by|in|of|on|at))?(?=\W|$)|"
    r"\b(?:published|posted|released)(?:\s+(?:on|at|in))?(?=\W|$)|"
    r"\b(?:on|at|in|from|by)\s*(?=,|$|\b(?:and|about|regarding|concerning|on|at|in|from|by)\b)",
    re.IGNORECASE,
)
"""Words that say where and when something was reported, not what: the claim is what was reported."""
_TRAILING_JOINS = re.compile(r"(?:[\s,]+(?:and|or)\b|[\s,]+)+$", re.IGNORECASE)
_LEADING_JOINS = re.compile(r"^(?:\s*(?:and|or|,)\b\s*|\s*,\s*)+", re.IGNORECASE)
_SPEECH = re.compile(
    r"\b(?:say|says|said|report|reports|reported|claim|claims|claimed|announce|announced|state|stated|confirm|"
    r"confirmed|suggest|suggests|suggested|indicate|indicates|indicated|imply|implies|implied)\b(?:\s+that)?\s*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ClaimEvidence:
    claim: Claim
    best: Candidate | None
    support: float
    contradicted: bool
    anchored: bool = False
    reads: str = ""  # the claim as checked: `claim_text`

    def to_dict(self) -> dict[str, object]:
        """What `--json` shows under `understood.checks`: why a verdict was (or was not) given."""
        chunk = self.best.hit.chunk if self.best is not None else None
        return {
            "claim": self.reads or self.claim.text,
            "sources": list(self.claim.sources),
            "quote": self.best.text if self.best is not None else None,
            "source": chunk.source if chunk is not None else None,
            "date": chunk.date if chunk is not None else None,
            "support": round(self.support, 3),
            "supported": self.supported,
            "contradicted": self.contradicted,
        }

    @property
    def supported(self) -> bool:
        if self.best is None:
            return False
        if self.anchored:
            return self.support >= SUPPORT_ANCHORED
        return self.support >= (SUPPORT_SOURCED if self.claim.sources else SUPPORT_MIN)


def claim_text(understanding: Understanding, claim: Claim) -> str:
    """What the claim says: without source names, dates, the words that frame a report ("the article
    from", "published on", "Does ... suggest that") and a leading "X said that"; the question's topic,
    framing removed too, when that leaves too few words."""
    cut = [(m.start, m.end) for m in understanding.mentions] + [(d.start, d.end) for d in understanding.dates.mentions]
    own = _unframed(blank(understanding.question, claim.start, claim.end, cut))
    speech = _SPEECH.search(own)
    if speech and len(stems(own[speech.end() :])) >= 2:
        own = own[speech.end() :]
    if len([s for s in stems(own) if s not in _FRAMING]) >= MIN_CLAIM_TERMS:
        return own
    return _unframed(understanding.topic)


def _unframed(text: str) -> str:
    """`text` without report framing and the empty quotes a removed source name leaves."""
    text = _EMPTY_QUOTES.sub(" ", text)
    text = " ".join(_LEADING_JOINS.sub("", _REPORT_FRAME.sub(" ", text)).split()).strip(" ,;:?")
    return _TRAILING_JOINS.sub("", text)


def gather(understanding: Understanding, pool: list[Candidate], embedder: Embedder) -> list[ClaimEvidence]:
    """The best sentence for each claim of a yes/no question, from its sources and dates."""
    assert understanding.yes_no is not None
    gathered = []
    for claim, dates in zip(understanding.yes_no.claims, understanding.claim_dates, strict=True):
        text = claim_text(understanding, claim)
        eligible = [c for c in pool if _eligible(c, claim, dates)]
        terms = set(stems(text))
        eligible.sort(key=lambda c: -(len(terms & c.stems) + (c.hit.dense_similarity or 0.0)))
        shortlist = eligible[:CLAIM_SHORTLIST]
        if not shortlist:
            gathered.append(ClaimEvidence(claim, None, 0.0, False, reads=text))
            continue
        scores = support(embedder, text, shortlist)
        best_index = int(scores.argmax())
        best, score = shortlist[best_index], float(scores[best_index])
        anchored = bool(claim.sources) and bool(dates.since or dates.until)
        contradicted = score >= SUPPORT_MIN and disagree(text, best.text)
        gathered.append(ClaimEvidence(claim, best, score, contradicted, anchored, text))
    return gathered


def decide(question: YesNoQuestion, evidence: list[ClaimEvidence]) -> str | None:
    """ "yes", "no" or None (the evidence does not settle it); see the module docstring."""
    if not evidence:
        return None
    contradicted = any(e.contradicted for e in evidence)
    supported = all(e.supported for e in evidence)
    relation = question.relation
    if relation == rel.CHANGE and len(evidence) == 1:
        relation = rel.HOLDS
    verdict: bool | None = None
    if relation in {rel.HOLDS, rel.SAME}:
        verdict = False if contradicted else (True if supported else None)
    elif relation == rel.INCONSISTENT:
        verdict = True if contradicted else (False if supported else None)
    elif relation == rel.CHANGE:
        distinct = len({(e.best.article_id, e.best.start) for e in evidence if e.best is not None}) > 1
        verdict = True if contradicted else ((distinct or False) if supported else None)
    elif relation == rel.ORDER and contradicted:
        verdict = False
    elif relation == rel.ORDER and supported and len(evidence) >= 2:
        first, second = (e.best.hit.chunk.date if e.best else None for e in evidence[:2])
        if first and second and first != second:
            verdict = (first < second) == (question.order == "before")
    if verdict is None:
        return None
    return "yes" if verdict != question.negated else "no"


def _eligible(candidate: Candidate, claim: Claim, dates: ClaimDates) -> bool:
    chunk = candidate.hit.chunk
    if claim.sources and chunk.source not in claim.sources:
        return False
    if dates.since and (not chunk.date or chunk.date < dates.since):
        return False
    return not (dates.until and (not chunk.date or chunk.date > dates.until))


@dataclass(frozen=True)
class Disagreement:
    """How a sentence disagrees with a claim: a negation on one side only, an opposite word, other numbers."""

    negation: bool
    opposite: bool
    numbers: bool

    def __bool__(self) -> bool:
        return self.negation or self.opposite or self.numbers


def disagreement(claim: str, sentence: str) -> Disagreement:
    """Negation next to the shared words on one side only, an opposite word, or numbers that differ."""
    shared = set(stems(claim)) & set(stems(sentence))
    negation = _negated_near(claim, shared) != _negated_near(sentence, shared)
    claim_words = {t.lower().strip(".,") for t in _TOKEN.findall(claim)}
    sentence_words = {t.lower().strip(".,") for t in _TOKEN.findall(sentence)}
    opposite = any((a, b) in OPPOSITES for a in claim_words - sentence_words for b in sentence_words - claim_words)
    return Disagreement(negation, opposite, _numbers_differ(claim, sentence))


def disagree(claim: str, sentence: str) -> bool:
    return bool(disagreement(claim, sentence))


def _numbers_differ(claim: str, sentence: str) -> bool:
    """Numbers of one kind that differ, or a number on the wrong side of a bound the claim sets: "sales above
    600 million" holds against "612 million" and differs from "580 million", "less than $400" differs from
    "over $400"; a bounded number is compared by the bound, never by equality."""
    bounds = _bound_terms(claim)
    bounded = {value for value, _, _ in bounds}
    all_claimed = _numbers(claim)
    claim_numbers = {n for n in all_claimed if n[1] not in bounded}
    sentence_numbers = _numbers(sentence)
    for by_unit in (False, True):
        claimed, said = _values(claim_numbers, by_unit), _values(sentence_numbers, by_unit)
        if any(claimed[key].isdisjoint(said[key]) for key in claimed.keys() & said.keys()):
            return True
    said_bounds = _bound_terms(sentence)
    unbounded = [n for n in sentence_numbers if n[1] not in {value for value, _, _ in said_bounds}]
    by_value = {value: (kind, unit) for kind, value, unit in all_claimed}
    for value, side, inclusive in bounds:
        if not _is_number(value):
            continue
        bound = float(value)
        opposite = [float(v) for v, s, _ in said_bounds if s == -side and _is_number(v)]
        if any((v - bound) * side <= 0 for v in opposite):
            return True
        if any(s == side for _, s, _ in said_bounds):
            continue
        kind, unit = by_value.get(value, ("count", ""))
        comparable = [float(v) for k, v, u in unbounded if k == kind and u == unit and _is_number(v)]
        if comparable and not any(_within(v, bound, side, inclusive) for v in comparable):
            return True
    return False


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _within(value: float, bound: float, side: int, inclusive: bool) -> bool:
    """Whether `value` lies on `side` of `bound` (1: above, -1: below)."""
    return (inclusive and value == bound) or (value - bound) * side > 0


def _values(numbers: set[tuple[str, str, str]], by_unit: bool) -> dict[tuple[str, str], set[str]]:
    """The numbers' values by kind, or by kind and what they count (only counts that say what)."""
    out: dict[tuple[str, str], set[str]] = {}
    for kind, value, unit in numbers:
        if not by_unit or unit:
            out.setdefault((kind, unit if by_unit else ""), set()).add(value)
    return out


def _spelled_out(text: str) -> str:
    """`text` with its counts and bounding fractions in digits: "a five-year term" reads "a 5 year term",
    "under half of the vote" reads "under 50 percent of the vote"."""
    text = _BOUNDED_FRACTION.sub(
        lambda m: f"{m.group(1)} {_FRACTIONS[' '.join(m.group(2).lower().replace('-', ' ').split())]} percent of",
        text,
    )
    text = _SPELLED.sub(lambda m: _NUMBER_WORDS[m.group(1).lower()], text)
    return _COMPOUND.sub(lambda m: m.group(1) + " ", text)


def _bound_terms(text: str) -> set[tuple[str, int, bool]]:
    """Each bounded number, the side it bounds and whether the bound includes it ("at least", "at most", "up
    to"; not "more than", "under")."""
    found = set()
    for m in _BOUND.finditer(_spelled_out(text)):
        word = m.group(1).lower()
        found.add((m.group(2).replace(",", ""), -1 if word in _BELOW else 1, word in _INCLUSIVE))
    return found


def _numbers(text: str) -> set[tuple[str, str, str]]:
    """Each number with its kind — a share ("6%"), an amount ("$40") or a count — and, for a count, what it
    counts (the next word's stem: "victori" in "9 victories"). Only numbers of one kind can differ ("rose
    6%" says nothing against "3,000 robots"), and counts of one thing differ even beside other numbers:
    "nine victories in his first three years" against "seven victories ... three years"."""
    text = _spelled_out(_DATE_WORDS.sub(" ", text))
    found = set()
    for m in _DIGITS.finditer(text):
        after, before = text[m.end() : m.end() + 12].lower(), text[max(0, m.start() - 2) : m.start()]
        kind = "share" if _SHARE.match(after) else ("amount" if _CURRENCY.search(before) else "count")
        counted = _COUNTED.match(text, m.end()) if kind == "count" else None
        unit = (stems(counted.group(1))[:1] or [""])[0] if counted else ""
        found.add((kind, m.group(0).replace(",", "").rstrip("."), unit))
    return found


def _negated_near(text: str, shared: set[str]) -> bool:
    """Whether a negation's scope holds a shared word: up to `SCOPE_AFTER` words after it, and its subject,
    up to `SCOPE_BEFORE` words before it but not across a comma or a "which"/"that"/"who". "Customers will
    not be charged for the repair" is negated on "customers" and "repair"; "$80 on Amazon, which isn't an
    all-time low" says nothing negative of the price or of Amazon."""
    raw = _TOKEN.findall(text)
    tokens = [t.lower().strip(".,").replace("’", "'") for t in raw]
    token_stems = [stems(t)[:1] for t in tokens]
    for i, token in enumerate(tokens):
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        if not (token in _NEGATIONS or token.endswith("n't") or (token, following) in _NEGATING_PAIRS):
            continue
        start = i
        while (
            start > max(0, i - SCOPE_BEFORE)
            and tokens[start - 1] not in _RELATIVES
            and not raw[start - 1].endswith(",")
        ):
            start -= 1
        scope = token_stems[start:i] + token_stems[i + 1 : i + 1 + SCOPE_AFTER]
        if any(s and s[0] in shared for s in scope):
            return True
    return False
