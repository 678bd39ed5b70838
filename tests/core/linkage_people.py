"""One person record in the `vigil link` input columns, for the linkage tests."""

from __future__ import annotations


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
