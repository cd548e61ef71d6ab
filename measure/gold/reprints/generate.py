"""Generate the reprint set: wire stories with their copies, and near-miss stories on the same topics.

Every group is one story: an original and 1-4 copies of the kinds a newsroom's feeds carry —
`syndicated` (new headline, byline, dateline and copyright boilerplate, same body), `edited` (a few
words changed in some sentences, one sentence dropped), `added` (a paragraph of new sentences), and
`truncated` (the top of the story only). `near-miss` items are different stories on a group's topic
(follow-ups): the same organisation, person and place, one to four of the original's sentences repeated
as background, different news. They
are their own group, so grouping one with the original costs precision.

The text mixes generated sentences (slot-filled templates, so stories on one topic share names and
glue words, which makes near-misses hard) with real news sentences from the dev corpus, when present.
Seeded: the same seed writes the same file. Run: `python -m measure.gold.reprints.generate`.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEV_CORPUS = HERE.parents[3] / "shared" / "eval" / "multihop-rag-dev" / "corpus.jsonl"
GROUPS = 60
NEAR_MISS_SHARE = 0.5

ORGS = [
    "Huawei",
    "Ericsson",
    "Nokia",
    "Siemens",
    "Airbus",
    "Maersk",
    "Unilever",
    "Shell",
    "Nestle",
    "Volvo",
    "Philips",
    "Bayer",
    "Vodafone",
    "Iberdrola",
    "Fiat",
    "Renault",
    "Danone",
    "Heineken",
    "Equinor",
    "Alstom",
]
PEOPLE = [
    "Anna Keller",
    "Marco Rossi",
    "Liu Wei",
    "Sara Lindqvist",
    "James Okafor",
    "Priya Nair",
    "Tomas Novak",
    "Elena Petrova",
    "David Cohen",
    "Maria Santos",
    "Kenji Sato",
    "Fatima Haddad",
    "Lucas Meyer",
    "Chloe Martin",
    "Omar Farouk",
]
CITIES = [
    "Brussels",
    "Stockholm",
    "Lisbon",
    "Warsaw",
    "Madrid",
    "Vienna",
    "Dublin",
    "Prague",
    "Helsinki",
    "Athens",
    "Milan",
    "Rotterdam",
    "Oslo",
    "Lyon",
    "Hamburg",
]
TOPICS = [
    "5G network security",
    "battery recycling",
    "offshore wind auctions",
    "drug pricing",
    "rail freight",
    "grain exports",
    "data privacy fines",
    "steel tariffs",
    "chip subsidies",
    "water utilities",
]
VERBS = "announced,confirmed,rejected,proposed,postponed,approved,criticised,defended,unveiled,scrapped".split(",")
NOUNS = "plan,deal,review,proposal,contract,probe,investment,policy,merger,settlement".split(",")
MONTHS = "January,February,March,April,May,June,July,September,October,November,December".split(",")
TEMPLATES = [
    "{org} {verb} a {noun} on {topic} in {city} on {weekday}, {person} said.",
    "The {noun} is worth about {num} million euros and would run until {month} {year}.",
    "{person}, who leads the {topic} unit at {org}, said the company expected {pct} percent growth.",
    "Regulators in {city} had asked {org} to explain the {noun} by the end of {month}.",
    "Shares of {org} rose {pct} percent in early trading after the {noun} was made public.",
    "Critics said the {noun} left {num} jobs in {city} at risk.",
    "{org} employs about {num} people in the region and opened its {city} office in {year}.",
    "A spokesperson for {org} declined to comment on the timing of the {noun}.",
    "The decision follows months of talks between {org} and officials in {city}.",
    "{person} told reporters the {noun} would be reviewed again in {month}.",
    "Analysts at a bank in {city} said the move could cut costs by {pct} percent.",
    "Unions plan a protest outside the {city} headquarters on {weekday}.",
    "The European Commission said it was monitoring {topic} closely.",
    "{org} reported revenue of {num} million euros for the quarter ending in {month}.",
    "Lawmakers in {city} will vote on the {noun} before the summer recess, {person} said.",
    "Competitors including {org2} are expected to respond within {days} days.",
    "The {noun} was first reported by a local newspaper in {city} last {weekday}.",
    "{person} said {org} had no plans to leave {city}.",
    "Environmental groups welcomed the {noun} but said it did not go far enough on {topic}.",
    "Under the {noun}, {org} would pay {num} million euros over {days} months.",
]
SWAPS = {
    "said": "stated",
    "about": "roughly",
    "expected": "forecast",
    "asked": "told",
    "rose": "climbed",
    "plan": "scheme",
    "company": "firm",
    "officials": "authorities",
    "reporters": "journalists",
    "closely": "carefully",
    "protest": "demonstration",
    "percent": "per cent",
}
WEEKDAYS = "Monday,Tuesday,Wednesday,Thursday,Friday".split(",")
OUTLETS = [
    "Wire Service",
    "Daily Ledger",
    "Morning Post",
    "City Tribune",
    "Evening Star",
    "Business Chronicle",
    "Coastal Herald",
    "Metro Times",
]
BYLINES = "By staff reporters,By Anne Moore,By Peter Clark,From our correspondent,By the business desk".split(",")
BOILERPLATE = [
    "Copyright {year} {outlet}. All rights reserved. "
    "This material may not be published, broadcast, rewritten or redistributed.",
    "Sign up for our newsletter to get the day's top business stories in your inbox every morning.",
    "Reporting by {person}; editing by the {outlet} news desk.",
]


def real_sentences() -> list[str]:
    """Sentences of eight or more words from the dev corpus (real news text), or none without it."""
    if not DEV_CORPUS.exists():
        return []
    from index.sentences import split_sentences

    found = []
    for line in DEV_CORPUS.read_text(encoding="utf-8").splitlines():
        found += [s for s in split_sentences(json.loads(line)["text"]) if len(s.split()) >= 8]
    return sorted(set(found))


class Writer:
    def __init__(self, rng: random.Random, real: list[str]) -> None:
        self.rng = rng
        self.real = real

    def cast(self) -> dict[str, str]:
        org, org2 = self.rng.sample(ORGS, 2)
        return {
            "org": org,
            "org2": org2,
            "person": self.rng.choice(PEOPLE),
            "city": self.rng.choice(CITIES),
            "topic": self.rng.choice(TOPICS),
        }

    def sentence(self, cast: dict[str, str]) -> str:
        r = self.rng
        values = {
            **cast,
            "verb": r.choice(VERBS),
            "noun": r.choice(NOUNS),
            "num": str(r.randint(2, 900)),
            "pct": str(r.randint(1, 40)),
            "month": r.choice(MONTHS),
            "year": str(r.randint(2019, 2026)),
            "weekday": r.choice(WEEKDAYS),
            "days": str(r.randint(5, 90)),
        }
        return r.choice(TEMPLATES).format(**values)

    def body(self, cast: dict[str, str], n: int) -> list[str]:
        sentences = [self.sentence(cast) for _ in range(n)]
        for _ in range(min(2, len(self.real))):
            sentences.insert(self.rng.randint(1, len(sentences)), self.real.pop())
        return sentences


def paragraphs(sentences: list[str], rng: random.Random) -> str:
    out, run = [], []
    for s in sentences:
        run.append(s)
        if len(run) >= rng.randint(2, 3):
            out.append(" ".join(run))
            run = []
    if run:
        out.append(" ".join(run))
    return "\n\n".join(out)


def edit(sentences: list[str], rng: random.Random) -> list[str]:
    """A light edit: one sentence dropped, a house-style word swapped in about a third of the rest."""
    drop = rng.randrange(1, len(sentences))
    kept = [s for i, s in enumerate(sentences) if i != drop]
    edited = []
    for s in kept:
        words = s.split()
        swappable = [i for i, w in enumerate(words) if w in SWAPS]
        if swappable and rng.random() < 0.35:
            i = rng.choice(swappable)
            words[i] = SWAPS[words[i]]
        edited.append(" ".join(words))
    return edited


def generate(seed: int = 22) -> list[dict[str, object]]:
    rng = random.Random(seed)
    real = real_sentences()
    rng.shuffle(real)
    writer = Writer(rng, real)
    items: list[dict[str, object]] = []
    for g in range(GROUPS):
        cast = writer.cast()
        sentences = writer.body(cast, rng.randint(7, 14))
        date = f"2024-0{rng.randint(1, 9)}-{rng.randint(10, 27)}"
        title = f"{cast['org']} {rng.choice(VERBS)} {cast['topic']} {rng.choice(NOUNS)}"
        group = f"g{g:03d}"
        outlets = rng.sample(OUTLETS, 5)
        items.append(_item(group, "original", title, outlets[0], date, paragraphs(sentences, rng)))
        for k, kind in enumerate(rng.sample(["syndicated", "edited", "added", "truncated"], rng.randint(1, 4)), 1):
            copy = list(sentences)
            headline = f"{cast['person']}: {cast['org']} {rng.choice(VERBS)} {rng.choice(NOUNS)}"
            if kind == "edited":
                copy = edit(copy, rng)
            elif kind == "added":
                extra = [writer.sentence(cast) for _ in range(rng.randint(2, 4))]
                at = rng.choice([len(copy), len(copy) // 2])
                copy = copy[:at] + extra + copy[at:]
            elif kind == "truncated":
                copy = copy[: max(4, int(len(copy) * 0.7))]
            text = paragraphs(copy, rng)
            if kind == "syndicated":
                outlet = outlets[k]
                text = f"{rng.choice(BYLINES)}\n\n{cast['city'].upper()} ({outlets[0]}) — {text}\n\n"
                text += rng.choice(BOILERPLATE).format(year=date[:4], outlet=outlet, person=cast["person"])
            items.append(_item(f"{group}", kind, headline, outlets[k], date, text))
        if rng.random() < NEAR_MISS_SHARE:
            # a follow-up: new news that repeats one to four sentences of the original as background
            background = rng.sample(sentences, k=min(rng.randint(1, 4), len(sentences)))
            other = writer.body(cast, rng.randint(7, 12))
            text = paragraphs(other[:2] + background + other[2:], rng)
            items.append(
                _item(f"{group}-near", "near-miss", f"{cast['org']} and {cast['topic']}", outlets[4], date, text)
            )
    for n, item in enumerate(items):
        item["id"] = f"r{n:04d}"
    return items


def _item(group: str, kind: str, title: str, source: str, date: str, text: str) -> dict[str, object]:
    return {"id": "", "group": group, "kind": kind, "title": title, "source": source, "date": date, "text": text}


def main() -> None:
    items = generate()
    path = HERE / "reprints.jsonl"
    path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
    kinds: dict[str, int] = {}
    for item in items:
        kinds[str(item["kind"])] = kinds.get(str(item["kind"]), 0) + 1
    print(f"wrote {len(items)} items to {path}: {kinds}")


if __name__ == "__main__":
    main()
