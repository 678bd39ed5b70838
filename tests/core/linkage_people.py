"""Person records in the `vigil link` input columns, for the linkage tests."""

from __future__ import annotations

import random


def person(record_id, given, family, dob, postcode="", address="", phone="", source="school"):
    return {
        "source": source,
        "record_id": record_id,
        "given_name": given,
        "family_name": family,
        "date_of_birth": dob,
        "postcode": postcode,
        "address": address,
        "phone": phone,
    }


STREETS = ["Road", "Lane", "Close"]


def people_recorded_twice(seed: int) -> list[dict[str, str]]:
    """1,100 records: 1,000 people, 100 of them recorded twice with a slip."""
    rng = random.Random(seed)
    syllables = ["ka", "mi", "lo", "ren", "sa", "to", "bel", "dra", "nu", "fi", "gor", "ze"]

    def name() -> str:
        return "".join(rng.choice(syllables) for _ in range(rng.randint(2, 3))).title()

    given = [name() for _ in range(300)]
    family = [name() + rng.choice(["", "son", "ski", "ley"]) for _ in range(2000)]
    records = []
    for i in range(1000):
        records.append(
            {
                "source": "school",
                "record_id": str(i),
                "given_name": rng.choice(given),
                "family_name": rng.choice(family),
                "date_of_birth": f"{rng.randint(2008, 2009)}-{rng.randint(1, 12):02d}-"
                f"{rng.randint(1, 28):02d}",
                "postcode": f"M{rng.randint(1, 40)} {rng.randint(1, 9)}AB",
                "address": f"{rng.randint(1, 200)} {name()} {rng.choice(STREETS)}",
                "phone": "",
            }
        )
    for i in range(100):
        copy = dict(records[i], source="health")
        copy["postcode"] = ""
        records.append(copy)
    return records
