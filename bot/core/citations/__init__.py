"""Turn a model's raw reply into an `Answer` whose citations can be trusted.

A model may cite sources that do not exist, echo a "Sources:" list, number sources out of order or
refuse with a sentinel. Everything here is a pure function of the reply and the hits, so the rules
are testable without a model: only markers that point at a real hit survive, they are renumbered
1..N by first use, and every quote is a verbatim slice of the cited chunk's text.
"""

from __future__ import annotations

import math
import re
import string
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from bot.core.models import REFUSAL_TEXT, Answer, Citation, Hit
from index.sentences import sentence_spans

SEE_ALSO_LIMIT = 3
_MAX_RANGE = 20
_QUOTE_WINDOW = 2

# "[1]", "[1, 2]", "[1;2]", "[1-3]", "[Source 2]": one group of source numbers.
_NUMBERS = r"\d+(?:\s*(?:[,;]|[-–])\s*\d+)*"
_MARKER = re.compile(rf"\[\s*(?:sources?\s*:?\s*)?({_NUMBERS})\s*\]", re.IGNORECASE)
_MARKER_WITH_SPACE = re.compile(rf"([ \t]*)\[\s*(?:sources?\s*:?\s*)?({_NUMBERS})\s*\]", re.IGNORECASE)
_RENUMBERED = re.compile(r"\[(\d+)\]")
# A "Sources:" / "References:" list, or a source block of the prompt echoed back.
_SOURCE_LIST = re.compile(
    r"^[ \t]*(?:(?:[#>*_-]+[ \t]*)?(?:sources?|references?|citations?|bibliography)\b[*_ \t]*(?::|$)"
    r"|<\s*/?\s*source\b)",
    re.IGNORECASE | re.MULTILINE,
)
# A `<source n="...">` or `</source>` delimiter of the prompt, wherever the model echoes it.
_SOURCE_TAG = re.compile(r"[ \t]*<\s*/?\s*source\b[^>\n]*>", re.IGNORECASE)
_REFERENCE_LINE = re.compile(r"^[ \t]*(?:[-*][ \t]*)?\[\d+\][ \t]*\S.*$")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# fmt: off
_STOPWORDS = frozenset(
    {
        "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "did", "do", "does",
        "for", "from", "had", "has", "have", "he", "her", "his", "how", "i", "in", "into", "is",
        "it", "its", "of", "on", "or", "our", "she", "so", "than", "that", "the", "their", "them",
        "they", "this", "to", "was", "we", "were", "what", "when", "where", "which", "who", "whom", "why",
        "will", "with", "would", "you", "your", "said", "says", "also", "about", "after", "before",
        "over", "under", "not", "no",
    }
)
# fmt: on


@dataclass(frozen=True)
class Claim:
    """One sentence of the answer, without its markers, and the (renumbered) sources it cites."""

    text: str
    cites: tuple[int, ...]


def marker_numbers(group: str) -> list[int]:
    """The numbers of one marker group, ranges expanded ("1-3" -> 1, 2, 3), in written order."""
    numbers: list[int] = []
    for part in re.split(r"\s*[,;]\s*", group):
        bounds = [int(b) for b in re.split(r"\s*[-–]\s*", part) if b]
        if len(bounds) == 2 and 0 <= bounds[1] - bounds[0] <= _MAX_RANGE:
            numbers.extend(range(bounds[0], bounds[1] + 1))
        else:
            numbers.extend(bounds[:1])
    return numbers


def cited_numbers(text: str) -> list[int]:
    """Every number cited in `text`, in order, repeats included (before any validation)."""
    return [n for match in _MARKER.finditer(text) for n in marker_numbers(match.group(1))]


class Renumbering:
    """Marker rewriting with memory: source numbers are renumbered by first use across calls."""

    def __init__(self, n_sources: int) -> None:
        self.n_sources = n_sources
        self.numbers: dict[int, int] = {}

    def apply(self, text: str) -> str:
        """`text` with its markers rewritten as `[1][2]`; markers outside 1..n_sources are dropped."""
        return _MARKER_WITH_SPACE.sub(self._rewrite, text)

    def _rewrite(self, match: re.Match[str]) -> str:
        kept: list[int] = []
        for original in marker_numbers(match.group(2)):
            if 1 <= original <= self.n_sources:
                number = self.numbers.setdefault(original, len(self.numbers) + 1)
                if number not in kept:
                    kept.append(number)
        return match.group(1) + "".join(f"[{n}]" for n in kept) if kept else ""


def renumber(text: str, n_sources: int) -> tuple[str, list[int]]:
    """Drop markers outside 1..n_sources and renumber the rest by first use.

    Returns the rewritten text and the original source numbers in their new order, so `order[i]`
    is the original number of new citation `i + 1`.
    """
    renumbering = Renumbering(n_sources)
    rewritten = renumbering.apply(text)
    return rewritten, list(renumbering.numbers)


def strip_source_list(text: str) -> str:
    """Remove what a model echoes after its answer: a "Sources:" list, `<source>` blocks, "[n] Title" lines."""
    match = _SOURCE_LIST.search(text)
    if match and text[: match.start()].strip():
        text = text[: match.start()]
    lines = text.rstrip().split("\n")
    while len(lines) > 1 and (_REFERENCE_LINE.match(lines[-1]) or not lines[-1].strip()):
        lines.pop()
    return "\n".join(lines).strip()


def drop_source_tags(text: str) -> str:
    """`text` without the prompt's `<source>` delimiters: they are markup of the prompt, not prose."""
    return _SOURCE_TAG.sub("", text)


def strip_markers(text: str) -> str:
    """Article text without its own bracketed numbers ("[9]", "[Source 2]"), so that text copied into
    an answer cannot pose as one of the answer's citations."""
    return _MARKER_WITH_SPACE.sub("", text)


def _squash(text: str) -> str:
    return re.sub(r"[\W_]+", "", text).lower()


def is_refusal(text: str, sentinel: str) -> bool:
    """True when the reply is the sentinel alone, give or take whitespace, punctuation and case."""
    core = text.strip(string.whitespace + string.punctuation + "“”‘’")
    return bool(core) and _squash(core) == _squash(sentinel)


def remove_sentinel(text: str, sentinel: str) -> tuple[str, bool]:
    """`text` without any occurrence of the sentinel token, and whether there was one."""
    pattern = re.compile(r"[ \t]*" + re.escape(sentinel) + r"[.!]?", re.IGNORECASE)
    cleaned, count = pattern.subn("", text)
    return cleaned.strip(), count > 0


def claims(text: str) -> list[Claim]:
    """The sentences of a renumbered answer with the sources each one cites.

    Markers that open a sentence ("... talks. [2] The ...") belong to the sentence before it.
    """
    result: list[Claim] = []
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        leading = re.match(r"(?:\s*\[\d+\])+", sentence)
        if leading and result:
            carried = tuple(int(n) for n in _RENUMBERED.findall(leading.group(0)))
            previous = result[-1]
            result[-1] = Claim(previous.text, tuple(dict.fromkeys(previous.cites + carried)))
            sentence = sentence[leading.end() :]
        cites = tuple(dict.fromkeys(int(n) for n in _RENUMBERED.findall(sentence)))
        plain = re.sub(r"\s*\[\d+\]", "", sentence).strip()
        if plain or cites:
            result.append(Claim(plain, cites))
    return result


def terms(text: str) -> list[str]:
    """Lower-cased content words, with a crude plural fold so "talks" meets "talk"."""
    words = (w for w in _WORD.findall(text.lower()) if w not in _STOPWORDS and len(w) > 1)
    return [w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words]


def idf_weights(texts: Iterable[str]) -> dict[str, float]:
    """Inverse document frequency of each term over the sentences of `texts`."""
    sentences = [set(terms(s)) for text in texts for s in _sentences(text)]
    df = Counter(t for s in sentences for t in s)
    n = max(len(sentences), 1)
    return {t: math.log(1 + n / count) for t, count in df.items()}


def _sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


def _overlap(query: set[str], sentence: str, idf: dict[str, float]) -> float:
    return sum(idf.get(t, math.log(2)) for t in query & set(terms(sentence)))


def best_quote(chunk_text: str, supported: Sequence[str], idf: dict[str, float], fallback: str = "") -> str:
    """The sentence(s) of `chunk_text` that best support the `supported` claims: a verbatim slice.

    Each claim picks its best sentence by IDF-weighted word overlap; when the picks lie close
    together the quote spans them, else it is the single best one. `fallback` (the question) is
    used when no claim shares a word with the chunk.
    """
    spans = sentence_spans(chunk_text)
    if not spans:
        return chunk_text.strip()
    picks = _picks(chunk_text, spans, supported, idf) or _picks(chunk_text, spans, [fallback], idf)
    if not picks:
        first = last = 0
    else:
        indices = sorted({i for _, i in picks})
        if indices[-1] - indices[0] <= _QUOTE_WINDOW:
            first, last = indices[0], indices[-1]
        else:
            first = last = max(picks)[1]
    return chunk_text[spans[first][0] : spans[last][1]]


def _picks(
    chunk_text: str, spans: Sequence[tuple[int, int]], queries: Sequence[str], idf: dict[str, float]
) -> list[tuple[float, int]]:
    """(score, sentence index) of the best-overlapping sentence for each query that overlaps at all."""
    picks: list[tuple[float, int]] = []
    for text in queries:
        query = set(terms(text))
        if not query:
            continue
        score, index = max((_overlap(query, chunk_text[a:b], idf), -i) for i, (a, b) in enumerate(spans))
        if score > 0:
            picks.append((score, -index))
    return picks


def make_citation(n: int, hit: Hit, quote: str) -> Citation:
    return Citation.from_chunk(n, hit.chunk, quote, hit.score)


def see_also(question: str, hits: Sequence[Hit], limit: int = SEE_ALSO_LIMIT) -> list[Citation]:
    """The closest sources of a refusal, one per article, each with the sentence nearest the question."""
    idf = idf_weights(h.chunk.text for h in hits)
    result: list[Citation] = []
    seen: set[str] = set()
    for hit in hits:
        if hit.chunk.article_id in seen:
            continue
        seen.add(hit.chunk.article_id)
        quote = best_quote(hit.chunk.text, [question], idf)
        result.append(make_citation(len(result) + 1, hit, quote))
        if len(result) == limit:
            break
    return result


def refusal(question: str, hits: Sequence[Hit], backend: str = "") -> Answer:
    return Answer(
        question=question,
        answer=REFUSAL_TEXT,
        refused=True,
        citations=[],
        backend=backend,
        see_also=see_also(question, hits),
    )


def build_answer(question: str, reply: str, hits: Sequence[Hit], *, sentinel: str, backend: str = "") -> Answer:
    """The `Answer` for a model's `reply` to `question` over the numbered `hits` (1-based).

    A reply that is the sentinel, or that cites no real hit, is a refusal: an answer nobody can
    check against the articles is not given as one.
    """
    text = reply.strip()
    if not text or is_refusal(text, sentinel):
        return refusal(question, hits, backend)
    text, _ = remove_sentinel(drop_source_tags(strip_source_list(text)), sentinel)
    text, order = renumber(text, len(hits))
    if not order or not text:
        return refusal(question, hits, backend)

    idf = idf_weights(h.chunk.text for h in hits)
    supporting: dict[int, list[str]] = {n: [] for n in range(1, len(order) + 1)}
    for claim in claims(text):
        for n in claim.cites:
            supporting[n].append(claim.text)
    citations = []
    for n, original in enumerate(order, start=1):
        hit = hits[original - 1]
        citations.append(make_citation(n, hit, best_quote(hit.chunk.text, supporting[n], idf, question)))
    return Answer(question=question, answer=text, refused=False, citations=citations, backend=backend)


class StreamRewriter:
    """Applies the rules of `build_answer` to a reply as it streams, so live tokens match the answer.

    Markers are renumbered by first use (invalid ones dropped) with the same numbering `renumber`
    gives the whole reply; a reply that may still turn out to be the sentinel is held back; output
    stops at an echoed "Sources:" list. Text is held only while it could still change: an open `[`,
    trailing spaces, and the start of a line.
    """

    _HOLD = 24

    def __init__(self, n_sources: int, sentinel: str, emit: Callable[[str], None]) -> None:
        self._renumbering = Renumbering(n_sources)
        self._sentinel = sentinel
        self._emit = emit
        self._pending = ""
        self._started = False
        self._stopped = False
        self._at_line_start = True
        self._emitted_any = False

    def feed(self, delta: str) -> None:
        self._pending += delta
        self._drain(final=False)

    def close(self) -> None:
        self._drain(final=True)

    def _could_be_sentinel(self) -> bool:
        probe = _squash(self._pending)
        return len(probe) <= len(_squash(self._sentinel)) and _squash(self._sentinel).startswith(probe)

    def _drain(self, final: bool) -> None:
        if self._stopped:
            return
        if not self._started:
            if final and is_refusal(self._pending, self._sentinel):
                self._stopped = True
                return
            if not final and self._could_be_sentinel():
                return
            self._started = True
            self._pending = self._pending.lstrip()
        cut = len(self._pending) if final else self._safe_end()
        region, self._pending = self._pending[:cut], self._pending[cut:]
        if region:
            self._emit_region(region)

    def _safe_end(self) -> int:
        text = self._pending
        cut = len(text)
        for opening, closing in (("[", "]"), ("<", ">")):
            at = text.rfind(opening)
            if at != -1 and closing not in text[at:] and len(text) - at <= self._HOLD:
                cut = min(cut, at)
        newline = text.rfind("\n")
        if newline != -1 and len(text) - newline <= self._HOLD:
            cut = min(cut, newline)
        while cut > 0 and text[cut - 1] in " \t\n":
            cut -= 1
        return cut

    def _emit_region(self, region: str) -> None:
        for match in _SOURCE_LIST.finditer(region):
            if (match.start() > 0 or self._at_line_start) and (self._emitted_any or region[: match.start()].strip()):
                region = region[: match.start()].rstrip()
                self._stopped = True
                break

        text = self._renumbering.apply(drop_source_tags(region))
        if text:
            self._emit(text)
            self._emitted_any = True
            self._at_line_start = text.endswith("\n")
