"""The person-name full-text index: each person's name keys (`vigil.core.names`) as one
document, searched by the database's own full-text engine instead of in Python.

A key becomes a plain word: exact token 'x:kayleigh' -> 'xkayleigh', nickname group
'n:katherine' -> 'nkatherine', sound-alike code 'm:KL' -> 'mkl'. The document is those words
between single spaces, with a space at each end (" mkl nkayleigh xkayleigh "), so a word can
also be found with a plain substring test when results are ranked.

- SQLite: an FTS5 table `people_name_fts` over `people_personnameindex.keys` (external
  content, kept in step by triggers; migration people 0002).
- PostgreSQL: a GIN index on `to_tsvector('simple', keys)`, queried with `to_tsquery`.

A query token matches a person when any of its words is in their document; every token must
match (AND of ORs), which both engines answer from their inverted index. The score is, per
token, 3 for an exact word, 2 for a shared nickname group and 1 for a sound-alike or a prefix
('kay' typed so far), summed over the tokens: the same ranking as before the index existed.

Each score is also an index query of its own (`NameQuery.levels`): a token scores 3 where its
exact word is present, 2 where a nickname word is and the exact word is not, 1 where only a
sound-alike or prefix word is. A common name ('William Williams' matches 23,845 people at a
million records) is then paged best score first straight from the index, without ranking
every match (people.selectors.search).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import product

from django.db import connection
from django.db.models import BooleanField, Case, F, Func, IntegerField, Q, Value, When
from django.db.models.expressions import Combinable, RawSQL

from vigil.core.names import EXACT_WEIGHT, NICKNAME_WEIGHT, SOUND_WEIGHT, name_tokens, token_keys

_NOT_WORD = re.compile(r"[^a-z0-9]")
# A prefix match needs three typed characters, or 'a' would match half the county.
PREFIX_MIN_LENGTH = 3
# Scores as index queries: one alternative per combination of token weights (3 ** tokens), so
# longer names are ranked in one query instead.
MAX_LEVEL_TOKENS = 4


def term(key: str) -> str:
    """'x:kayleigh' -> 'xkayleigh'; 'm:SM0' -> 'msm0'. Always [a-z0-9]+, safe in either
    engine's query syntax."""
    kind, _, value = key.partition(":")
    return kind + _NOT_WORD.sub("", value.lower())


def document(keys: Iterable[str]) -> str:
    words = sorted({term(key) for key in keys if len(term(key)) > 1})
    return f" {' '.join(words)} " if words else " "


@dataclass(frozen=True)
class TokenTerms:
    token: str
    exact: tuple[str, ...]
    nickname: tuple[str, ...]
    other: tuple[str, ...]  # sound-alike codes
    prefix: str  # '' when the token is too short for a prefix match

    @property
    def words(self) -> tuple[str, ...]:
        return self.exact + self.nickname + self.other

    def fts5_at(self, weight: int) -> str | None:
        """The FTS5 condition of this token scoring exactly `weight`; None if it cannot."""
        exact = f'"{self.exact[0]}"'
        nickname = " OR ".join(f'"{word}"' for word in self.nickname)
        if weight == EXACT_WEIGHT:
            return f"({exact})"
        if weight == NICKNAME_WEIGHT:
            return f"(({nickname}) NOT ({exact}))" if nickname else None
        other = [f'"{word}"' for word in self.other]
        if self.prefix:
            other.append(f'"{self.prefix}"*')
        if not other:
            return None
        better = f"{exact} OR {nickname}" if nickname else exact
        return f"(({' OR '.join(other)}) NOT ({better}))"

    def tsquery_at(self, weight: int) -> str | None:
        """The to_tsquery condition of this token scoring exactly `weight`; None if it cannot."""
        exact = self.exact[0]
        nickname = " | ".join(self.nickname)
        if weight == EXACT_WEIGHT:
            return exact
        if weight == NICKNAME_WEIGHT:
            return f"(({nickname}) & !{exact})" if nickname else None
        other = list(self.other) + ([f"{self.prefix}:*"] if self.prefix else [])
        if not other:
            return None
        worse = f"(({' | '.join(other)}) & !{exact}"
        return worse + (f" & !({nickname}))" if nickname else ")")


@dataclass(frozen=True)
class NameLevel:
    """The people a query matches with one score (`close_matches`: at least that score), as a
    full-text query for either engine."""

    score: int
    fts5: str
    tsquery: str


@dataclass(frozen=True)
class NameQuery:
    tokens: tuple[TokenTerms, ...]

    @classmethod
    def parse(cls, text: str) -> NameQuery | None:
        parsed = []
        for token in name_tokens(text):
            by_weight: dict[int, list[str]] = {}
            for key, weight in token_keys(token).items():
                word = term(key)
                if len(word) > 1:
                    by_weight.setdefault(weight, []).append(word)
            exact = tuple(by_weight.get(EXACT_WEIGHT, ()))
            parsed.append(
                TokenTerms(
                    token=token,
                    exact=exact,
                    nickname=tuple(by_weight.get(NICKNAME_WEIGHT, ())),
                    other=tuple(
                        word
                        for weight, words in by_weight.items()
                        if weight < NICKNAME_WEIGHT
                        for word in words
                    ),
                    prefix=exact[0] if exact and len(token) >= PREFIX_MIN_LENGTH else "",
                )
            )
        return cls(tuple(parsed)) if parsed else None

    @property
    def token_texts(self) -> list[str]:
        return [t.token for t in self.tokens]

    def fts5(self) -> str:
        """'("xkay" OR "nkate" OR "mk" OR "xkay"*) AND (...)' for SQLite FTS5 MATCH."""
        groups = []
        for t in self.tokens:
            words = [f'"{word}"' for word in t.words]
            if t.prefix:
                words.append(f'"{t.prefix}"*')
            groups.append(f"({' OR '.join(words)})")
        return " AND ".join(groups)

    def tsquery(self) -> str:
        """'(xkay | nkate | mk | xkay:*) & (...)' for PostgreSQL to_tsquery('simple', ...)."""
        groups = []
        for t in self.tokens:
            words = list(t.words)
            if t.prefix:
                words.append(f"{t.prefix}:*")
            groups.append(f"({' | '.join(words)})")
        return " & ".join(groups)

    def levels(self) -> list[NameLevel] | None:
        """The possible scores, best first, each as the index query selecting exactly the
        people with that score; None when the name has too many tokens to enumerate."""
        if len(self.tokens) > MAX_LEVEL_TOKENS:
            return None
        by_score: dict[int, tuple[list[str], list[str]]] = {}
        weights = (EXACT_WEIGHT, NICKNAME_WEIGHT, SOUND_WEIGHT)
        for combination in product(weights, repeat=len(self.tokens)):
            fts5 = [t.fts5_at(w) for t, w in zip(self.tokens, combination, strict=True)]
            tsquery = [t.tsquery_at(w) for t, w in zip(self.tokens, combination, strict=True)]
            if None in fts5 or None in tsquery:
                continue
            alternatives = by_score.setdefault(sum(combination), ([], []))
            alternatives[0].append(f"({' AND '.join(str(part) for part in fts5)})")
            alternatives[1].append(f"({' & '.join(str(part) for part in tsquery)})")
        return [
            NameLevel(score, " OR ".join(fts5), " | ".join(tsquery))
            for score, (fts5, tsquery) in sorted(by_score.items(), reverse=True)
        ]

    def close_matches(self) -> NameLevel:
        """The people whose every token is there as itself or a nickname (a score of 2 or 3
        each): only the exact and nickname words, whose index entries are short next to those
        of the sound-alike codes and prefixes. What a common name is counted on first."""
        fts5, tsquery = [], []
        for t in self.tokens:
            words = t.exact[:1] + t.nickname
            fts5.append("(" + " OR ".join(f'"{word}"' for word in words) + ")")
            tsquery.append(f"({' | '.join(words)})")
        return NameLevel(
            NICKNAME_WEIGHT * len(self.tokens), " AND ".join(fts5), " & ".join(tsquery)
        )

    def matching_ids(self, vendor: str, level: NameLevel | None = None) -> RawSQL:
        """A subquery of the ids of people whose names match (with the level's score, when
        given), answered by the index."""
        if vendor == "postgresql":
            return RawSQL(
                "SELECT person_id FROM people_personnameindex "
                "WHERE to_tsvector('simple'::regconfig, keys) "
                "@@ to_tsquery('simple'::regconfig, %s)",
                [level.tsquery if level else self.tsquery()],
            )
        return RawSQL(
            "SELECT rowid FROM people_name_fts WHERE people_name_fts MATCH %s",
            [level.fts5 if level else self.fts5()],
        )

    def first_ids(self, vendor: str, limit: int, level: NameLevel | None = None) -> list[int]:
        """Up to `limit` ids of matching people (with the level's score, when given), in no
        particular order, from the index alone: no permission check, so callers pass them
        through need-to-know before showing or counting anything."""
        lookup = self.matching_ids(vendor, level)
        with connection.cursor() as cursor:
            cursor.execute(f"{lookup.sql} LIMIT %s", [*lookup.params, limit])
            return [row[0] for row in cursor.fetchall()]

    def matches(self, vendor: str, field: str = "pk", level: NameLevel | None = None) -> Q:
        """A filter on `field` (a person id) keeping the people whose names match.

        On PostgreSQL it is `id = ANY(ARRAY(<index lookup>))`, not `id IN (<index lookup>)`:
        the planner cannot estimate an OR of name words (it guesses tens of thousands of
        matches where a common name has about a thousand at a million records) and then
        hash-joins a sequential scan of every person (0.8 s at 1M, cold). The array is
        computed first and its ids fetched by primary key, whatever the estimate."""
        if vendor == "postgresql":
            # '(<field> = ANY(ARRAY(SELECT person_id ...)))'
            in_array = Func(
                F(field),
                self.matching_ids(vendor, level),
                arg_joiner=" = ANY(ARRAY",
                template="(%(expressions)s))",
                output_field=BooleanField(),
            )
            return Q(in_array)
        return Q(**{f"{field}__in": self.matching_ids(vendor, level)})

    def matches_by_join(self, vendor: str, prefix: str = "name_index__") -> Q:
        """The same people as `matches`, for a query that stops early (a capped count): on
        PostgreSQL the person's own document is tested against the GIN index through the
        join, so the planner reads matches only until it has enough instead of first
        collecting every matching id (23,845 for 'William Williams' at 1M, ~100 ms)."""
        if vendor != "postgresql":
            return self.matches(vendor)
        # "(to_tsvector('simple'::regconfig, <keys>) @@ to_tsquery('simple'::regconfig, %s))",
        # the expression the GIN index is built on.
        in_document = Func(
            F(f"{prefix}keys"),
            Value(self.tsquery()),
            arg_joiner=") @@ to_tsquery('simple'::regconfig, ",
            template="(to_tsvector('simple'::regconfig, %(expressions)s))",
            output_field=BooleanField(),
        )
        return Q(in_document)

    def score(self, prefix: str = "name_index__") -> Combinable:
        """The rank of a matching person, as a database expression over their document."""
        total: Combinable | None = None
        for t in self.tokens:
            nickname = Q()
            for word in t.nickname:
                nickname |= Q(**{f"{prefix}keys__contains": f" {word} "})
            whens = [When(Q(**{f"{prefix}keys__contains": f" {t.exact[0]} "}), then=Value(3))]
            if t.nickname:
                whens.append(When(nickname, then=Value(2)))
            part = Case(*whens, default=Value(1), output_field=IntegerField())
            total = part if total is None else total + part
        return total if total is not None else Value(0)
