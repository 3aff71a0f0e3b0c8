"""Upload privacy: of an uploaded people.csv only the ids, the features and a hashed household
key are stored; names, emails, phones and addresses are dropped before anything is stored,
and the pages say what was kept and what was dropped."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from minga.core.models import AuditEntry
from minga.sortition.models import Draw

pytestmark = pytest.mark.django_db

PEOPLE = """id,full_name,email,phone,street,zip,gender
v1,Ana Quispe,ana@example.org,+51 999 111 222,Jr. Cusco 12,15001,woman
v2,Luis Mamani,luis@example.org,+51 999 333 444,Jr. Cusco 12,15001,man
v3,Rosa Huamán,rosa@example.org,+51 999 555 666,Av. Lima 400,15002,woman
v4,Pedro Ccori,pedro@example.org,+51 999 777 888,AV. LIMA 400,15002,man
v5,Julia Condori,julia@example.org,+51 999 000 111,Calle Real 9,15003,woman
v6,Mario Apaza,mario@example.org,+51 999 222 333,,,man
"""
FEATURES = "feature,value,min,max\ngender,woman,1,2\ngender,man,1,2\n"
# Whole values, so that a timestamp or a hash that happens to hold "999" is no false alarm.
PRIVATE = ["Ana Quispe", "example.org", "+51 999", "Cusco", "LIMA 400", "Lima 400", "Calle Real"]
PRIVATE += ["15001", "15002", "15003"]


def test_only_ids_features_and_a_hashed_household_key_are_stored(world, client_as):
    client = client_as(world.coordinator, "es")
    response = client.post(
        "/n/red/sortition/new/",
        {
            "title": "Panel vecinal",
            "seats": 2,
            "pool_kind": "people",
            "algorithm": "leximin",
            "csv_group_by": "street,zip",
            "people_csv": SimpleUploadedFile("people.csv", PEOPLE.encode()),
            "features_csv": SimpleUploadedFile("features.csv", FEATURES.encode()),
        },
    )
    assert response.status_code == 302
    draw = Draw.objects.get()
    stored = json.dumps(
        {field.name: str(getattr(draw, field.name)) for field in Draw._meta.concrete_fields},
        ensure_ascii=False,
    ) + json.dumps([e.data for e in AuditEntry.objects.all()], ensure_ascii=False)
    for text in PRIVATE:
        assert text not in stored
    assert draw.upload_columns == {
        "dropped": ["full_name", "email", "phone"],
        "household": ["street", "zip"],
    }
    groups = {row["id"]: row["group"] for row in draw.pool}
    # The same address (compared ignoring case) gives the same key; no address, no key.
    assert groups["v1"] == groups["v2"] and groups["v3"] == groups["v4"]
    assert len({groups["v1"], groups["v3"], groups["v5"]}) == 3 and groups["v6"] is None
    assert draw.group_by == "household"
    # The page the upload leads to shows what was kept and what was dropped.
    page = client.get(f"/n/red/sortition/{draw.pk}/quotas/").content.decode()
    assert "<code>full_name</code>, <code>email</code>, <code>phone</code>" in page
    assert groups["v1"] in page and "Ana" not in page
    # The published people.csv carries the keys, never the addresses.
    published = client.get(f"/n/red/sortition/{draw.pk}/people.csv").content.decode()
    assert published.splitlines()[0] == "id,gender,household"
    assert "Cusco" not in published


def test_a_second_upload_of_the_same_file_gets_other_keys(world):
    from minga.sortition import actions

    keys = []
    for title in ("Uno", "Dos"):
        draw = actions.create_draw(
            actor=world.coordinator,
            network=world.network,
            title=title,
            seats=2,
            group_by="street,zip",
            people_csv=PEOPLE,
            features_csv=FEATURES,
        )
        keys.append(next(row["group"] for row in draw.pool if row["id"] == "v1"))
    # Salted and the salt thrown away: a key cannot be matched to an address by guessing.
    assert keys[0] != keys[1]
