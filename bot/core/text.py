"""The read side's one tokenizer: words, the stopword list and stemmed content terms.

Extractive scoring, refusal, quote selection and citation checks all compare text through `stems`, so a
word counts the same everywhere. (BM25 keeps its own analyser inside the keyword index: it is part of
that index's on-disk format.)
"""

from __future__ import annotations

import re
from functools import lru_cache

STOPWORDS = frozenset(
    """
    a an the and or but if then than so of to in on at by for with from about into over under after
    before between during as is are was were be been being am do does did done doing have has had having
    it its it's this that these those there here what which who whom whose when where why how whether i
    me my we our you your he him his she her they them their not no nor can could would should will
    shall may might must also just only very more most much many some any all each both either neither
    such same other another own up down out off again further once s t say says said tell told report
    reported according mention mentioned article articles news did does regarding concerning
    """.split()
)
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’]*")


@lru_cache(maxsize=1)
def stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("english")


def words(text: str) -> list[str]:
    return [w.strip("'’") for w in _WORD.findall(text)]


def stems(text: str) -> list[str]:
    """Lower-cased, stemmed content words of `text`."""
    kept = [w.lower() for w in words(text) if w.lower() not in STOPWORDS and w]
    return stemmer().stemWords(kept) if kept else []
