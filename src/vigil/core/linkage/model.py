"""The Splink (Fellegi-Sunter) model for linking people across agencies' records.

Designed against the household trap (issue 11): siblings share family name, address, postcode
and often a parent's phone; twins also share a DOB; fathers and sons share names. A textbook
model adds up those agreements as independent evidence and merges whole households. Here:

* Given name and date of birth carry the decision. The DOB comparison has explicit levels for
  the twin pattern (same DOB, different given name) and the same-name-parent pattern (same
  given name, DOB a generation apart), so the model learns how little they mean.
* Family name and location (address, postcode, phone, as ONE comparison so a shared household
  counts once) only corroborate: when given name or DOB positively disagree, or both are
  missing, those comparisons fall into a null level whose match weight is exactly zero.
* A given name cut from the start or end of the other ("Mo", "Seun") is a short form, so
  compatible: the nickname tables miss many. A different house number on one street is a
  neighbour (its own, weaker level), not the same address.
* Term-frequency adjustments on given and family name, so two "Muhammad Khan"s agreeing is
  weaker evidence than two "Kayleigh Oyelaran"s.

Whether records hold households at all is decided from them (households.py): FEBRL-like
registers get household_safe=False, where family name and location are independent evidence.
The gated comparisons keep their prior u (but the house, phone and street levels, whose u is
how often the records share a house or a street, SHARED_VALUE_U, as DOB exact's is how often
they share a DOB), the twin and parent levels their prior m and u, and the given name's
swapped-names level and the family-name-differs and location-differs levels their prior m
(see GATED_COMPARISONS, Level.fixed and Level.fixed_m for why training cannot estimate them).
After training, no agreeing or similar level weighs less than disagreement
(floor_partial_agreement). The family name's term frequency is the family name's among the
people with the same given name (standardise.family_given_frequencies), and a family name
that differs at the same house has a level of its own (FAMILY_DIFFERS_AT_HOUSE: people at one
house mostly share one, so there another is weaker evidence of two people).

The model starts from documented prior m/u values (good enough for a handful of records, where
EM cannot be trained) and, given enough records, is trained: u by random sampling, lambda by a
deterministic rule, m by expectation maximisation in two passes; after scoring, lambda is
re-estimated from the scored pairs themselves (estimate_prior).
"""

from __future__ import annotations

import logging
import math
import os
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from typing import Any, Literal

import numpy as np
import splink.blocking_rule_library as brl
import splink.comparison_level_library as cll
from splink import Linker, SettingsCreator, block_on
from splink import comparison_library as cl
from splink.internals.blocking import BlockingRule
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator
from splink.internals.dialects import SplinkDialect

from vigil.core.linkage.standardise import FAMILY_WITH_GIVEN

Backend = Literal["duckdb", "spark"]

# Name similarity above which two given names are "compatible" (could be the same person with a
# typo). Below it, and not nickname/spelling variants, the given names disagree and the
# household fields are silenced.
GIVEN_COMPATIBLE_JW = 0.88
# A short form cut from the start of a name ("Mo", "Kath", "Funmi") is at least this long; one
# cut from the end ("Seun" from Oluwaseun, "Emeka" from Chukwuemeka) a letter longer, since
# endings ("-a", "-ie") are shared by unrelated names.
SHORT_FORM_MIN_PREFIX = 2
SHORT_FORM_MIN_SUFFIX = 3
# DOBs more than two keystrokes apart (and not day/month transposed) disagree.
DOB_COMPATIBLE_EDITS = 2
# Distinguishing address words (house number, street, locality) two records must share for
# "most of the address" to agree when the parts are reordered or some are left out.
ADDRESS_MOST_WORDS = 3
# A father and son (mother and daughter) are at least this many years apart.
GENERATION_YEARS = 12

# The DOB levels that exist only for the household trap (dropped when household_safe=False).
HOUSEHOLD_LEVELS = frozenset(
    {
        "same DOB but different given name (twin pattern)",
        "same given name but DOB a generation apart (parent pattern)",
    }
)

DOB_EXACT = "DOB exact"
ADDRESS_AND_POSTCODE = "address and postcode agree"
MOST_OF_ADDRESS_AND_POSTCODE = "most of the address and the postcode agree"
NEIGHBOUR = "same street and postcode, another house number"
FAMILY_DIFFERS_AT_HOUSE = "family name differs, at the same house (changed, or a carer's)"
PHONE_AGREES = "phone agrees"

# Levels whose u is how often two of the records share a key (shared_value_probability,
# SHARED_KEYS), set from the records by vigil_settings, not sampled nor a fixed prior.
# * DOB exact: sampled, its u is how often two records share a DOB AND have compatible given
#   names (the twin level before it takes the pairs whose given names differ), so the given
#   name's agreement was counted twice, once in each comparison: at 50,000 synthetic records
#   "DOB exact" weighed 17.0 bits where a shared DOB (3.8e-5) is worth 14.4.
# * The house, phone and street levels (gated, so never sampled; see GATED_COMPARISONS): how
#   often records share a house or a street falls as the area grows, and their priors were
#   measured on a 50,000-record area. Those measures count the household's members, whom the
#   gate keeps out of these levels: an overestimate of u, as the priors were. The house is
#   the address with its postcode, as the levels compare it: the address alone recurs in
#   other postcodes (the synthetic area's 1,000,000 records share an address 1.1e-5, an
#   address and postcode 2.0e-6). The phone's share is over every record, a blank one
#   sharing with none (a pair reaches "phone agrees" only if both have one; the location
#   comparison is missing only when all three fields are): 3.8e-7 at 1,000,000 records.
SHARED_VALUE_U: dict[tuple[str, str], str] = {
    ("date_of_birth", DOB_EXACT): "dob",
    ("location", ADDRESS_AND_POSTCODE): "house",
    ("location", MOST_OF_ADDRESS_AND_POSTCODE): "house",
    ("location", PHONE_AGREES): "phone",
    ("location", NEIGHBOUR): "street_postcode",
    ("family_name", FAMILY_DIFFERS_AT_HOUSE): "family_differs_at_house",
}

# Records below this many are linked with the prior parameters: EM and random-sampling u
# estimates are noise on a few hundred records.
MIN_RECORDS_TO_TRAIN = 1000


class LinkageBackendError(RuntimeError):
    """The requested linkage backend cannot run here (e.g. Spark without pyspark)."""


BACKENDS: tuple[Backend, ...] = ("duckdb", "spark")
# Environment variables choosing the engine by configuration (issue 11: "Spark must work as the
# scale-out backend by configuration"): the backend, and the Spark master to connect to
# (default local[*]: every core of this machine; spark://host:7077 or yarn for a cluster).
ENGINE_VARIABLE = "VIGIL_LINKAGE_ENGINE"
SPARK_MASTER_VARIABLE = "VIGIL_SPARK_MASTER"


def configured_backend(environ: Mapping[str, str] | None = None) -> str:
    """The backend named by VIGIL_LINKAGE_ENGINE, else "duckdb"."""
    value = (os.environ if environ is None else environ).get(ENGINE_VARIABLE, "").strip()
    return value.lower() or "duckdb"


def spark_session(master: str | None = None) -> Any:
    """A Spark session able to run Splink, built from what is installed, never downloaded.

    Splink's similarity functions (Jaro-Winkler, Damerau-Levenshtein) are Scala UDFs in a jar
    that ships inside the splink package: it is put on the classpath by path (spark.jars), and
    no Maven coordinates (spark.jars.packages) are ever given, so nothing is fetched. An
    existing session is reused (getOrCreate) when it is already running.
    """
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    master = master or os.environ.get(SPARK_MASTER_VARIABLE) or "local[*]"
    local = master.startswith("local")
    session = (
        SparkSession.builder.master(master)
        .appName("vigil-linkage")
        .config("spark.jars", similarity_jar_location())
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        # Locally, a few partitions: Spark's default 200 is for a cluster and makes each of
        # Splink's many small queries schedule hundreds of empty tasks.
        .config("spark.sql.shuffle.partitions", "4" if local else "200")
        .config("spark.default.parallelism", "4" if local else "200")
        .config("spark.sql.adaptive.enabled", "true")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    if session.sparkContext.getCheckpointDir() is None:
        # Splink breaks long query lineages by writing parquet to the checkpoint directory.
        session.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="vigil-spark-"))
    return session


def make_db_api(backend: str | None = None, **options: Any) -> Any:
    """Splink's database API for `backend`: "duckdb" (embedded, default) or "spark" (scale-out).

    None means configured_backend() (VIGIL_LINKAGE_ENGINE). Spark is imported lazily so
    pyspark (and Java) are needed only by deployments that choose it; pass `spark_session=` to
    reuse a session, else spark_session() builds a local one (VIGIL_SPARK_MASTER).
    """
    backend = backend or configured_backend()
    if backend == "duckdb":
        import duckdb
        from splink.backends.duckdb import DuckDBAPI

        if "connection" not in options:
            # DuckDB spills what does not fit in memory to `temp_directory`, by default `.tmp`
            # in the working directory (a checkout, a server's folder): the system's temporary
            # directory instead, or VIGIL_LINKAGE_TEMP_DIR.
            spill = os.environ.get("VIGIL_LINKAGE_TEMP_DIR") or os.path.join(
                tempfile.gettempdir(), "vigil-duckdb"
            )
            # And it spills before VIGIL_LINKAGE_MEMORY_LIMIT (default half the machine's
            # memory; DuckDB's own default of 80% left too little for Python's share of a
            # 1,000,000-record run).
            limit = os.environ.get("VIGIL_LINKAGE_MEMORY_LIMIT") or "50%"
            options["connection"] = duckdb.connect(
                ":memory:", config={"temp_directory": spill, "memory_limit": limit}
            )
        return DuckDBAPI(**options)
    if backend == "spark":
        try:
            import pyspark  # noqa: F401
            from splink.backends.spark import SparkAPI
        except ImportError as error:
            raise LinkageBackendError(
                "linkage backend 'spark' needs pyspark, which is not installed "
                "(pip install pyspark); use backend='duckdb' for the embedded engine"
            ) from error
        if not shutil.which("java") and not os.environ.get("JAVA_HOME"):
            raise LinkageBackendError(
                "linkage backend 'spark' needs Java (17 or later) on PATH or JAVA_HOME; use "
                "backend='duckdb' for the embedded engine"
            )
        session = options.pop("spark_session", None) or spark_session()
        if session.sparkContext.master.startswith("local"):
            # In one machine's memory, caching beats writing parquet between steps.
            options.setdefault("break_lineage_method", "persist")
            options.setdefault("num_partitions_on_repartition", 4)
        return SparkAPI(spark_session=session, **options)
    raise LinkageBackendError(
        f"unknown linkage backend {backend!r}: use one of {', '.join(BACKENDS)}"
    )


# --- the gate -----------------------------------------------------------------------------


def _names_swapped(first: str, family: str) -> ComparisonLevelCreator:
    # Given and family name entered the wrong way round: common where the naming convention
    # puts the family name first, and after transliteration.
    return cll.ColumnsReversedLevel(first, family, symmetrical=True)


def _name_in_other_column(first: str, family: str) -> ComparisonLevelCreator:
    # One record has the given name in the family-name box (and something else, or nothing,
    # in the given-name box): a half-swap, which ColumnsReversedLevel does not see.
    return cll.CustomLevel(f"({first}_l = {family}_r OR {family}_l = {first}_r)")


def short_form_sql(first: str) -> str:
    """One given name is the start or the end of the other: a short form the nickname tables
    lack ("Mo" for Mohammed, "Seun" for Oluwaseun, "Funmi" for Funmilayo). Portable SQL
    (left/right exist in DuckDB and Spark)."""

    def cut(short: str, long: str) -> str:
        return (
            f"(length({long}) > length({short}) AND ("
            f"(length({short}) >= {SHORT_FORM_MIN_PREFIX}"
            f" AND left({long}, length({short})) = {short})"
            f" OR (length({short}) >= {SHORT_FORM_MIN_SUFFIX}"
            f" AND right({long}, length({short})) = {short})))"
        )

    return f"({cut(f'{first}_l', f'{first}_r')} OR {cut(f'{first}_r', f'{first}_l')})"


def _given_compatible(first: str, variants: str, family: str) -> ComparisonLevelCreator:
    return cll.Or(
        cll.ExactMatchLevel(first),
        cll.ArrayIntersectLevel(variants, 1),
        cll.CustomLevel(short_form_sql(first)),
        cll.JaroWinklerLevel(first, GIVEN_COMPATIBLE_JW),
        # one keystroke: "sam"/"sma" scores low on Jaro-Winkler because the names are short
        cll.DamerauLevenshteinLevel(first, 1),
        _names_swapped(first, family),
    )


def _dob_transposed_sql(dob: str) -> str:
    # Day and month keyed the wrong way round: portable SQL (DuckDB and Spark).
    return (
        f"substr({dob}_l, 1, 4) = substr({dob}_r, 1, 4) "
        f"AND substr({dob}_l, 6, 2) = substr({dob}_r, 9, 2) "
        f"AND substr({dob}_l, 9, 2) = substr({dob}_r, 6, 2)"
    )


# Dates systems record when only the year of birth is known (1 January, 1 July): such a
# date agrees with any date in its year, and says nothing more. A placeholder is keyed with
# the same slips as a real date, so its day/month swap (01-07) and transposed day digits
# (01-10, 07-10) count too: measured on the synthetic area, about a third of the duplicates
# the gate kept apart were a placeholder keyed like that.
PLACEHOLDER_DAYS = ("01-01", "07-01", "01-07", "01-10", "07-10")


def _dob_placeholder_sql(dob: str) -> str:
    days = ", ".join(f"'{d}'" for d in PLACEHOLDER_DAYS)
    return (
        f"substr({dob}_l, 1, 4) = substr({dob}_r, 1, 4) "
        f"AND (substr({dob}_l, 6, 5) IN ({days}) OR substr({dob}_r, 6, 5) IN ({days}))"
    )


def _generation_apart_sql(dob: str) -> str:
    return (
        f"abs(cast(substr({dob}_l, 1, 4) as int) - cast(substr({dob}_r, 1, 4) as int))"
        f" >= {GENERATION_YEARS}"
    )


def _dob_compatible(dob: str) -> ComparisonLevelCreator:
    return cll.Or(
        cll.ExactMatchLevel(dob),
        cll.CustomLevel(_dob_transposed_sql(dob)),
        # Two keystrokes, but not in the decade digits: 1990-08-26 and 1970-08-22 are a
        # mother and daughter, not a typo.
        cll.And(
            cll.DamerauLevenshteinLevel(dob, DOB_COMPATIBLE_EDITS),
            cll.Not(cll.CustomLevel(_generation_apart_sql(dob))),
        ),
        cll.CustomLevel(_dob_placeholder_sql(dob)),
    )


def _both_present(col: str) -> ComparisonLevelCreator:
    return cll.CustomLevel(f"{col}_l IS NOT NULL AND {col}_r IS NOT NULL")


def _either_missing(col: str) -> ComparisonLevelCreator:
    return cll.CustomLevel(f"({col}_l IS NULL OR {col}_r IS NULL)")


def household_gate() -> ComparisonLevelCreator:
    """True when given name and DOB say "not the same person", or say nothing at all.

    Then family name and location must not count: they are shared by a whole household. Uses
    the `_gate` copies of the columns (see standardise.STANDARD_COLUMNS for why).
    """
    first, variants, dob = "given_first_gate", "given_variants_gate", "dob_gate"
    family = "family_name_gate"
    return cll.Or(
        cll.And(_both_present(first), cll.Not(_given_compatible(first, variants, family))),
        cll.And(_both_present(dob), cll.Not(_dob_compatible(dob))),
        cll.And(_either_missing(first), _either_missing(dob)),
    )


# --- comparisons ---------------------------------------------------------------------------

# Each level: (kind, creator, prior m, prior u). kind is what explain.py shows a reviewer:
# "agree", "similar", "differ" or "missing". The priors are judgement, recorded so the model
# works untrained: m = P(level | same person), u = P(level | different people).


@dataclass(frozen=True)
class Level:
    label: str
    kind: Literal["agree", "similar", "differ", "missing"]
    creator: ComparisonLevelCreator
    m: float | None = None
    u: float | None = None
    tf_column: str | None = None
    # Kept at the prior, never trained: EM cannot learn a level that exists to describe
    # different people who look alike (it takes them for a kind of duplicate).
    fixed: bool = False
    # m kept at the prior (u still estimated), where EM's estimate fails at force scale:
    # * names swapped (the given name's level): the swap is in two comparisons, so EM counts
    #   its pairs' evidence twice and its m squared at each iteration, down to 0.0 by the
    #   ninth on the DOB pass at 1,000,000 records, which Splink refuses (7e-8, 2e-11, 8e-19
    #   ... 2e-238, then 0.0; the family name's copy now weighs nothing, see there);
    # * family name and location differ: the DOB pass at 1,000,000 records holds about as
    #   many strangers sharing a given name and DOB as duplicates, and EM took them for
    #   duplicates with another surname who had moved (m of family name differs 0.12 -> 0.7 in
    #   one iteration), which linked such strangers (precision 0.71). 50,000 records: EM had
    #   0.18 and 0.14 for them; fixed at the prior, F1 0.960 both ways (seed 7: 0.955, 0.956).
    fixed_m: bool = False
    # u kept as given, not sampled (vigil_settings sets SHARED_VALUE_U's from the records).
    fixed_u: bool = False


def _given_name_levels() -> list[Level]:
    return [
        Level("given name missing", "missing", cll.NullLevel("given_first")),
        Level("given name exact", "agree", cll.ExactMatchLevel("given_first"), 0.82, 0.01,
              tf_column="given_first"),
        # family_name_gate, not family_name: so the family-name-blocked EM pass trains this.
        Level("given and family names swapped", "similar",
              _names_swapped("given_first", "family_name_gate"), 0.05, 0.0001, fixed_m=True),
        Level("given name recorded as the family name", "similar",
              _name_in_other_column("given_first", "family_name_gate"), 0.02, 0.0002),
        Level("given name nickname or spelling variant", "similar",
              cll.ArrayIntersectLevel("given_variants", 1), 0.06, 0.002),
        Level("given name a short form of the other (its start or end)", "similar",
              cll.CustomLevel(short_form_sql("given_first")), 0.04, 0.002),
        Level("given name near-identical", "similar",
              cll.JaroWinklerLevel("given_first", 0.92), 0.05, 0.003),
        Level("given name similar", "similar",
              cll.JaroWinklerLevel("given_first", 0.8), 0.03, 0.02),
        Level("given name differs", "differ", cll.ElseLevel(), 0.04, 0.965),
    ]  # fmt: skip


def _dob_levels(household_safe: bool = True) -> list[Level]:
    twin = cll.And(
        cll.ExactMatchLevel("dob"),
        _both_present("given_first"),
        cll.Not(_given_compatible("given_first", "given_variants", "family_name_gate")),
    )
    parent = cll.And(
        cll.ExactMatchLevel("given_first"), cll.CustomLevel(_generation_apart_sql("dob"))
    )
    levels = [
        Level("DOB missing", "missing", cll.NullLevel("dob")),
        Level("same DOB but different given name (twin pattern)", "differ", twin, 0.01, 0.001,
              fixed=True),
        Level(DOB_EXACT, "agree", cll.ExactMatchLevel("dob"), 0.85, 0.0005),
        Level("DOB day and month transposed", "similar",
              cll.CustomLevel(_dob_transposed_sql("dob")), 0.03, 0.0001),
        Level("DOB one keystroke apart", "similar",
              cll.DamerauLevenshteinLevel("dob", 1), 0.05, 0.002),
        Level("same given name but DOB a generation apart (parent pattern)", "differ", parent,
              0.001, 0.01, fixed=True),
        Level("DOB two keystrokes apart", "similar",
              cll.DamerauLevenshteinLevel("dob", 2), 0.02, 0.01),
        Level("same year, one DOB a placeholder (1 January or 1 July)", "similar",
              cll.CustomLevel(_dob_placeholder_sql("dob")), 0.03, 0.005),
        Level("DOB differs", "differ", cll.ElseLevel(), 0.04, 0.98),
    ]  # fmt: skip
    if not household_safe:
        levels = [lv for lv in levels if lv.label not in HOUSEHOLD_LEVELS]
    return levels


def _gated_null(
    col_missing: ComparisonLevelCreator, household_safe: bool
) -> ComparisonLevelCreator:
    return cll.Or(col_missing, household_gate()) if household_safe else col_missing


def _family_name_levels(household_safe: bool = True) -> list[Level]:
    levels = [
        Level("family name missing, or given name/DOB disagree", "missing",
              _gated_null(cll.NullLevel("family_name"), household_safe)),
        # Its term frequency is the family name's among records with the same given name
        # (standardise.family_given_frequencies): names come from a community's customs.
        Level("family name exact", "agree", cll.ExactMatchLevel("family_name"), 0.75, 0.01,
              tf_column=FAMILY_WITH_GIVEN),
        # Counted once, in the given name (m/u there: 16 bits): here too it made a swap
        # worth 25 bits, twice both names agreeing in their own boxes, and at 1,000,000
        # records linked 538 pairs of strangers (names swapped, DOB two keystrokes apart).
        Level("given and family names swapped (counted in the given name)", "similar",
              _names_swapped("given_first", "family_name"), 0.0001, 0.0001, fixed=True),
        Level("family name shares a part (double-barrelled)", "similar",
              cll.ArrayIntersectLevel("family_tokens", 1), 0.05, 0.002),
        Level("family name near-identical", "similar",
              cll.JaroWinklerLevel("family_name", 0.92), 0.05, 0.005),
        Level("family name sounds alike", "similar",
              cll.ExactMatchLevel("family_phonetic"), 0.03, 0.01),
        # Different people at one house share a family name far more often than strangers
        # do, so a family name that differs there is weaker evidence against a match than
        # one that differs between two strangers: its u is how often records sharing a house
        # (address and postcode) have different family names (a care home, a stepfamily;
        # from the records, "family_differs_at_house": 0.28 at 50,000, 200,000 and 1,000,000
        # synthetic records), the location comparison counting the shared house itself. Its
        # m is the differs level's: a surname changes whether or not the child moves. Counted
        # as any other differing family name (u 0.97) it weighed 3.0 bits against, 1.2 now;
        # at 200,000 records such pairs (given name exact, DOB missing) averaged 0.47 and were
        # 93% the same person (partly the area's making: it leaves a DOB blank only on a
        # duplicate record, so strangers rarely reach this pattern).
        Level(FAMILY_DIFFERS_AT_HOUSE, "differ", _same_house(), 0.12, 0.28, fixed_m=True),
        Level("family name differs (e.g. changed)", "differ", cll.ElseLevel(), 0.12, 0.97,
              fixed_m=True),
    ]  # fmt: skip
    if not household_safe:  # no location comparison: the house is counted on its own
        levels = [lv for lv in levels if lv.label != FAMILY_DIFFERS_AT_HOUSE]
    return levels


def _near_address() -> ComparisonLevelCreator:
    return cll.JaroWinklerLevel("address", 0.92)


def _address_words(n: int) -> ComparisonLevelCreator:
    return cll.ArrayIntersectLevel("address_tokens", n)


def _postcode_agrees() -> ComparisonLevelCreator:
    # A postcode left blank on one record is not a disagreement (agencies often record the
    # address lines alone).
    return cll.Or(cll.ExactMatchLevel("postcode"), _either_missing("postcode"))


def _same_number() -> ComparisonLevelCreator:
    # "33 Canal Street" and "21 Canal Street" are near-identical strings but two houses.
    return cll.Or(cll.ExactMatchLevel("address_number"), _either_missing("address_number"))


def _same_address() -> ComparisonLevelCreator:
    return cll.And(_near_address(), _same_number(), _postcode_agrees())


def _most_of_address() -> ComparisonLevelCreator:
    return cll.And(
        _address_words(ADDRESS_MOST_WORDS), _same_number(), cll.ExactMatchLevel("postcode")
    )


def _same_house() -> ComparisonLevelCreator:
    """The two house-level location levels' condition (ADDRESS_AND_POSTCODE or
    MOST_OF_ADDRESS_AND_POSTCODE)."""
    return cll.Or(_same_address(), _most_of_address())


def _location_levels() -> list[Level]:
    all_missing = cll.And(
        _either_missing("postcode"), _either_missing("address"), _either_missing("phone")
    )
    near_address, words = _near_address(), _address_words
    same_postcode = cll.ExactMatchLevel("postcode")
    # u of the house, street and phone levels: how often two random records of the synthetic
    # 50k area share an address and postcode (4e-5), a street and postcode (8e-4), a phone
    # (8e-6), set from the records when trained (SHARED_VALUE_U). Fixed, as for every gated
    # level.
    return [
        Level("no location in common to compare, or given name/DOB disagree", "missing",
              _gated_null(all_missing, True)),
        Level(ADDRESS_AND_POSTCODE, "agree", _same_address(), 0.4, 0.00004),
        Level(MOST_OF_ADDRESS_AND_POSTCODE, "agree", _most_of_address(), 0.15, 0.00004),
        # A neighbour, or a house number mis-keyed: weaker than the same house.
        Level(NEIGHBOUR, "similar",
              cll.And(cll.Or(near_address, words(ADDRESS_MOST_WORDS)), _postcode_agrees()),
              0.05, 0.001),
        Level("address agrees", "agree", near_address, 0.05, 0.001),
        Level("most of the address agrees", "similar", words(ADDRESS_MOST_WORDS), 0.05, 0.0005),
        Level("part of the address and the postcode agree", "similar",
              cll.And(words(2), same_postcode), 0.05, 0.0005),
        # u: a mobile number is one person's, or (children's records) a parent's; the gate
        # keeps the household's other members out of this level. Most records carry none, so
        # two share one more rarely than they share a house.
        Level(PHONE_AGREES, "agree", cll.ExactMatchLevel("phone"), 0.1, 0.00001),
        Level("postcode agrees", "agree", same_postcode, 0.05, 0.005),
        Level("part of the address agrees", "similar", words(2), 0.03, 0.01),
        Level("same postcode district", "similar",
              cll.ExactMatchLevel("postcode_outward"), 0.05, 0.03),
        Level("location differs (e.g. moved)", "differ", cll.ElseLevel(), 0.15, 0.96,
              fixed_m=True),
    ]  # fmt: skip


def _address_levels() -> list[Level]:
    def words(n: int) -> ComparisonLevelCreator:
        return cll.ArrayIntersectLevel("address_tokens", n)

    return [
        Level("address missing", "missing", cll.NullLevel("address")),
        Level("address agrees", "agree", cll.JaroWinklerLevel("address", 0.95), 0.6, 0.0005),
        Level("address shares four or more words", "similar", words(4), 0.15, 0.0002),
        Level("address shares three words", "similar", words(3), 0.1, 0.001),
        Level("address shares two words", "similar", words(2), 0.05, 0.005),
        Level("address shares a word", "similar", words(1), 0.04, 0.05),
        Level("address differs", "differ", cll.ElseLevel(), 0.06, 0.94),
    ]  # fmt: skip


def _postcode_levels() -> list[Level]:
    return [
        Level("postcode missing", "missing", cll.NullLevel("postcode")),
        Level("postcode agrees", "agree", cll.ExactMatchLevel("postcode"), 0.85, 0.001),
        Level("postcode one keystroke apart", "similar",
              cll.DamerauLevenshteinLevel("postcode", 1), 0.08, 0.01),
        Level("same postcode district", "similar",
              cll.ExactMatchLevel("postcode_outward"), 0.03, 0.03),
        Level("postcode differs", "differ", cll.ElseLevel(), 0.04, 0.96),
    ]  # fmt: skip


def _phone_levels() -> list[Level]:
    return [
        Level("phone missing", "missing", cll.NullLevel("phone")),
        Level("phone agrees", "agree", cll.ExactMatchLevel("phone"), 0.8, 0.0001),
        Level("phone differs", "differ", cll.ElseLevel(), 0.2, 0.9999),
    ]  # fmt: skip


def comparison_levels(household_safe: bool = True) -> dict[str, list[Level]]:
    """Every comparison's levels, in Splink's order (first matching level wins).

    household_safe=True (Vigil's records: families, carers, shared phones) compares address,
    postcode and phone as ONE location comparison, counted only when given name and DOB are
    compatible. household_safe=False is for data known to hold no households (FEBRL, a single
    register of adults): the twin and parent levels go, and address, postcode and phone become
    independent evidence, as a textbook model has them.
    """
    levels = {"given_name": _given_name_levels()}
    levels["date_of_birth"] = _dob_levels(household_safe)
    levels["family_name"] = _family_name_levels(household_safe)
    if household_safe:
        levels["location"] = _location_levels()
    else:
        levels["address"] = _address_levels()
        levels["postcode"] = _postcode_levels()
        levels["phone"] = _phone_levels()
    return levels


# Comparisons silenced by the household gate. Their u (how often different people agree) is
# kept at the documented prior, not estimated by random sampling: the gate leaves them
# comparable only on the rare random pairs whose given name and DOB are compatible, and those
# are mostly the same person, so a sampled u came out near m and the evidence near nothing
# (measured on the synthetic area: a duplicate with a blank DOB agreeing on given name, family
# name and address then fell below 0.9).
GATED_COMPARISONS = frozenset({"family_name", "location"})


def _comparison(
    name: str, levels: list[Level], *, term_frequencies: bool, fix_u: bool = False
) -> Any:
    creators: list[ComparisonLevelCreator | dict[str, Any]] = []
    for level in levels:
        options: dict[str, Any] = {"label_for_charts": level.label}
        if level.kind == "missing":
            options["is_null_level"] = True
        if level.m is not None:
            options["m_probability"] = level.m
            options["u_probability"] = level.u
            if fix_u or level.fixed or level.fixed_u:
                options["fix_u_probability"] = True
            if level.fixed or level.fixed_m:
                options["fix_m_probability"] = True
        if level.tf_column and term_frequencies:
            options["tf_adjustment_column"] = level.tf_column
            # Against the level's own u: the family name's tf column is not the one it compares.
            options["disable_tf_exact_match_detection"] = True
            # Fully weighted TF would make a very rare name near-conclusive on its own.
            options["tf_adjustment_weight"] = 0.8
            options["tf_minimum_u_value"] = 0.0005
        creators.append(level.creator.configure(**options))
    return cl.CustomComparison(creators, output_column_name=name)


@cache
def _gate_open_sql(dialect: str) -> str:
    """SQL, as a blocking rule writes it, true when the household gate leaves a pair open: the
    gate (household_gate()) does not close it, or the given name is in the other record's
    family-name box (a half-swap, which the gate counts as disagreeing but the given-name
    comparison as evidence)."""

    def as_blocking(level: ComparisonLevelCreator) -> str:
        sql = level.get_comparison_level(dialect).sql_condition
        # Comparison SQL names a column's sides col_l / col_r; a blocking rule, l.col / r.col.
        # Vigil's columns are plain lower-case names, so they need no quotes.
        return re.sub(r'["`]?\b(\w+)_([lr])\b["`]?', r"\2.\1", sql)

    gate = as_blocking(household_gate())
    half_swap = as_blocking(_name_in_other_column("given_first_gate", "family_name_gate"))
    return f"(NOT ({gate}) OR ({half_swap}))"


class _Ungated(BlockingRuleCreator):
    """A blocking rule restricted to the pairs the household gate leaves open.

    A pair the gate closes (given name or DOB positively disagree, or both are missing) has
    family name and location silenced and is left with a disagreeing (or no) given name or
    DOB: at the prior of a batch worth training on it stays far below the threshold (at
    50,000 records the same 3,994 true links before and after, and one more false one, from
    the re-estimated prior). At force scale such pairs are most of what the name and date
    keys join (a common name born in the same year): dropping them at blocking is what lets
    the rules run at 1,000,000 records. On a handful of records, where the prior is large,
    the gated rules may miss a pair the model alone would have linked. The gate is the
    model's own, rendered for the linker's SQL dialect (_gate_open_sql).
    """

    def __init__(self, rule: BlockingRuleCreator) -> None:
        super().__init__()
        self._rule = rule

    def create_sql(self, sql_dialect: SplinkDialect) -> str:
        rule = self._rule.create_sql(sql_dialect)
        return f"({rule}) AND {_gate_open_sql(sql_dialect.sql_dialect_str)}"


class _ExcludedByKeys(BlockingRule):
    """A rule whose later rules exclude its pairs by its keys alone (exclude_by_keys)."""

    keys_sql: str

    def exclude_pairs_generated_by_this_rule_sql(self, *args: Any, **kwargs: Any) -> str:
        return f"coalesce(({self.keys_sql}),false)"


def exclude_by_keys(linker: Linker) -> int:
    """Let each later blocking rule exclude an ungated rule's pairs by the rule's keys alone.

    Splink scores a pair once: rule k's join excludes every pair an earlier rule made, by
    repeating the earlier rules' SQL, so each ungated rule would evaluate the gate once for
    every earlier rule (20-odd times a pair, most of the 1M run's time). Every ungated rule
    carries the same gate, so a pair rule k keeps (its keys agree and the gate is open) was
    made by an earlier rule exactly when that rule's keys agree: the exclusion by keys gives
    the same pairs, and the gate is evaluated once per rule. Returns the rules changed (0 if
    Splink's internals have moved, which costs time, never pairs).
    """
    settings = getattr(linker, "_settings_obj", None)
    changed = 0
    for rule in getattr(settings, "_blocking_rules_to_generate_predictions", None) or ():
        if type(rule) is not BlockingRule:
            continue
        sql = rule.blocking_rule_sql
        gated = f") AND {_gate_open_sql(rule.sql_dialect.sql_dialect_str)}"
        if sql.startswith("(") and sql.endswith(gated):
            rule.__class__ = _ExcludedByKeys
            rule.keys_sql = sql[1 : -len(gated)]  # type: ignore[attr-defined]
            changed += 1
    return changed


def prediction_blocking_rules(
    household_safe: bool = True,
) -> list[BlockingRuleCreator | dict[str, Any]]:
    """Candidate pairs: any pair sharing one of these is scored. Wide on purpose: blocking
    only has to find every true pair. With household_safe, each rule leaves out the pairs the
    household gate closes (_Ungated): they cannot match, and they are most of what the keys of
    common names and dates join at force scale.

    Every key joins a bounded block as the area grows (a date, a name with a date or a place,
    a street), so the pairs grow with the records and the commonness of names, not with their
    square: a key of the town or of one common word (as the address-word rules had) made 5.6
    billion of the 6.8 billion pairs at 1,000,000 records (benchmarks/linkage_blocking.py).
    """
    rules: list[BlockingRuleCreator] = [
        block_on("dob"),
        block_on("given_first", "family_name"),
        block_on("given_phonetic", "family_phonetic", "dob_year"),
        block_on("family_name", "postcode"),
        block_on("given_first", "postcode"),
        block_on("given_phonetic", "address"),
        # Typos in both names and a changed DOB still leave the house: same postcode and number.
        block_on("postcode", "address_number"),
        block_on("given_phonetic", "postcode"),
        block_on("family_phonetic", "postcode"),
        # A DOB mistyped in the day or the month (the first name with the year alone made
        # four in five of the pairs at 50,000 records, for 17 of 4,277 duplicates), in the
        # same postcode district: with the year-month or year and day alone these two made
        # 4.8 of the 7.6 million pairs at 1,000,000 records and half of them at 50,000,
        # for 5 duplicates there, none of which reached the threshold (same F1, 0.960).
        brl.CustomRule(
            "l.given_first = r.given_first AND substr(l.dob, 1, 7) = substr(r.dob, 1, 7)"
            " AND l.postcode_outward = r.postcode_outward"
        ),
        brl.CustomRule(
            "l.given_first = r.given_first AND l.dob_year = r.dob_year"
            " AND substr(l.dob, 9, 2) = substr(r.dob, 9, 2)"
            " AND l.postcode_outward = r.postcode_outward"
        ),
        block_on("family_name", "dob_year"),
        # The same house or street written in another order, or with the postcode left out or
        # mistyped, or a neighbour's house number: the street's words with the number or a name.
        block_on("address_street", "address_number"),
        block_on("address_street", "given_phonetic"),
        block_on("address_street", "family_phonetic"),
        block_on("address"),
        # Address words in any order, for when the postcode and a word of the street carry
        # typos (the words are a batch's rarer ones: standardise.common_address_words).
        block_on("address_word_1", "address_word_2"),
        block_on("address_word_1", "address_number"),
        block_on("address_word_2", "address_number"),
        block_on("address_word_1", "family_phonetic"),
        block_on("address_word_2", "given_phonetic"),
        # Day and month keyed the wrong way round, and a surname spelled another way.
        brl.CustomRule("l.dob = r.dob_transposed"),
        brl.CustomRule("l.dob_transposed = r.dob"),
        block_on("family_phonetic", "dob_year"),
        # Given and family names the wrong way round; or the given name typed in the
        # family-name box (either record) at the same postcode or with the same DOB.
        brl.CustomRule("l.given_first = r.family_name AND l.family_name = r.given_first"),
        brl.CustomRule("l.given_first = r.family_name AND l.dob = r.dob"),
        brl.CustomRule("l.family_name = r.given_first AND l.dob = r.dob"),
        brl.CustomRule("l.given_first = r.family_name AND l.postcode = r.postcode"),
        brl.CustomRule("l.family_name = r.given_first AND l.postcode = r.postcode"),
    ]
    return [_Ungated(rule) if household_safe else rule for rule in rules]


def vigil_settings(
    *,
    probability_two_random_records_match: float,
    term_frequencies: bool,
    household_safe: bool = True,
    shared: Mapping[str, float | None] | None = None,
) -> SettingsCreator:
    """Splink settings for Vigil's household-aware person model.

    shared: how often two of the records share each of SHARED_KEYS (shared_keys()): the u of
    the SHARED_VALUE_U levels, kept through training. None (or a key's None) keeps the prior.
    """
    levels = comparison_levels(household_safe)

    def measured(level: Level, u: float) -> Level:
        # A disagreement is never evidence for a match: where the records' own duplicates
        # make most of the pairs sharing a house (a few hundred records), the share with
        # different family names there can fall below the level's m.
        if level.kind == "differ" and level.m is not None:
            u = max(u, level.m)
        return replace(level, u=u, fixed_u=True)

    for (comparison, label), key in SHARED_VALUE_U.items():
        if (u := (shared or {}).get(key)) is not None and comparison in levels:
            levels[comparison] = [
                measured(level, u) if level.label == label else level
                for level in levels[comparison]
            ]
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            _comparison(
                name,
                its_levels,
                term_frequencies=term_frequencies,
                fix_u=household_safe and name in GATED_COMPARISONS,
            )
            for name, its_levels in levels.items()
        ],
        blocking_rules_to_generate_predictions=prediction_blocking_rules(household_safe),
        probability_two_random_records_match=probability_two_random_records_match,
        retain_intermediate_calculation_columns=True,
        additional_columns_to_retain=["source", "record_id"],
        max_iterations=20,
    )


def splink_default_settings(*, probability_two_random_records_match: float) -> SettingsCreator:
    """A textbook Splink model, as the baseline the benchmarks compare against.

    The comparison library's defaults for each field, treated as independent evidence, with
    term frequencies on names: what a team would build from Splink's tutorial.
    """
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("family_name").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.PostcodeComparison("postcode"),
            cl.LevenshteinAtThresholds("address", [1, 3]),
            cl.ExactMatch("phone"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "family_name"),
            block_on("dob"),
            block_on("postcode"),
        ],
        probability_two_random_records_match=probability_two_random_records_match,
        additional_columns_to_retain=["source", "record_id"],
    )


def register_family_given_frequencies(
    linker: Linker, db_api: Any, frequencies: Mapping[str, float]
) -> None:
    """Give the linker the family name's term frequencies given the given name
    (standardise.family_given_frequencies) as the tf table of family_with_given, instead of
    the frequencies of the keys themselves Splink would count."""
    import pyarrow as pa

    table = pa.table(
        {
            FAMILY_WITH_GIVEN: pa.array(list(frequencies), pa.string()),
            f"tf_{FAMILY_WITH_GIVEN}": pa.array(list(frequencies.values()), pa.float64()),
        }
    )
    lookup = db_api.register(table)
    linker.table_management.register_term_frequency_lookup(lookup, FAMILY_WITH_GIVEN)


def shared_value_probability(values: Any, *, blanks_count: bool = False) -> float | None:
    """How often two records, both with a value, share it: sum of c(c-1) over each value's
    count c, over n(n-1) (None with fewer than two values, or none shared). blanks_count:
    how often two records share a value, over all records (n counts the blank ones too)."""
    values = list(values)
    counts = Counter(v for v in values if v is not None).values()
    n = len(values) if blanks_count else sum(counts)
    shared = float(sum(c * (c - 1) for c in counts))
    return shared / (n * (n - 1)) if n > 1 and shared > 0 else None


def share_differing(pairs: Any) -> float | None:
    """Of the record pairs sharing a key, the share whose values differ: `pairs` are (key,
    value) per record, either None to leave the record out. None if no two records share a
    key, or none of those differ (a u of 0 would make the level impossible for strangers)."""
    by_key: Counter[Any] = Counter()
    by_both: Counter[Any] = Counter()
    for key, value in pairs:
        if key is not None and value is not None:
            by_key[key] += 1
            by_both[key, value] += 1
    sharing = sum(c * (c - 1) for c in by_key.values())
    differing = sharing - sum(c * (c - 1) for c in by_both.values())
    return differing / sharing if differing else None


SHARED_KEYS = ("dob", "house", "street_postcode", "phone", "family_differs_at_house")


def shared_keys(table: Any) -> dict[str, float | None]:
    """How often the records share each of SHARED_KEYS (shared_value_probability), over
    standardised records (an Arrow table or anything with the STANDARD_COLUMNS as columns):
    a DOB, a house (address and postcode), a street and postcode, a phone (over all records);
    family_differs_at_house: of the records sharing a house, how often their family names
    differ (share_differing)."""
    postcode = table.column("postcode").to_pylist()

    def with_postcode(name: str) -> list[str | None]:
        return [
            f"{v}|{p}" if v and p else None
            for v, p in zip(table.column(name).to_pylist(), postcode, strict=True)
        ]

    house = with_postcode("address")
    family = table.column("family_name").to_pylist()
    return {
        "dob": shared_value_probability(table.column("dob").to_pylist()),
        "house": shared_value_probability(house),
        "street_postcode": shared_value_probability(with_postcode("address_street")),
        "phone": shared_value_probability(table.column("phone").to_pylist(), blanks_count=True),
        "family_differs_at_house": share_differing(zip(house, family, strict=True)),
    }


def prior_lambda(n_records: int) -> float:
    """Prior probability two random records are the same person: about one duplicate per
    record, i.e. 1/n, clamped to keep tiny inputs from being linked on weak evidence."""
    return min(0.01, max(1e-7, 1.0 / max(n_records, 1)))


# The prior estimated from the scored pairs (estimate_prior) may move at most this factor
# from the trained one: link_records retrieves pairs far enough below its floors for that.
MAX_PRIOR_CHANGE = 10.0
# Pairs scored below this probability (at the trained prior) are left out of the estimate: a
# long tail of near-zero pairs is mostly blocking noise.
PRIOR_ESTIMATE_FLOOR = 0.01


def log2_odds(probability: float) -> float:
    return math.log2(probability / (1.0 - probability))


def estimate_prior(match_weights: Any, n_records: int, prior: float) -> float:
    """The prior probability two random records match, estimated from the scored pairs.

    `match_weights` are the pairs' match weights (log2 odds) at `prior`. The prior is the
    expected number of matches (the sum of the pairs' match probabilities) over all pairs of
    records; the probabilities depend on the prior, so it is iterated to its fixed point.
    The exact-key rule in train() cannot do this: it assumes its own recall (60%), which
    varies with how the records were keyed. Deterministic: the weights are sorted before
    summing, and the result is kept within MAX_PRIOR_CHANGE of `prior`.
    """
    weights = np.sort(np.asarray(match_weights, dtype=np.float64))
    all_pairs = n_records * (n_records - 1) / 2
    if weights.size == 0 or all_pairs <= 0:
        return prior
    bayes = weights - log2_odds(prior)  # each pair's evidence alone, without the prior
    low, high = prior / MAX_PRIOR_CHANGE, min(prior * MAX_PRIOR_CHANGE, 0.5)
    estimate = prior
    for _ in range(200):
        odds = np.exp2(bayes + log2_odds(estimate))
        expected = float(np.sum(odds / (1.0 + odds)))
        updated = min(high, max(low, expected / all_pairs))
        if abs(updated - estimate) <= 1e-9 * estimate:
            return updated
        estimate = updated
    return estimate


def floor_partial_agreement(linker: Linker, household_safe: bool = True) -> list[str]:
    """Raise the m of any agreeing or similar level weighing less than its comparison's
    "differs" level to where they weigh the same: partial agreement is never stronger
    evidence against a match than none at all. Returns the levels raised.

    EM learns such weights from records whose duplicates never fall in a level: on the
    synthetic area a moved duplicate gets a new address in another district and a staying
    one keeps its postcode, so at 200,000 records "address agrees" (the postcode differs) was
    trained to m 5.6e-21, 57 bits against a match, and "same postcode district" to 6 bits
    against (a move across the road). Real records mistype postcodes; such a weight would
    keep the same child's two records apart whatever their names and DOB said.
    """
    kinds = {
        (name, level.label): level.kind
        for name, levels in comparison_levels(household_safe).items()
        for level in levels
    }
    raised = []
    for comparison in linker._settings_obj.comparisons:
        levels = [lv for lv in comparison.comparison_levels if not lv.is_null_level]
        differs = [lv for lv in levels if lv._is_else_level]
        if not differs or not differs[0].m_probability or not differs[0].u_probability:
            continue
        floor = differs[0].m_probability / differs[0].u_probability
        for level in levels:
            kind = kinds.get((comparison.output_column_name, level.label_for_charts))
            m, u = level.m_probability, level.u_probability
            if kind in ("agree", "similar") and m is not None and u and m / u < floor:
                level.m_probability = min(1.0, u * floor)
                raised.append(f"{comparison.output_column_name}: {level.label_for_charts}")
    return raised


def train(linker: Linker, n_records: int, *, seed: int = 11, baseline: bool = False) -> None:
    """Estimate the model's parameters from the records themselves (unsupervised).

    lambda from an exact given name + family name + DOB rule (assumed to find 60% of matches),
    u from random pairs, m by EM in two passes whose blocking rules each leave the other
    pass's comparisons free to be estimated.
    """
    log = logging.getLogger("splink")
    previous = log.level
    # Splink's progress (INFO) never; its advice (WARNING) only if the caller let it through
    # (quiet_splink raises the bar to ERROR for the CLI and the app).
    log.setLevel(max(previous, logging.WARNING))
    try:
        given = "given_name" if baseline else "given_first"
        linker.training.estimate_probability_two_random_records_match(
            [block_on(given, "family_name", "dob")], recall=0.6
        )
        linker.training.estimate_u_using_random_sampling(
            max_pairs=min(5e6, max(1e6, n_records * 200)), seed=seed
        )
        if baseline:
            passes = [block_on("dob"), block_on("given_name", "family_name")]
        else:
            # 1: same DOB -> trains given name, family name, location.
            # 2: same family name and postcode (households!) -> trains given name and DOB,
            #    including the twin and same-name-parent levels.
            passes = [block_on("dob"), block_on("family_name", "postcode")]
        for rule in passes:
            try:
                linker.training.estimate_parameters_using_expectation_maximisation(
                    rule, estimate_without_term_frequencies=True
                )
            except ValueError as error:
                # At force scale a comparison level's m estimate can underflow to 0.0, which
                # Splink refuses (1M records, pass 1). The pass is then left out: the other
                # pass and the starting m values still stand, and the run finishes.
                if "m_probability" not in str(error) and "u_probability" not in str(error):
                    raise
                logging.getLogger(__name__).warning(
                    "EM pass %s left out: %s", rule, str(error).splitlines()[0]
                )
    finally:
        log.setLevel(previous)
