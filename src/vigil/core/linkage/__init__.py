"""Record linkage: the same child or suspect across agencies' records (issue 11).

Pure core, no Django: standardise.py (fields), model.py (the Splink model and backends),
explain.py (why a pair scored as it did), pipeline.py (link_records), index.py (the "already
known?" lookup).
"""

from vigil.core.linkage.explain import FieldEvidence, PairExplanation
from vigil.core.linkage.index import (
    Candidate,
    LinkageIndex,
    PairScorer,
    blocking_keys,
    candidates_for,
    term_frequencies,
)
from vigil.core.linkage.model import LinkageBackendError, make_db_api
from vigil.core.linkage.pipeline import (
    INPUT_COLUMNS,
    DuplicateRecordError,
    LinkResult,
    ScoredPair,
    link_records,
)

__all__ = [
    "INPUT_COLUMNS",
    "Candidate",
    "DuplicateRecordError",
    "FieldEvidence",
    "LinkResult",
    "LinkageBackendError",
    "LinkageIndex",
    "PairExplanation",
    "PairScorer",
    "ScoredPair",
    "blocking_keys",
    "candidates_for",
    "link_records",
    "make_db_api",
    "term_frequencies",
]
