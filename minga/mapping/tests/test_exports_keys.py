"""A submission's identity stays what it was: files imported before repeats, metadata and notes
were read get the same keys, so importing them again adds nothing."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

import pytest

from minga.core.permissions import SYSTEM
from minga.mapping import actions
from minga.mapping.answers import Decoder, content_key
from minga.mapping.models import Response
from minga.mapping.tests.conftest import KOBO_HEADER, KOBO_ROWS, small_form
from minga.mapping.xlsform import Question

# The keys the importer gave these rows (no `_uuid`) before this change, computed with it.
KEYS_BEFORE = [
    "sha1:a0369fb9e9381c453a7f7e76c82a5499cc899a15",
    "sha1:6b500242155988a7968408a98372ff11bb59d0d2",
    "sha1:3b157c831decc2d9757dc20c89a7a731c3ab8271",
    "sha1:ccb9a9fce8a332eaaa4649773322b2d05defd8b2",
]


def with_metadata():
    """The small form as pyxform now reads a Kobo form: `start` and a note are questions."""
    form = small_form()
    extra = [Question("start", "start", {}), Question("intro", "note", {"en": "Welcome"})]
    return replace(form, questions=[*extra, *form.questions])


def test_rows_without_uuid_keep_the_keys_they_had():
    decoder = Decoder(small_form(), KOBO_HEADER[:9])
    keys = [decoder.encode(n, list(row[:9])) for n, row in enumerate(KOBO_ROWS, start=2)]
    assert [encoded[0] for encoded in keys if isinstance(encoded, tuple)] == KEYS_BEFORE


def test_metadata_and_notes_are_stored_but_leave_the_key_as_it_was():
    decoder = Decoder(with_metadata(), [*KOBO_HEADER[:9], "intro"])
    for number, row in enumerate(KOBO_ROWS, start=2):
        encoded = decoder.encode(number, [*row[:9], ""])
        assert isinstance(encoded, tuple)
        key, text = encoded
        assert key == KEYS_BEFORE[number - 2]
        answers = json.loads(text)
        assert answers["start"] == row[0]
        decoded = decoder.decode(number, [*row[:9], ""])
        assert not isinstance(decoded, list)
        assert decoded.key == key
        without = {k: v for k, v in answers.items() if k != "start"}
        assert content_key(without) == key


@pytest.mark.django_db
def test_a_file_imported_before_adds_nothing_when_imported_with_the_new_form(world, tmp_path):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows([KOBO_HEADER[:9], *[row[:9] for row in KOBO_ROWS]])
    data = tmp_path / "old.csv"
    data.write_text(buffer.getvalue(), encoding="utf-8")
    first = actions.import_responses(
        actor=SYSTEM, network=world.network, name="mapeo", form=small_form(), data=data
    )
    assert sorted(Response.objects.values_list("key", flat=True)) == sorted(KEYS_BEFORE)
    again = actions.import_responses(
        actor=SYSTEM, network=world.network, name="mapeo", form=with_metadata(), data=data
    )
    assert (first.created, again.created, again.duplicates) == (4, 0, 4)
