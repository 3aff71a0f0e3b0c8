"""Time the systematization of a survey of N responses (default 10,000) against counting the
same answers with `collections.Counter`.

Usage: .venv/bin/python bench/systematize.py [RESPONSES] [--repeats N] [--json]
       scripts/with-postgres.sh .venv/bin/python bench/systematize.py --database postgres

Imports, in a throwaway SQLite file (or the PostgreSQL server of MINGA_DATABASE_URL), a
Kobo-style export of RESPONSES answers to ten questions of the built-in questionnaire (six
select_one, three select_multiple, one text: bench/mapping_export.py) through
`mapping.actions.import_responses`. Then times, best of --repeats (default 3):

- the survey read and `queries.systematize(survey)`: what `minga survey systematize`, the
  report page and the API answer (every select question's counts and percents, from the
  counts the import stored);
- the same figures recounted from every stored response: `stats.systematize(form,
  stats.tally(form, queries.answers(survey)))` (what a filtered report does, on all rows);

against the baseline "Counter over the same answers": every response's answers read from
the database (`values_list("answers", flat=True)`) and each select question's choices
counted with `collections.Counter`, without percents or zeros. Prints each, with the
baseline and their ratio, and how long the import took.
"""

from __future__ import annotations

import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from table import Row, best_of, report, start


def main() -> None:
    args, workdir = start(__doc__, "responses", 10_000, repeats=3)
    from mapping_export import write_export

    from minga.core.actions import create_network
    from minga.core.permissions import SYSTEM
    from minga.mapping import actions, queries, stats
    from minga.mapping.models import Survey
    from minga.mapping.template import template_form

    size = args.responses
    data = workdir / "export.csv"
    write_export(size, data)
    network = create_network(actor=SYSTEM, slug="bench", name="Bench")
    form = template_form()
    started = time.perf_counter()
    actions.import_responses(actor=SYSTEM, network=network, name="bench", form=form, data=data)
    imported = time.perf_counter() - started
    survey = Survey.objects.get(network=network, name="bench")
    names = stats.select_names(survey.parsed_form())

    def counted() -> dict[str, Counter[str]]:
        found: dict[str, Counter[str]] = defaultdict(Counter)
        rows = survey.responses.order_by("pk").values_list("answers", flat=True)
        for answers in rows.iterator(chunk_size=5000):
            for name in names:
                value = answers.get(name)
                if isinstance(value, list):
                    found[name].update(value)
                elif value:
                    found[name][value] += 1
        return found

    def recounted() -> dict[str, object]:
        parsed = survey.parsed_form()
        return stats.systematize(parsed, stats.tally(parsed, queries.answers(survey)))

    stored = queries.systematize(survey)
    assert stored == recounted()
    assert stored["respondents"] == size
    baseline_counts = counted()
    for name, entry in stored["questions"].items():
        if entry["answered"]:
            found = {c: o["count"] for c, o in entry["options"].items() if o["count"]}
            assert found == dict(baseline_counts[name]), name
    repeats = args.repeats
    baseline = best_of(counted, repeats)
    # As the command and the page do: the survey read, then its figures.
    from_stored = best_of(lambda: queries.systematize(Survey.objects.get(pk=survey.pk)), repeats)
    from_rows = best_of(recounted, repeats)
    print(f"responses: {size:,}, select questions: {len(names)}; import took {imported:.1f} s")
    shown = f"{size:,} responses"
    name = "Counter over the same answers"
    report(
        [
            Row("systematize (stored counts)", shown, from_stored, name, baseline),
            Row("systematize (recounted)", shown, from_rows, name, baseline),
        ],
        args.json,
    )


if __name__ == "__main__":
    main()
