"""Write a Kobo-style export ("XML values and headers") of N answers to the built-in
questionnaire: `;`-delimited CSV, group paths in headers, metadata columns, select_multiple as
space-separated names plus one 0/1 column per choice.

    .venv/bin/python bench/mapping_export.py [ROWS] [PATH]   (defaults: 1000, var/bench-export.csv)
"""

from __future__ import annotations

import csv
import random
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from minga.mapping.template import template_form

# Ten questions: six select_one, three select_multiple, one text.
QUESTIONS = [
    "country",
    "city",
    "focus",
    "populations",
    "regional_network",
    "led_network",
    "difficulties",
    "pillar",
    "objective",
    "needs",
]
CITIES = ["Bogotá", "bogota", "Ciudad de México", "Santiago", "Buenos Aires", "São Paulo"]


def write_export(rows: int, path: Path, seed: int = 7) -> list[str]:
    """Write the export and return its answer columns (the questions' headers)."""
    form = template_form()
    rng = random.Random(seed)
    questions = [form.question(name) for name in QUESTIONS]
    header = ["start", "end"]
    columns: list[tuple[str, object]] = []
    for question in questions:
        assert question is not None
        header.append(question.path)
        columns.append((question.path, question))
        if question.type == "select_multiple":
            header.extend(f"{question.path}/{c.name}" for c in form.choices_of(question))
    header += ["_id", "_uuid", "_submission_time", "_status"]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(header)
        for index in range(rows):
            row = ["2024-03-01T10:00:00", "2024-03-01T10:20:00"]
            for question in questions:
                assert question is not None
                names = [c.name for c in form.choices_of(question)]
                if question.type == "text":
                    row.append(rng.choice(CITIES))
                elif question.type == "select_one":
                    row.append(rng.choice(names))
                else:
                    chosen = set(rng.sample(names, rng.randint(1, 3)))
                    row.append(" ".join(n for n in names if n in chosen))
                    row.extend("1" if n in chosen else "0" for n in names)
            row += [
                str(index + 1),
                str(uuid.UUID(int=rng.getrandbits(128))),
                "2024-03-01T10:21:00",
                "submitted_via_web",
            ]
            writer.writerow(row)
    return [path for path, _question in columns]


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("var/bench-export.csv")
    write_export(count, target)
    print(f"wrote {count} rows to {target}")
