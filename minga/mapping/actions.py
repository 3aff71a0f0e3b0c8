"""The mapping app's write path: importing survey responses (and, on request, organizations)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from minga.core import actions as core_actions
from minga.core.audit import record
from minga.core.events import AuditEvent
from minga.core.models import Network, Organization, User
from minga.core.permissions import Action, Actor, require
from minga.mapping import derived, matching, stats
from minga.mapping.answers import (
    CellError,
    DataError,
    Decoder,
    Export,
    Headers,
    Message,
    Repeats,
    fold,
    open_export,
    read_repeats,
)
from minga.mapping.models import Response, Survey
from minga.mapping.stats import Tally
from minga.mapping.xlsform import Form

BATCH = 2000
PROGRESS_EVERY = 1000
KNOWN_KEYS = 50_000
ROWS_PER_STATEMENT = 200
SHOWN_ERRORS = 10
_SURVEY_NAME = re.compile(r"^[A-Za-z0-9_-]{1,80}$")


@dataclass
class ImportResult:
    survey: Survey
    created: int = 0
    duplicates: int = 0
    organizations_created: int = 0
    organizations_updated: int = 0
    organizations_skipped: list[str] = field(default_factory=list)
    # Instances of each repeat stored with the new responses.
    instances: dict[str, int] = field(default_factory=dict)
    # Sentences for the person (translated): what was read but may surprise.
    warnings: list[str] = field(default_factory=list)


def _failure(errors: list[CellError], total: int) -> ValidationError:
    shown = [error.message().render(_) for error in errors[:SHOWN_ERRORS]]
    summary = _("%(total)d errors in total; nothing was imported.") % {"total": total}
    return ValidationError([*shown, summary], code="import")


def _refusal(exc: DataError) -> ValidationError:
    return ValidationError({"data": [message.render(_) for message in exc.messages]})


def _title_clash(network: Network, titles: list[str], exclude: int | None = None) -> str | None:
    """The first of `titles` another survey of the network already has (in any language,
    ignoring case and accents), or None."""
    wanted = {fold(title): title for title in titles if title.strip()}
    if not wanted:
        return None
    others = Survey.objects.filter(network=network)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    for title, translated in others.values_list("title", "form__titles"):
        for taken in [title, *(translated or {}).values()]:
            if taken and fold(str(taken)) in wanted:
                return wanted[fold(str(taken))]
    return None


def _check_title(network: Network, titles: list[str], exclude: int | None = None) -> None:
    clash = _title_clash(network, titles, exclude)
    if clash is not None:
        raise ValidationError(
            {
                "title": _(
                    "A survey titled “%(title)s” already exists in this network. Give this "
                    "one a distinct title."
                )
                % {"title": clash}
            },
            code="duplicate_title",
        )


def _survey_for(
    *, actor: Actor, network: Network, name: str, form: Form, title: str = ""
) -> tuple[Survey, bool]:
    if not _SURVEY_NAME.match(name):
        raise ValidationError(
            {"name": _("Use letters, digits, hyphens and underscores only, e.g. mapping-2024.")}
        )
    title = " ".join(title.split())[:200]
    survey = Survey.objects.select_for_update().filter(network=network, name=name).first()
    if survey is None:
        # Two surveys never share a title: the form's (in any language), or the one given.
        _check_title(network, [title] if title else form.all_titles())
        survey = Survey.objects.create(
            network=network,
            name=name,
            title=title or form.title[:200],
            form=form.to_json(),
            titles={"title": form.title, "titles": form.titles},
            tally=Tally().to_json(),
            created_by=actor if isinstance(actor, User) else None,
        )
        return survey, True
    if survey.parsed_form().structure() != form.structure():
        raise ValidationError(
            {
                "form": _(
                    "The survey %(name)s was imported with another form (different questions "
                    "or choices); import into a new survey name."
                )
                % {"name": name}
            }
        )
    if title and title != survey.title:
        _check_title(network, [title], exclude=survey.pk)
        survey.title = title
    # Same questions and choices: labels may have been corrected, keep the newest.
    survey.form = form.to_json()
    survey.titles = {"title": form.title, "titles": form.titles}
    survey.__dict__.pop("_form", None)
    return survey, False


@transaction.atomic
def import_responses(
    *,
    actor: Actor,
    network: Network,
    name: str,
    form: Form,
    data: Path,
    create_organizations: bool = False,
    progress: Callable[[int], None] | None = None,
    filename: str | None = None,
    title: str = "",
) -> ImportResult:
    """Import a KoboToolbox, ODK Central or Google Forms export into the survey `name`
    (created on first import): a CSV, a KoboToolbox XLSX (a sheet per repeat group) or an
    ODK Central zip of CSVs (a file per repeat). `filename` is the file's name as the person
    knows it (messages name it; default: `data`'s). `title` replaces the form's title
    (`form_title`, per language): a new survey's title must differ from the network's other
    surveys' titles, or the import is refused with a `title` error.

    All or nothing: any bad cell fails the whole import with the first errors and the total,
    and nothing is stored. Submissions already imported (same `_uuid` or KEY, or the same
    answers where the export has none) are skipped. Streams a CSV in batches, in one
    transaction. Creating organizations needs a person as `actor`, answerable for the
    directory's entries.
    """
    require(actor, Action.MANAGE_SURVEYS, network)
    if create_organizations:
        if not isinstance(actor, User):
            raise ValueError("creating organizations needs a person as actor")
        require(actor, Action.MANAGE_ORGANIZATIONS, network)
    try:
        export = open_export(data, filename)
    except DataError as exc:
        raise _refusal(exc) from exc
    try:
        return _import(
            actor=actor,
            network=network,
            name=name,
            form=form,
            export=export,
            create_organizations=create_organizations,
            progress=progress,
            title=title,
        )
    except DataError as exc:
        raise _refusal(exc) from exc
    finally:
        if export.close is not None:
            export.close()


def _check_repeat_names(form: Form, repeats: Repeats) -> None:
    """A repeat's instances are stored under its name: no question may share it."""
    names = {q.name for q in form.questions}
    clashes = [repeat for repeat in repeats.tables if repeat in names]
    if clashes:
        raise ValidationError(
            {
                "data": [
                    _(
                        "The repeat %(repeat)s has the name of a question of the form; rename "
                        "one of them in the form."
                    )
                    % {"repeat": repeat}
                    for repeat in clashes
                ]
            }
        )


def _missing_repeats(form: Form, export: Export, repeats: Repeats) -> list[str]:
    warnings = []
    for repeat in repeats.missing:
        questions = [q.key for q in form.questions if q.repeat == repeat]
        warnings.append(
            _(
                "%(file)s holds no sheet or file for the repeat %(repeat)s, so its questions "
                "(%(questions)s) read as unanswered. If people answered them, export the "
                "answers as XLSX (KoboToolbox) or as a zip of CSV files (ODK Central) to "
                "include them."
            )
            % {
                "file": _source_text(export.main.source),
                "repeat": repeat,
                "questions": ", ".join(questions[:5]) + (", …" if len(questions) > 5 else ""),
            }
        )
    return warnings


def _source_text(source: Message | str) -> str:
    return source.render(_) if isinstance(source, Message) else source


def _import(
    *,
    actor: Actor,
    network: Network,
    name: str,
    form: Form,
    export: Export,
    create_organizations: bool,
    progress: Callable[[int], None] | None,
    title: str = "",
) -> ImportResult:
    table = export.main
    headers = Headers(form)
    decoder = Decoder(
        form,
        table.header,
        source=table.source,
        headers=headers,
        require_questions=not export.repeats,
    )
    repeats = read_repeats(form, export, headers)
    # A legacy KoboToolbox CSV holds its repeats in the main table's own columns.
    flattened = {r for _q, path in decoder.flat_columns.values() for r, _n in path}
    repeats.missing = [r for r in repeats.missing if r not in flattened]
    _check_repeat_names(form, repeats)
    survey, created = _survey_for(actor=actor, network=network, name=name, form=form, title=title)
    result = ImportResult(survey=survey, warnings=_missing_repeats(form, export, repeats))
    # Responses after this pk are this import's: their choices and traits get indexed.
    since = 0 if created else (survey.responses.aggregate(last=Max("pk"))["last"] or 0)
    tally = Tally()
    errors: list[CellError] = list(repeats.errors)
    error_total = repeats.error_total
    top_selects = stats.select_names(form)
    repeated = stats.repeated_selects(form)
    repeat_list = [*repeats.tables, *(r for r in stats.repeats_of(form) if r in flattened)]
    # This batch's submissions: answers (JSON text) by key, and their select cells in order
    # (None where the answers were built as a dict: repeats, several columns to one answer).
    batch: dict[str, str] = {}
    cells: list[tuple[str, ...] | None] = []
    dicts: dict[str, dict[str, Any]] = {}
    read = 0
    # The keys this import stored, while there are few: a new survey holds no others, so
    # the file's own repeats are found without asking the database.
    known: set[str] | None = set() if created else None

    def drain() -> None:
        for question, value, times in decoder.drain_counts():
            tally.add_value(question, value, times)

    def flush() -> None:
        nonlocal known
        existing = known.intersection(batch) if known is not None else _existing_keys(survey, batch)
        fresh = [(key, text) for key, text in batch.items() if key not in existing]
        fresh_cells = [
            c for key, c in zip(batch, cells, strict=True) if c is not None and key not in existing
        ]
        result.duplicates += len(batch) - len(fresh)
        if known is not None:
            known.update(key for key, _text in fresh)
            if len(known) > KNOWN_KEYS:
                known = None
        organizations: list[Organization | None] = []
        if create_organizations:
            assert isinstance(actor, User)
            organizations = [
                _upsert_organization(actor, network, json.loads(text), result)
                for _key, text in fresh
            ]
        _insert(
            survey,
            [
                (key, text, organizations[index] if organizations else None)
                for index, (key, text) in enumerate(fresh)
            ],
        )
        tally.respondents += len(fresh)
        for key, _text in fresh:
            built = dicts.get(key)
            if built is None:
                continue
            for question in top_selects:
                tally.add_value(question, built.get(question))
            if repeat_list:
                tally.add_repeated(built, repeat_list, repeated)
                for repeat in repeat_list:
                    found = sum(1 for _unit in stats.units(built, repeat))
                    if found:
                        result.instances[repeat] = result.instances.get(repeat, 0) + found
        if decoder.count_selects(fresh_cells):
            drain()
        result.created += len(fresh)
        batch.clear()
        cells.clear()
        dicts.clear()

    for number, row in table.rows:
        read += 1
        if progress is not None and read == PROGRESS_EVERY:
            progress(read)
            read = 0
        attached = repeats.take(decoder, row)
        if attached is None and decoder.fast:
            encoded = decoder.encode(number, row)
            if encoded is None:
                continue  # a blank row
            if isinstance(encoded, list):
                error_total += len(encoded)
                errors.extend(encoded[: max(0, SHOWN_ERRORS - len(errors))])
                continue
            if error_total:
                continue  # keep reading only to count the errors
            key, text = encoded
            if key in batch:
                result.duplicates += 1
                continue
            batch[key] = text
            cells.append(decoder.select_cells(row))
        else:
            decoded = decoder.decode(number, row)
            if isinstance(decoded, list):
                error_total += len(decoded)
                errors.extend(decoded[: max(0, SHOWN_ERRORS - len(errors))])
                continue
            if error_total:
                continue
            built = decoded.answers
            if attached:
                built.update(attached)
            elif not built and not "".join(row).strip():
                continue
            key, text = decoder.finish(decoder.cell(row, decoder.uuid_column), built)
            if key in batch:
                result.duplicates += 1
                continue
            batch[key] = text
            cells.append(None)
            dicts[key] = built
        if len(batch) >= BATCH:
            flush()
    if progress is not None and read:
        progress(read)
    orphans = repeats.orphans(table.source)
    error_total += len(orphans)
    errors.extend(orphans[: max(0, SHOWN_ERRORS - len(errors))])
    if error_total:
        raise _failure(errors, error_total)
    if batch:
        flush()
    drain()
    merged = survey.counts()
    merged.merge(tally)
    survey.tally = merged.to_json()
    survey.respondents = merged.respondents
    survey.save()
    # The other questions' summaries, the filter's index and the directory's traits: read
    # by the report, the API, the command and the organization pages instead of the answers.
    if result.created or created:
        derived.refresh_survey(survey, since)
    record(
        actor=actor,
        action=AuditEvent.SURVEY_CREATE if created else AuditEvent.SURVEY_IMPORT,
        target=survey,
        network=network,
        data={
            "created": result.created,
            "duplicates": result.duplicates,
            "organizations_created": result.organizations_created,
            "organizations_updated": result.organizations_updated,
        },
    )
    return result


@transaction.atomic
def refresh_matches(*, actor: Actor, network: Network) -> None:
    """Rebuild what the directory's matches read (each organization's newest response's
    traits) after responses were linked to organizations outside an import (a bulk load)."""
    require(actor, Action.MANAGE_SURVEYS, network)
    derived.refresh_traits(network)


def _existing_keys(survey: Survey, batch: dict[str, Any]) -> set[str]:
    """Which of the batch's keys the survey already holds (earlier imports, earlier batches),
    with one indexed query per chunk: the ORM's `key__in` preparation costs more than that."""
    keys = list(batch)
    quote = connection.ops.quote_name
    table = quote(Response._meta.db_table)
    chunk = min(connection.features.max_query_params or len(keys) + 1, 5000) - 1
    found: set[str] = set()
    with connection.cursor() as cursor:
        for start in range(0, len(keys), chunk):
            part = keys[start : start + chunk]
            marks = ", ".join(["%s"] * len(part))
            # Identifiers are the model's own, quoted; every value is a parameter.
            cursor.execute(
                f"SELECT {quote('key')} FROM {table} "  # noqa: S608
                f"WHERE {quote('survey_id')} = %s AND {quote('key')} IN ({marks})",
                [survey.pk, *part],
            )
            found.update(key for (key,) in cursor.fetchall())
    return found


def _insert(survey: Survey, rows: list[tuple[str, str, Organization | None]]) -> None:
    """Insert responses (answers as JSON text) with prepared multi-row statements: the ORM's
    per-object work (model instances, field preparation) costs ten times the insert itself
    on large imports, and a statement of many rows saves the database a fifth of its work
    over one row per execution. `executemany` runs the statement over the chunks (and does
    not re-quote every parameter into the debug log, as `execute` does when DEBUG is on)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ("survey_id", "key", "answers", "organization_id", "imported_at")
    # Identifiers are the model's own, quoted; every value is a parameter.
    table = quote(Response._meta.db_table)
    head = f"INSERT INTO {table} ({', '.join(map(quote, names))}) VALUES "  # noqa: S608
    answers = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    group = f"(%s, %s, {answers}, %s, %s)"
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    survey_id = survey.pk
    values = [
        (survey_id, key, text, organization.pk if organization else None, now)
        for key, text, organization in rows
    ]
    size = max(1, min(connection.ops.bulk_batch_size(list(names), values), ROWS_PER_STATEMENT))
    whole = len(values) - len(values) % size
    with connection.cursor() as cursor:
        for chunks in (
            [values[start : start + size] for start in range(0, whole, size)],
            [values[whole:]] if whole < len(values) else [],
        ):
            if chunks:
                cursor.executemany(
                    head + ", ".join([group] * len(chunks[0])),
                    [list(chain.from_iterable(chunk)) for chunk in chunks],
                )


def _theme_names(form: Form, answers: dict[str, Any]) -> list[str]:
    question = form.question(matching.FOCUS) if form else None
    value = answers.get(matching.FOCUS)
    if question is None or not value:
        return []
    values = value if isinstance(value, list) else [value]
    names = []
    for name in values:
        choice = form.choice(question, name)
        if choice is not None and name != "other":
            names.append(choice.label("en"))
    return names


def _upsert_organization(
    actor: User, network: Network, answers: dict[str, Any], result: ImportResult
) -> Organization | None:
    """Create or update the answering organization through the core actions."""
    name = " ".join(str(answers.get(matching.ORG_NAME, "")).split())
    if not name:
        return None
    form = result.survey.parsed_form()
    country = str(answers.get(matching.COUNTRY, "")).upper()
    fields: dict[str, Any] = {}
    if country in countries:
        fields["country"] = country
    city = " ".join(str(answers.get(matching.CITY, "")).split())
    if city:
        fields["city"] = city[:100]
    themes = _theme_names(form, answers)
    organization = network.organizations.filter(name__iexact=name).first()
    if organization is None:
        if "country" not in fields:
            result.organizations_skipped.append(name)
            return None
        result.organizations_created += 1
        return core_actions.create_organization(
            actor=actor, network=network, name=name[:200], themes=themes, **fields
        )
    current = {t.name for t in organization.themes.all()}
    result.organizations_updated += 1
    return core_actions.update_organization(
        actor=actor,
        organization=organization,
        themes=sorted(current | set(themes)) if themes else None,
        **fields,
    )
