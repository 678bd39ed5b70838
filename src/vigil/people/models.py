"""The POLE store: People, Objects, Locations, Events, and typed links between them.

Every case record carries its owning agency, who created and last changed it, when, an access
level and a version number (incremented on every change; edits carry the version they started
from, so concurrent edits never silently overwrite each other).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from vigil.accounts.models import Agency


class AccessLevel(models.TextChoices):
    STANDARD = "standard", "Standard"
    RESTRICTED = "restricted", "Restricted to named people"


class CaseRecord(models.Model):
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    access_level = models.CharField(
        max_length=20, choices=AccessLevel.choices, default=AccessLevel.STANDARD
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


# --- People -----------------------------------------------------------------------------------


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Not known"


class Ethnicity(models.TextChoices):
    """ONS 2021 Census ethnic groups (England and Wales), 19 categories plus not stated."""

    WHITE_BRITISH = "W1", "White: English, Welsh, Scottish, Northern Irish or British"
    WHITE_IRISH = "W2", "White: Irish"
    WHITE_GYPSY = "W3", "White: Gypsy or Irish Traveller"
    WHITE_ROMA = "W4", "White: Roma"
    WHITE_OTHER = "W9", "White: Any other White background"
    MIXED_WHITE_CARIBBEAN = "M1", "Mixed or Multiple: White and Black Caribbean"
    MIXED_WHITE_AFRICAN = "M2", "Mixed or Multiple: White and Black African"
    MIXED_WHITE_ASIAN = "M3", "Mixed or Multiple: White and Asian"
    MIXED_OTHER = "M9", "Mixed or Multiple: Any other Mixed or Multiple background"
    ASIAN_INDIAN = "A1", "Asian or Asian British: Indian"
    ASIAN_PAKISTANI = "A2", "Asian or Asian British: Pakistani"
    ASIAN_BANGLADESHI = "A3", "Asian or Asian British: Bangladeshi"
    ASIAN_CHINESE = "A4", "Asian or Asian British: Chinese"
    ASIAN_OTHER = "A9", "Asian or Asian British: Any other Asian background"
    BLACK_CARIBBEAN = "B1", "Black, Black British, Caribbean or African: Caribbean"
    BLACK_AFRICAN = "B2", "Black, Black British, Caribbean or African: African"
    BLACK_OTHER = "B9", "Black, Black British, Caribbean or African: Any other background"
    OTHER_ARAB = "O1", "Other ethnic group: Arab"
    OTHER_ANY = "O9", "Other ethnic group: Any other ethnic group"
    NOT_STATED = "NS", "Not stated"


class DateOfBirthPrecision(models.TextChoices):
    EXACT = "exact", "Exact"
    MONTH = "month", "Month and year known"
    YEAR = "year", "Year known"
    APPROXIMATE = "approximate", "Approximate (estimated age)"
    UNKNOWN = "unknown", "Not known"


class PersonFlag(models.TextChoices):
    IN_CARE = "in_care", "In care (looked-after child)"
    CARE_LEAVER = "care_leaver", "Care leaver"
    SEN = "sen", "Special educational needs or disability"
    RESTRICTED = "restricted", "Restricted record"
    VICTIM = "victim", "Known victim"
    SUSPECT = "suspect", "Suspect"
    MISSING = "missing", "Currently missing"


class Person(CaseRecord):
    given_names = models.CharField(max_length=200)
    family_name = models.CharField(max_length=200)
    date_of_birth = models.DateField(null=True, blank=True, db_index=True)
    date_of_birth_precision = models.CharField(
        max_length=20, choices=DateOfBirthPrecision.choices, default=DateOfBirthPrecision.EXACT
    )
    gender = models.CharField(max_length=20, choices=Gender.choices, default=Gender.UNKNOWN)
    ethnicity = models.CharField(
        max_length=2, choices=Ethnicity.choices, default=Ethnicity.NOT_STATED
    )
    nationality = models.CharField(max_length=100, blank=True)
    languages = models.JSONField(default=list, blank=True)
    flags = models.JSONField(default=list, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["family_name", "given_names"]
        indexes = [models.Index(fields=["family_name", "given_names"], name="person_name_idx")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}".strip()

    @property
    def flag_labels(self) -> list[str]:
        return [PersonFlag(flag).label for flag in self.flags if flag in PersonFlag.values]

    @property
    def in_care(self) -> bool:
        return PersonFlag.IN_CARE in self.flags

    @property
    def is_missing(self) -> bool:
        """An episode of theirs is open (kept by vigil.missing's services and import)."""
        return PersonFlag.MISSING in self.flags


class NameType(models.TextChoices):
    ALIAS = "alias", "Alias"
    NICKNAME = "nickname", "Nickname or street name"
    PREVIOUS = "previous", "Previous or birth name"
    TRANSLITERATION = "transliteration", "Other spelling or transliteration"
    ONLINE = "online", "Name used online"


class PersonName(models.Model):
    """A name a person is also known by, with where it came from."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="other_names")
    name_type = models.CharField(max_length=20, choices=NameType.choices)
    given_names = models.CharField(max_length=200, blank=True)
    family_name = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=200, blank=True)
    recorded_by_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name_type", "family_name", "given_names"]

    def __str__(self) -> str:
        return f"{self.given_names} {self.family_name}".strip()


class NameKey(models.Model):
    """Search index rows: one per (person, key) from `vigil.core.names.name_keys`."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=80)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "person"], name="namekey_unique")]

    def __str__(self) -> str:
        return self.key


class PersonNameIndex(models.Model):
    """The person's name keys as one document for the database's full-text index (FTS5 on
    SQLite, GIN over to_tsvector on PostgreSQL); see `vigil.people.name_index`. Rewritten
    with the NameKey rows whenever the person's names change."""

    person = models.OneToOneField(
        Person, primary_key=True, on_delete=models.CASCADE, related_name="name_index"
    )
    keys = models.TextField()

    def __str__(self) -> str:
        return self.keys.strip()


class IdentifierScheme(models.TextChoices):
    PNC = "pnc", "PNC ID"
    NHS = "nhs", "NHS number"
    UPN = "upn", "Unique Pupil Number"
    LA_CHILD = "la_child", "Local authority child ID"
    NI = "ni", "National Insurance number"
    PASSPORT = "passport", "Passport number"
    OTHER = "other", "Other"


class PersonIdentifier(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identifiers")
    scheme = models.CharField(max_length=20, choices=IdentifierScheme.choices)
    value = models.CharField(max_length=64)
    issuer = models.CharField(max_length=200, blank=True, help_text="e.g. which local authority")
    recorded_by_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["scheme", "value"]
        indexes = [models.Index(fields=["scheme", "value"], name="identifier_idx")]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()} {self.value}"


# --- Objects ----------------------------------------------------------------------------------


class ObjectKind(models.TextChoices):
    VEHICLE = "vehicle", "Vehicle"
    PHONE = "phone", "Phone"
    ONLINE_ACCOUNT = "online_account", "Online account"
    OTHER = "other", "Other object"


class PoleObject(CaseRecord):
    """The O of POLE: a vehicle, phone, online account or other thing."""

    kind = models.CharField(max_length=20, choices=ObjectKind.choices)
    # Vehicles
    vrm = models.CharField("registration mark", max_length=16, blank=True)
    make = models.CharField(max_length=60, blank=True)
    model = models.CharField(max_length=60, blank=True)
    colour = models.CharField(max_length=40, blank=True)
    # Phones
    phone_number = models.CharField(max_length=32, blank=True)
    imei = models.CharField("IMEI", max_length=17, blank=True)
    # Online accounts
    platform = models.CharField(max_length=60, blank=True)
    handle = models.CharField(max_length=120, blank=True)
    # Anything
    description = models.TextField(blank=True)
    # Normalised identifier (VRM, phone digits, platform:handle) for exact search.
    search_key = models.CharField(max_length=200, blank=True, db_index=True)

    class Meta:
        verbose_name = "object"
        ordering = ["kind", "search_key"]

    def __str__(self) -> str:
        if self.kind == ObjectKind.VEHICLE:
            parts = [self.vrm, self.colour, self.make, self.model]
            return " ".join(part for part in parts if part)
        if self.kind == ObjectKind.PHONE:
            return self.phone_number or f"IMEI {self.imei}"
        if self.kind == ObjectKind.ONLINE_ACCOUNT:
            return f"{self.handle} ({self.platform})"
        return self.description[:60] or "Object"


# --- Locations --------------------------------------------------------------------------------


class PremisesType(models.TextChoices):
    HOME = "home", "Home address"
    CHILDRENS_HOME = "childrens_home", "Children's home"
    FOSTER_PLACEMENT = "foster_placement", "Foster placement"
    SUPPORTED_ACCOMMODATION = "supported_accommodation", "Supported accommodation"
    SCHOOL = "school", "School or college"
    HOTEL = "hotel", "Hotel"
    BED_AND_BREAKFAST = "bed_and_breakfast", "B&B or guest house"
    TAKEAWAY = "takeaway", "Takeaway or fast-food outlet"
    SHISHA_BAR = "shisha_bar", "Shisha bar"
    PARK = "park", "Park or open space"
    CAR_PARK = "car_park", "Car park"
    TAXI_RANK = "taxi_rank", "Taxi rank or taxi office"
    TRANSPORT_HUB = "transport_hub", "Bus or railway station"
    SHOPPING_CENTRE = "shopping_centre", "Shopping centre"
    ARCADE = "arcade", "Amusement arcade"
    CAFE = "cafe", "Café"
    PUB_CLUB = "pub_club", "Pub, bar or nightclub"
    PARTY_HOUSE = "party_house", "Private flat or 'party house'"
    OTHER = "other", "Other"


# Locations of concern named in the guidance ("Locations"): where children are groomed,
# exploited or found.
LOCATIONS_OF_CONCERN = frozenset(
    {
        PremisesType.HOTEL,
        PremisesType.BED_AND_BREAKFAST,
        PremisesType.TAKEAWAY,
        PremisesType.SHISHA_BAR,
        PremisesType.PARK,
        PremisesType.CAR_PARK,
        PremisesType.TAXI_RANK,
        PremisesType.TRANSPORT_HUB,
        PremisesType.SHOPPING_CENTRE,
        PremisesType.ARCADE,
        PremisesType.CAFE,
        PremisesType.PUB_CLUB,
        PremisesType.PARTY_HOUSE,
    }
)


class Location(CaseRecord):
    name = models.CharField(max_length=200, blank=True, help_text="e.g. the hotel's name")
    premises_type = models.CharField(max_length=30, choices=PremisesType.choices)
    address_line_1 = models.CharField(max_length=200)
    address_line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100)
    postcode = models.CharField(max_length=8, blank=True, help_text="Stored as 'LS1 1AA'")
    postcode_key = models.CharField(max_length=8, blank=True, db_index=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        ordering = ["town", "address_line_1"]

    def __str__(self) -> str:
        label = self.name or self.address_line_1
        return f"{label}, {self.town} {self.postcode}".strip()

    @property
    def is_location_of_concern(self) -> bool:
        return self.premises_type in LOCATIONS_OF_CONCERN


# --- Events -----------------------------------------------------------------------------------


class EventType(models.TextChoices):
    CONCERN = "concern", "Concern"
    INCIDENT = "incident", "Incident"
    INTELLIGENCE_REPORT = "intelligence_report", "Intelligence report"
    STOP_CHECK = "stop_check", "Stop or check"
    MISSING_EPISODE = "missing_episode", "Missing episode"
    REFERRAL = "referral", "Referral"
    CRIME_REPORT = "crime_report", "Crime report"


class Event(CaseRecord):
    event_type = models.CharField(max_length=30, choices=EventType.choices, db_index=True)
    occurred_at = models.DateTimeField(db_index=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    summary = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    reference = models.CharField(max_length=60, blank=True, help_text="e.g. crime or log number")

    class Meta:
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_event_type_display()}: {self.summary}"


class EventPerson(models.Model):
    class Role(models.TextChoices):
        SUBJECT = "subject", "Subject"
        VICTIM = "victim", "Victim or person at risk"
        SUSPECT = "suspect", "Suspect"
        WITNESS = "witness", "Witness"
        REPORTER = "reporter", "Reported by"
        PRESENT = "present", "Present"
        FOUND_WITH = "found_with", "Found with"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="involved_people")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="event_roles")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "person", "role"], name="eventperson_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.person}"


class EventObject(models.Model):
    class Role(models.TextChoices):
        USED = "used", "Used"
        SEEN = "seen", "Seen"
        SEIZED = "seized", "Seized"
        TRAVELLED_IN = "travelled_in", "Travelled in"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="involved_objects")
    pole_object = models.ForeignKey(
        PoleObject, on_delete=models.CASCADE, related_name="event_roles"
    )
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "pole_object", "role"], name="eventobject_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.pole_object}"


class EventLocation(models.Model):
    class Role(models.TextChoices):
        OCCURRED_AT = "occurred_at", "Happened at"
        FOUND_AT = "found_at", "Found at"
        REPORTED_FROM = "reported_from", "Reported from"
        STAYED_AT = "stayed_at", "Stayed at"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="involved_locations")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="event_roles")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "location", "role"], name="eventlocation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.location}"


# --- Intelligence -----------------------------------------------------------------------------


class SourceEvaluation(models.TextChoices):
    # APP Intelligence management, 3x5x2.
    RELIABLE = "1", "1 - Reliable"
    UNTESTED = "2", "2 - Untested"
    NOT_RELIABLE = "3", "3 - Not reliable"


class IntelligenceAssessment(models.TextChoices):
    A = "A", "A - Known directly to the source"
    B = "B", "B - Known indirectly to the source but corroborated"
    C = "C", "C - Known indirectly to the source"
    D = "D", "D - Not known"
    E = "E", "E - Suspected to be false"


class HandlingCode(models.TextChoices):
    P = "P", "P - Lawful sharing permitted"
    C = "C", "C - Lawful sharing permitted subject to conditions"


class IntelligenceReport(models.Model):
    """A 3x5x2-graded intelligence report. Its Event puts it on the subjects' timelines."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="intelligence")
    source_evaluation = models.CharField(max_length=1, choices=SourceEvaluation.choices)
    intelligence_assessment = models.CharField(max_length=1, choices=IntelligenceAssessment.choices)
    handling_code = models.CharField(max_length=1, choices=HandlingCode.choices)
    handling_conditions = models.TextField(blank=True)
    text = models.TextField()

    def __str__(self) -> str:
        return f"{self.grading} {self.event.summary}"

    @property
    def grading(self) -> str:
        return f"{self.source_evaluation}{self.intelligence_assessment}{self.handling_code}"


# --- Links ------------------------------------------------------------------------------------


class LinkKind(models.TextChoices):
    PERSON = "person", "Person"
    OBJECT = "object", "Object"
    LOCATION = "location", "Location"


class Link(CaseRecord):
    """A typed, dated link between two POLE entities. Exactly one `from_*` and one `to_*` is
    set; the link type (policy data in `vigil.people.link_types`) says which kinds may be joined
    and whether direction matters."""

    link_type = models.CharField(max_length=40, db_index=True)
    from_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="links_out"
    )
    from_object = models.ForeignKey(
        PoleObject, null=True, blank=True, on_delete=models.CASCADE, related_name="links_out"
    )
    from_location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="links_out"
    )
    to_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="links_in"
    )
    to_object = models.ForeignKey(
        PoleObject, null=True, blank=True, on_delete=models.CASCADE, related_name="links_in"
    )
    to_location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="links_in"
    )
    first_seen = models.DateField(null=True, blank=True)
    last_seen = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=200, help_text="Where this link is known from")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["link_type", "-last_seen", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        from_person__isnull=False,
                        from_object__isnull=True,
                        from_location__isnull=True,
                    )
                    | Q(
                        from_person__isnull=True,
                        from_object__isnull=False,
                        from_location__isnull=True,
                    )
                    | Q(
                        from_person__isnull=True,
                        from_object__isnull=True,
                        from_location__isnull=False,
                    )
                ),
                name="link_exactly_one_from",
            ),
            models.CheckConstraint(
                condition=(
                    Q(to_person__isnull=False, to_object__isnull=True, to_location__isnull=True)
                    | Q(to_person__isnull=True, to_object__isnull=False, to_location__isnull=True)
                    | Q(to_person__isnull=True, to_object__isnull=True, to_location__isnull=False)
                ),
                name="link_exactly_one_to",
            ),
            models.CheckConstraint(
                condition=Q(first_seen__isnull=True)
                | Q(last_seen__isnull=True)
                | Q(first_seen__lte=models.F("last_seen")),
                name="link_first_seen_before_last_seen",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_entity} {self.link_type} {self.target_entity}"

    @property
    def source_entity(self) -> Person | PoleObject | Location:
        return self.from_person or self.from_object or self.from_location  # type: ignore[return-value]

    @property
    def target_entity(self) -> Person | PoleObject | Location:
        return self.to_person or self.to_object or self.to_location  # type: ignore[return-value]
