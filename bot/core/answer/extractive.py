"""The offline answerer: say what the evidence sentences say, quoting them, and cite them.

It writes nothing of its own beyond the quotes, a name, date or amount taken from a quote, and "Yes —" /
"No —" when the reader's calibrated estimate decides a yes/no question, so it cannot state what the articles
do not say.
- a yes/no question is checked claim by claim (`verdict`), and the reader (`bot.core.read`) turns the checks
  into P(yes): a verdict only at `NEWSBOT_VERDICT_MIN` either way, else what each source says;
- a "who" or "which company" question answers with the name the best evidence agrees on, first,
  then the sentences that hold it; "who is the <role> of <organisation>" only from sentences that hold
  that role and do not give it to another organisation (`roles`), else it refuses;
- "summarize …", "catch me up on …" get the story's key facts: several cited sentences from its articles,
  one story once, oldest first, each dated;
- a "why" question quotes the best sentence with its neighbour (where a cause usually stands);
- a "when" or "how much/many" question answers with the date or amount first, a verbatim span of the best
  sentence ("by the end of June 2019 [1]: …"), then the quotes;
- anything else quotes the one to three best sentences; for "latest" questions, from the newest
  relevant article.
Sentences are ordered by the reader's P(answers the question). It refuses when the retrieved text lacks
what the question rests on (a publication that is not indexed, the name qualifying the answer, a model
number, a name, number or quoted term no retrieved article holds: `anchors`), or when the reader's
P(the evidence answers the question) is under `NEWSBOT_ANSWERABLE_MIN` (`gate`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot.core.answer import entities, evidence, overview, verdict
from bot.core.answer.evidence import Candidate, Ranking
from bot.core.answer.gate import SEMANTIC_WEIGHT, answerable, decide_verdict, read, unanchored
from bot.core.citations.assemble import refusal, see_also
from bot.core.citations.markers import strip_markers
from bot.core.condense import condense_heuristic
from bot.core.models import Answer, Citation, Turn
from bot.core.read import Reader
from bot.core.read.factory import make_reader
from bot.core.request import Request
from bot.core.settings import AnswerSettings
from bot.core.understand import answer_type as types
from bot.core.understand import roles
from bot.core.understand.question import Understanding
from index.embed import Embedder

MAX_QUOTES = 3
LATEST_RATIO = 0.85


class ExtractiveAnswerer:
    """Answers by quotation; `name` is what Answer.backend reports. Shared by concurrent questions: it
    holds the embedder, the reader and the settings, nothing of any one question."""

    name = "extractive"

    def __init__(
        self, embedder: Embedder, settings: AnswerSettings | None = None, reader: Reader | None = None
    ) -> None:
        self.embedder = embedder
        self.settings = settings or AnswerSettings()
        self.reader = reader or make_reader(self.settings, embedder=embedder.name)

    def answer(self, request: Request) -> Answer:
        if request.understanding.answer_type == types.OVERVIEW:
            result = self._overview(request)
            request.emit(result.answer)
            return result
        ranking = evidence.rank_request(request, self.embedder, SEMANTIC_WEIGHT)
        result = self._compose(request, ranking)
        request.emit(result.answer)
        return result

    def _compose(self, request: Request, ranking: Ranking) -> Answer:
        understanding = request.understanding
        if not ranking.candidates:
            return refusal(request, [], self.name)
        if unanchored(ranking, understanding, self.settings):  # before any reading: a model reader costs seconds
            return refusal(request, see_also((c.hit, c.text, round(c.score, 4)) for c in ranking.ranked), self.name)
        if understanding.yes_no is not None:
            checked = self._yes_no(request, ranking)  # needs no ranking by meaning
            if checked is not None:
                return checked
        reading = read(self.reader, request, ranking)
        ranked = reading.ranked
        closest = see_also((c.hit, c.text, round(c.score, 4)) for c in ranked)
        if not answerable(request, reading, self.settings):
            return refusal(request, closest, self.name)
        kind = understanding.answer_type
        if kind in {types.PERSON, types.ORGANISATION}:
            role = understanding.role
            if role is not None:
                ranked = [c for c in ranked if roles.holds_role(c.text, role, c.hit.chunk.title)]
                if not ranked:
                    return refusal(request, closest, self.name)
            pool = [c for c in ranking.candidates if role is None or roles.holds_role(c.text, role, c.hit.chunk.title)]
            named = _named_answer(request.standalone, ranked, pool, kind, understanding)
            if named is not None:
                text, citations = named
                return request.answer(text, refused=False, backend=self.name, citations=citations)
        if understanding.dates.latest:
            ranked = _newest_first(ranked)
        chosen = self._companions(ranking, ranked)
        if kind == types.REASON:
            chosen = _with_cause(chosen, ranking, ranked)
        text, citations = _render(chosen)
        typed = chosen[0].typed
        span = entities.answer_span(chosen[0].text, kind, request.standalone, understanding.measure) if typed else None
        if span is not None:
            n = next(c.n for c in citations if chosen[0].text in c.quote)
            text = f"{span} [{n}]: {text}"
        if understanding.yes_no is not None:
            text = f"{text} {verdict.UNSETTLED}"
        return request.answer(text, refused=False, backend=self.name, citations=citations)

    def _overview(self, request: Request) -> Answer:
        """A story's key facts (`overview`), oldest first, each dated, sourced and cited."""
        found = overview.gather(request, self.embedder, self.reader, self.settings)
        if not found.facts:
            return refusal(request, found.closest, self.name)
        lines, citations = [], []
        for candidate in found.facts:
            citation = _citation(len(citations) + 1, candidate)
            citations.append(citation)
            chunk = candidate.hit.chunk
            where = ", ".join(p for p in (chunk.date or "", chunk.source) if p)
            lines.append(f"• {where + ': ' if where else ''}{strip_markers(citation.quote)} [{citation.n}]")
        return request.answer("\n".join(lines), refused=False, backend=self.name, citations=citations)

    def _companions(self, ranking: Ranking, ranked: list[Candidate]) -> list[Candidate]:
        """The best sentence and up to two more that score close to it and add question terms (and, when
        the best holds the kind of answer asked for, hold it too)."""
        best = ranked[0]
        chosen = [best]
        covered = set(best.stems)
        for candidate in ranked[1:]:
            if len(chosen) == MAX_QUOTES or candidate.score < best.score * self.settings.companion_ratio:
                break
            if best.typed and not candidate.typed:
                continue
            adds_terms = bool((set(candidate.stems) - covered) & set(ranking.terms.weights))
            if adds_terms and not _overlaps(candidate, chosen):
                chosen.append(candidate)
                covered |= candidate.stems
        return chosen

    def _yes_no(self, request: Request, ranking: Ranking) -> Answer | None:
        """A verdict with the sentences that decide it; what each source says when they do not; None (the
        answer is then the best sentences, as for any question, closed by `verdict.UNSETTLED`) when no claim
        finds a supporting sentence."""
        understanding = request.understanding
        assert understanding.yes_no is not None
        found = verdict.gather(understanding, ranking.candidates, self.embedder)
        if not any(e.supported for e in found):
            return None
        decided = decide_verdict(self.reader, request, found, self.settings)
        quotes = [e.best for e in found if e.best is not None and (e.supported or decided is None)]
        parts, citations = _cite_sources(_unique(quotes))
        if decided is not None:
            text = f"{decided.capitalize()} — {' '.join(parts)}"
        else:
            text = f"{' '.join(parts)} {verdict.UNSETTLED}"
        checks = {"checks": [e.to_dict() for e in found]}
        return request.answer(
            text, refused=False, backend=self.name, citations=citations, verdict=decided, understood=checks
        )

    def condense(self, history: Sequence[Turn], question: str) -> str:
        return condense_heuristic(history, question)


LEXICAL_VOTE = 4.0
"""A name's vote from a sentence grows with the share of the question's words that sentence holds: the
answer to a multi-clause question is named where its clauses are described, not wherever it recurs."""


def _named_answer(
    question: str, ranked: list[Candidate], pool: list[Candidate], kind: str, understanding: Understanding
) -> tuple[str, list[Citation]] | None:
    """The name the evidence agrees on, first, then the sentence that holds it; None when there is none.

    Every name the question does not already contain is counted over all evidence sentences, weighted by
    the sentence's score, its hit's rank and, most, the share of the question's words it holds; names
    sharing a last word ("Bankman-Fried", "Sam Bankman-Fried") count as one. A name found in several articles
    counts more: a multi-source question's answer is what its sources have in common. The name shown is the
    fullest form of the name: a person's as any sentence gives it ("Sam Bankman-Fried" over a quote that says
    "Bankman-Fried": news names a person in full once, then by surname), an organisation's as the quoted
    article gives it ("Northgate" is not the "University of Northgate" another article names).
    """
    known = evidence.question_words(question)
    for mention in understanding.mentions:
        known |= {w.lower() for w in mention.text.split()}
    scored = {id(c): c.score for c in ranked}
    votes: dict[str, float] = {}
    articles: dict[str, set[str]] = {}
    forms: dict[str, str] = {}
    in_article: dict[tuple[str, str], str] = {}
    for candidate in pool:
        weight = max(scored.get(id(candidate), 0.0), 0.0) + 1.0 / (1 + candidate.hit_rank)
        weight += LEXICAL_VOTE * candidate.lexical
        for name in entities.new_names(candidate.text, known):
            key = name.words[-1].lower()
            if key in known:
                continue
            votes[key] = votes.get(key, 0.0) + weight
            articles.setdefault(key, set()).add(candidate.article_id)
            if len(name.text) > len(forms.get(key, "")):
                forms[key] = name.text
            if len(name.text) > len(in_article.get((key, candidate.article_id), "")):
                in_article[key, candidate.article_id] = name.text
    if kind == types.PERSON:
        votes = {k: v for k, v in votes.items() if any(n.person_like for n in entities.names(forms[k]))}
    if not votes:
        return None
    best_key = max(votes, key=lambda k: (votes[k] * (1 + 0.5 * (len(articles[k]) - 1)), len(forms[k])))
    # One quote: the best-scored sentence holding the name. Adding the best one from each other publication
    # the question names cost citation precision on the dev split (0.897 -> 0.864): those were mostly
    # passing mentions in other articles, not evidence.
    holder = next((c for c in [*ranked, *pool] if best_key in c.text.lower() and _forms(c.text, best_key)), None)
    if holder is None:
        return None
    chosen = [holder]
    own = max(_forms(chosen[0].text, best_key), key=len)
    shown = forms[best_key] if kind == types.PERSON else in_article.get((best_key, chosen[0].article_id), own)
    _, citations = _cite_sources(chosen)
    markers = "".join(f"[{c.n}]" for c in citations)
    return f"{shown} {markers}: " + " ".join(f"“{strip_markers(c.quote)}”" for c in citations), citations


def _forms(sentence: str, key: str) -> list[str]:
    """The names in `sentence` whose last word is `key` (lower-cased): the forms of one name it holds."""
    return [n.text for n in entities.names(sentence) if n.words[-1].lower() == key]


def _with_cause(chosen: list[Candidate], ranking: Ranking, ranked: list[Candidate]) -> list[Candidate]:
    """For a "why" question: the best sentence's neighbour in its article too (the one the reader scores
    higher, or the next when it scored neither), quoted with it. A sentence restating the question's words
    ("the estimate rose to 38.5 million") is often followed or preceded by the one giving the cause."""
    best = chosen[0]
    scores = {(c.article_id, c.start): c.score for c in ranked}
    same = sorted((c for c in ranking.candidates if c.hit is best.hit), key=lambda c: c.start)
    starts = [c.start for c in same]
    if best.start not in starts:
        return chosen
    i = starts.index(best.start)
    around = [same[j] for j in (i + 1, i - 1) if 0 <= j < len(same)]
    if not around:
        return chosen
    cause = max(around, key=lambda c: scores.get((c.article_id, c.start), -1.0))
    if any(c.article_id == cause.article_id and c.start == cause.start for c in chosen):
        return chosen
    return [*chosen[: MAX_QUOTES - 1], cause]


def _newest_first(ranked: list[Candidate]) -> list[Candidate]:
    """Among sentences scoring close to the best, those of the newest article first."""
    best = ranked[0].score
    close = [c for c in ranked if c.score >= best * LATEST_RATIO]
    close.sort(key=lambda c: (c.hit.chunk.date or "", c.score), reverse=True)
    rest = [c for c in ranked if c.score < best * LATEST_RATIO]
    newest = close[0].hit.chunk.date
    return [c for c in close if c.hit.chunk.date == newest] + rest


def _unique(quotes: list[Candidate]) -> list[Candidate]:
    seen: set[tuple[str, int]] = set()
    out = []
    for candidate in quotes:
        if (candidate.article_id, candidate.start) not in seen:
            seen.add((candidate.article_id, candidate.start))
            out.append(candidate)
    return out


def _cite_sources(chosen: list[Candidate]) -> tuple[list[str], list[Citation]]:
    """ "Source: “quote” [n]" parts, one citation per sentence, numbered in order."""
    parts, citations = [], []
    for candidate in chosen:
        citation = _citation(len(citations) + 1, candidate)
        citations.append(citation)
        source = candidate.hit.chunk.source
        parts.append(f"{source + ': ' if source else ''}“{strip_markers(citation.quote)}” [{citation.n}]")
    return parts, citations


def _overlaps(candidate: Candidate, chosen: list[Candidate]) -> bool:
    return any(
        c.article_id == candidate.article_id and c.start < candidate.end and candidate.start < c.end for c in chosen
    )


def _citation(n: int, candidate: Candidate) -> Citation:
    return Citation.from_chunk(n, candidate.hit.chunk, candidate.text, round(candidate.score, 4))


def _render(chosen: list[Candidate]) -> tuple[str, list[Citation]]:
    """One citation per quote, numbered by first use; an article's quotes in article order.

    Sentences of one article that stand next to each other become one citation whose quote is the
    contiguous slice of the article, so every quote stays verbatim.
    """
    by_article: dict[str, list[Candidate]] = {}
    for candidate in chosen:
        by_article.setdefault(candidate.article_id, []).append(candidate)
    parts: list[str] = []
    citations: list[Citation] = []
    for quotes in by_article.values():
        for run in _adjacent_runs(sorted(quotes, key=lambda c: c.start)):
            citation = _citation(len(citations) + 1, run)
            citations.append(citation)
            parts.append(f"{strip_markers(citation.quote)} [{citation.n}]")
    return " ".join(parts), citations


def _adjacent_runs(quotes: list[Candidate]) -> list[Candidate]:
    """Merge sentences separated only by whitespace into one candidate spanning them."""
    runs = [quotes[0]]
    for quote in quotes[1:]:
        last = runs[-1]
        chunk = quote.hit.chunk
        between = chunk.text[last.end - chunk.start : quote.start - chunk.start] if last.hit is quote.hit else None
        if between is not None and not between.strip():
            text = chunk.text[last.start - chunk.start : quote.end - chunk.start]
            runs[-1] = replace(last, text=text, end=quote.end, score=max(last.score, quote.score))
        else:
            runs.append(quote)
    return runs
