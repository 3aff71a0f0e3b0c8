"""Draws uploaded before #17's upload privacy kept each household's address as its key. For
draws not yet published, replace them by salted hashes (as uploads now do) and drop what
was computed from them; published draws keep theirs, since their published distribution's
SHA-256 covers them (see the notes)."""

import hashlib
import hmac
import secrets

from django.db import migrations

UNPUBLISHED = ("draft", "computing", "computed")


def scrub(apps, schema_editor):  # type: ignore[no-untyped-def]
    Draw = apps.get_model("sortition", "Draw")
    for draw in Draw.objects.filter(source="csv", state__in=UNPUBLISHED).exclude(group_by=""):
        if draw.group_by == "household":
            continue
        salt = secrets.token_bytes(32)
        for row in draw.pool:
            group = row.get("group")
            if group:
                digest = hmac.new(salt, group.encode(), hashlib.sha256).hexdigest()
                row["group"] = "h" + digest[:16]
        columns = [c.strip() for c in draw.group_by.split(",") if c.strip()]
        draw.upload_columns = {"dropped": [], "household": columns}
        draw.group_by = "household"
        draw.state = "draft"
        draw.distribution = None
        draw.distribution_sha256 = ""
        draw.probabilities = {}
        draw.min_probability = None
        draw.legacy_probabilities = {}
        draw.legacy_min_probability = None
        draw.support = None
        draw.fairness = {}
        draw.panel_count = None
        draw.lottery_panels = None
        draw.lottery_table = ""
        draw.lottery_sha256 = ""
        draw.lottery_max_change = None
        draw.lottery_probabilities = {}
        draw.save()


class Migration(migrations.Migration):
    dependencies = [("sortition", "0005_goldilocks_alternates_privacy")]

    operations = [migrations.RunPython(scrub, migrations.RunPython.noop)]
