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
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import BooleanField, Case, F, Func, IntegerField, Q, Value, When
from django.db.models.expressions import Combinable, RawSQL

from vigil.core.names import EXACT_WEIGHT, NICKNAME_WEIGHT, name_tokens, token_keys

_NOT_WORD = re.compile(r"[^a-z0-9]")
# A prefix match needs three typed characters, or 'a' would match half the county.
PREFIX_MIN_LENGTH = 3


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

    def matching_ids(self, vendor: str) -> RawSQL:
        """A subquery of the ids of people whose names match, answered by the index."""
        if vendor == "postgresql":
            return RawSQL(
                "SELECT person_id FROM people_personnameindex "
                "WHERE to_tsvector('simple'::regconfig, keys) "
                "@@ to_tsquery('simple'::regconfig, %s)",
                [self.tsquery()],
            )
        return RawSQL(
            "SELECT rowid FROM people_name_fts WHERE people_name_fts MATCH %s", [self.fts5()]
        )

    def matches(self, vendor: str, field: str = "pk") -> Q:
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
                self.matching_ids(vendor),
                arg_joiner=" = ANY(ARRAY",
                template="(%(expressions)s))",
                output_field=BooleanField(),
            )
            return Q(in_array)
        return Q(**{f"{field}__in": self.matching_ids(vendor)})

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
