"""The demo network's mapping survey: the ~40 demo organizations answer the built-in
questionnaire (deterministically), imported as a Kobo export would be."""

from __future__ import annotations

import csv
import random
import tempfile
from pathlib import Path

from minga.core.demo import DemoNetwork
from minga.mapping import actions
from minga.mapping.template import template_form

SURVEY_NAME = "mapeo-2024"
FOCUS_OF_THEME = {
    "Participación ciudadana": "citizen_participation",
    "Incidencia política": "political_activism",
    "Derechos humanos": "human_rights",
    "Medio ambiente": "environment",
    "Equidad de género": "womens_rights",
    "Innovación pública": "innovation_technology",
    "Transparencia": "anticorruption",
}
POPULATIONS_OF_THEME = {
    "Juventudes": "youth",
    "Equidad de género": "women",
    "Pueblos indígenas": "indigenous",
    "Derechos LGBTIQ+": "lgbtiq",
    "Derechos humanos": "migrants",
}
# A few spellings as people type them, grouped back together by the report.
SPELLINGS = {"Bogotá": ["Bogotá", "bogota", " BOGOTÁ"], "São Paulo": ["São Paulo", "Sao Paulo"]}


def _some(rng: random.Random, names: list[str], low: int, high: int) -> list[str]:
    chosen = set(rng.sample(names, rng.randint(low, min(high, len(names)))))
    return [name for name in names if name in chosen]


def load(demo: DemoNetwork) -> None:
    form = template_form()
    rng = random.Random(1492)
    choice_names = {
        q.name: [c.name for c in form.choices_of(q)] for q in form.questions if q.is_select
    }
    header = [q.path for q in form.questions] + ["_uuid"]
    rows = []
    for index, organization in enumerate(demo.organizations):
        themes = [t.name for t in organization.themes.all()]
        focus = next((FOCUS_OF_THEME[t] for t in themes if t in FOCUS_OF_THEME), "other")
        populations = sorted(
            {POPULATIONS_OF_THEME[t] for t in themes if t in POPULATIONS_OF_THEME}
            | set(_some(rng, choice_names["populations"], 1, 2))
        )
        city = rng.choice(SPELLINGS.get(organization.city, [organization.city]))
        needs = _some(rng, choice_names["needs"], 1, 3)
        offers = [n for n in _some(rng, choice_names["offers"], 1, 3) if n not in needs] or [
            "training"
        ]
        answers: dict[str, str | list[str]] = {
            "org_name": organization.name,
            "country": str(organization.country.code).lower(),
            "city": city,
            "focus": focus,
            "populations": populations,
            "position": _some(rng, choice_names["position"], 1, 2),
            "team_size": str(rng.randint(3, 60)),
            "regional_network": rng.choice(["yes", "yes", "no"]),
            "led_network": rng.choice(["yes", "no", "no"]),
            "opportunities": _some(rng, choice_names["opportunities"], 2, 3),
            "difficulties": _some(rng, choice_names["difficulties"], 1, 2),
            "network_elements": _some(rng, choice_names["network_elements"], 2, 4),
            "governance_elements": _some(rng, choice_names["governance_elements"], 2, 3),
            "sustainability": _some(rng, choice_names["sustainability"], 1, 2),
            "lines_of_action": _some(rng, choice_names["lines_of_action"], 1, 3),
            "project_themes": _some(rng, choice_names["project_themes"], 1, 3),
            "pillar": rng.choice(choice_names["pillar"]),
            "objective": rng.choice(choice_names["objective"]),
            "initiative_areas": _some(rng, choice_names["initiative_areas"], 1, 3),
            "formats": _some(rng, choice_names["formats"], 1, 2),
            "challenges": _some(rng, choice_names["challenges"], 2, 3),
            "join_network": rng.choice(["yes", "yes", "yes", "maybe"]),
            "needs": needs,
            "offers": offers,
            "comments": "",
        }
        row = [
            " ".join(value) if isinstance(value, list) else value
            for value in (answers[q.name] for q in form.questions)
        ]
        rows.append([*row, f"demo-{index + 1:03d}"])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mapeo.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow(header)
            writer.writerows(rows)
        actions.import_responses(
            actor=demo.coordinator,
            network=demo.network,
            name=SURVEY_NAME,
            form=form,
            data=path,
            create_organizations=True,
        )
