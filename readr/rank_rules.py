"""The reader's rules on top of the relevance model: muted and boosted authors, words and categories.

A rule says what the model cannot learn from a few key presses: "never mind this author", "always
show me diffusion". Rules live in config.toml (`[rank.mute]` and `[rank.boost]`, edited by hand or
with `readr rank mute|boost|unmute|unboost`), and apply wherever papers are ranked: the Inbox by
relevance, `like:TAG` searches, and the arrival order shown while there is too little history.

A muted paper is pushed to the bottom (its score drops by MUTE_PENALTY, below any unmuted paper's)
rather than hidden: a rule that hides papers silently is one a reader forgets they wrote. Each
boost lifts a paper by BOOST (about the distance between a typical kept and a typical dismissed
paper). Every rule that applies is a reason, first in the paper's `why`: "muted: author X",
"boosted: word diffusion".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .record import field, frozen_record

TYPE_CHECKING = False  # typing costs ~5 ms of start-up
if TYPE_CHECKING:
    from typing import Any

KINDS = ("author", "word", "category")
ACTIONS = ("mute", "boost")
# The keys of a kind in config.toml's [rank.mute] / [rank.boost] tables.
TOML_KEYS = {"author": "authors", "word": "words", "category": "categories"}
_KIND_NAMES = {"author": "author", "authors": "author", "word": "word", "words": "word", "phrase": "word",
               "category": "category", "categories": "category", "cat": "category"}
_EXAMPLE = {"author": '"Yann LeCun"', "word": "diffusion", "category": "cs.CV"}
BOOST = 1.0
MUTE_PENALTY = 10.0


class RuleError(ValueError):
    """A rule that cannot be: an unknown kind, an empty value."""


def parse_kind(text: str) -> str:
    kind = _KIND_NAMES.get(text.strip().lower())
    if kind is None:
        raise RuleError(f"{text!r} is not a kind of rule; use author, word or category")
    return kind


def normal_value(kind: str, value: str) -> str:
    """A rule's value as it is stored: whitespace collapsed; words lower-cased."""
    text = " ".join(str(value).split())
    if not text or any(ord(c) < 32 for c in text):
        raise RuleError(f"a {kind} rule needs a value (e.g. {_EXAMPLE[kind]})")
    return text.lower() if kind == "word" else text



@frozen_record
class RankRules:
    """Muted and boosted values, by kind."""

    muted: dict[str, tuple[str, ...]] = field(default_factory=dict)
    boosted: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return any(self.muted.values()) or any(self.boosted.values())

    def values(self, action: str, kind: str) -> tuple[str, ...]:
        return (self.muted if action == "mute" else self.boosted).get(kind, ())

    def with_rule(self, action: str, kind: str, value: str, present: bool = True) -> RankRules:
        """These rules with `action kind value` added (or, with present=False, removed)."""
        value = normal_value(kind, value)
        table = dict(self.muted if action == "mute" else self.boosted)
        same = [v for v in table.get(kind, ()) if v.casefold() != value.casefold()]
        table[kind] = (*same, value) if present else tuple(same)
        table = {k: v for k, v in table.items() if v}
        return RankRules(table, self.boosted) if action == "mute" else RankRules(self.muted, table)

    def listing(self) -> list[tuple[str, str, str]]:
        """(action, kind, value) of every rule, mutes first."""
        return [(action, kind, value) for action in ACTIONS for kind in KINDS for value in self.values(action, kind)]

    def to_toml_data(self) -> dict[str, dict[str, list[str]]]:
        """{"mute": {"authors": [...]}, "boost": {...}} as config.toml holds it (empty tables left out)."""
        out: dict[str, dict[str, list[str]]] = {}
        for action in ACTIONS:
            table = {TOML_KEYS[kind]: list(self.values(action, kind)) for kind in KINDS if self.values(action, kind)}
            if table:
                out[action] = table
        return out


def rules_from_toml(data: Any) -> RankRules:
    """The rules in config.toml's `[rank]` table ({"mute": {"authors": [...]}, "boost": ...});
    RuleError for anything else."""
    if data is None:
        return RankRules()
    if not isinstance(data, dict):
        raise RuleError("[rank] must be a table with [rank.mute] and [rank.boost]")
    unknown = set(data) - set(ACTIONS)
    if unknown:
        raise RuleError(f"[rank] has {', '.join(sorted(unknown))}; it holds mute and boost")
    tables: dict[str, dict[str, tuple[str, ...]]] = {}
    for action in ACTIONS:
        table = data.get(action, {})
        if not isinstance(table, dict):
            raise RuleError(f"[rank.{action}] must be a table of authors, words and categories")
        known = {TOML_KEYS[k] for k in KINDS}
        if set(table) - known:
            raise RuleError(f"[rank.{action}] has {', '.join(sorted(set(table) - known))}; use authors, words, "
                            "categories")
        parsed: dict[str, tuple[str, ...]] = {}
        for kind in KINDS:
            values = table.get(TOML_KEYS[kind], [])
            if isinstance(values, str):
                values = [values]
            if not isinstance(values, list):
                raise RuleError(f"[rank.{action}] {TOML_KEYS[kind]} must be a list of strings")
            cleaned = tuple(dict.fromkeys(normal_value(kind, str(v)) for v in values))
            if cleaned:
                parsed[kind] = cleaned
        tables[action] = parsed
    return RankRules(tables["mute"], tables["boost"])


def _name(text: str) -> str:
    return " ".join(text.split()).casefold()


def _word_pattern(word: str) -> re.Pattern[str]:
    body = r"\s+".join(re.escape(part) for part in word.split())
    return re.compile(r"(?<!\w)" + body + r"(?!\w)", re.IGNORECASE)


class RuleMatcher:
    """Applies rules to papers (title, abstract, authors, categories)."""

    def __init__(self, rules: RankRules) -> None:
        self.rules = rules
        self._authors = {
            action: {_name(v): v for v in rules.values(action, "author")} for action in ACTIONS
        }
        self._words = {action: [(v, _word_pattern(v)) for v in rules.values(action, "word")] for action in ACTIONS}
        self._categories = {action: rules.values(action, "category") for action in ACTIONS}

    def matches(self, action: str, title: str, abstract: str, authors: Sequence[str],
                categories: Sequence[str]) -> list[str]:
        """The rules of `action` this paper matches, as reasons ("author Yann LeCun")."""
        found = []
        wanted = self._authors[action]
        if wanted:
            for author in authors:
                if _name(author) in wanted:
                    found.append(f"author {author.strip()}")
        text = f"{title}\n{abstract}"
        found += [f"word {word}" for word, pattern in self._words[action] if pattern.search(text)]
        for rule in self._categories[action]:
            # A whole category (cs.CV) or an archive (cs: every cs.* category).
            low = rule.lower()
            if any(c.lower() == low or c.lower().startswith(low + ".") for c in categories):
                found.append(f"category {rule}")
        return found

    def adjust(self, title: str, abstract: str, authors: Sequence[str],
               categories: Sequence[str]) -> tuple[float, list[str]]:
        """(the change to the paper's score, the reasons) under these rules."""
        muted = self.matches("mute", title, abstract, authors, categories)
        boosted = self.matches("boost", title, abstract, authors, categories)
        change = BOOST * len(boosted) - (MUTE_PENALTY if muted else 0.0)
        reasons = [f"muted: {m}" for m in muted] + [f"boosted: {b}" for b in boosted]
        return change, reasons
