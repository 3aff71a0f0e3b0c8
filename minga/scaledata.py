"""The scaled network of issue 18, built beside the demo: 10,000 organizations, 50,000 people,
2,000 proposals with 200,000 positions (five with 10,000 each), 10,000 invoices, 200,000 audit
entries and a 100,000-response survey at scale 1.0, a fraction of each below it; and the main
pages and API lists to open on it.

Outside the apps, like minga/api.py: `bench/scale.py` times the pages on it, and
`minga/tests/test_pages_grow.py` builds it at two small sizes and checks that no page's
queries or size grow with it. Django is imported inside the functions, so the bench can
import this module before `django.setup()`.
"""

from __future__ import annotations

import csv
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.test import Client

    from minga.core.models import Network, User

# The data set at --scale 1.0 (issue 18).
ORGANIZATIONS = 10_000
PEOPLE = 50_000
PROPOSALS = 2_000
POSITIONS = 200_000
BIG_PROPOSALS = 5  # each with a position from every organization (10,000 at 1.0)
AUDIT_ENTRIES = 200_000
RESPONSES = 100_000
DRAWS = 10  # draft draws, each holding the whole directory as its pool
OPEN_SHARE = 0.1  # of the other proposals, still open
BATCH = 5_000

COUNTRIES = ["AR", "BR", "CL", "CO", "MX", "PE", "EC", "UY", "BO", "PY", "GT", "CR"]
CITIES = ["Bogotá", "Medellín", "Santiago", "Buenos Aires", "São Paulo", "Lima", "Quito"]
TYPES = ["ngo", "foundation", "collective", "academic", "network", "company", "public", "other"]
SIZES = ["small", "small", "medium", "large"]
RULES = ["consent", "consensus_then_supermajority", "majority"]


@contextmanager
def part(name: str, timings: list[tuple[str, float]]) -> Iterator[None]:
    """Time one part of the build, print it and keep it for the summary."""
    print(f"  {name} …", end="", flush=True)
    started = time.perf_counter()
    yield
    seconds = time.perf_counter() - started
    timings.append((name, seconds))
    print(f" {seconds:.1f} s", flush=True)


def n(count: int, scale: float) -> int:
    return max(1, round(count * scale))


@dataclass
class Built:
    """What the pages need to know about a network: who logs in, and which objects to open."""

    network: Network
    coordinator: User
    organization_id: int
    proposal_id: int
    survey_name: str
    counts: dict[str, int] = field(default_factory=dict)


# ---------------------------------------------------------------------------- building


def demo_targets() -> Built:
    """The demo network (loaded by `minga demo`), and its objects with the most data."""
    from django.db.models import Count

    from minga.core.models import Network, User
    from minga.governance.models import Proposal
    from minga.mapping.models import Survey

    network = Network.objects.get(slug="demo")
    # Like for like: the scale network's big proposal is open, and an open proposal's page
    # does more (the live tally, who may still take a position) than a closed one's.
    proposal = (
        Proposal.objects.filter(network=network)
        .annotate(count=Count("positions"))
        .order_by("-state", "-count", "pk")  # "open" sorts after "closed"
        .first()
    )
    survey = Survey.objects.filter(network=network).order_by("pk").first()
    organization = network.organizations.order_by("pk").first()
    assert proposal is not None and survey is not None and organization is not None
    return Built(
        network=network,
        coordinator=User.objects.get(username="coordinadora"),
        organization_id=organization.pk,
        proposal_id=proposal.pk,
        survey_name=survey.name,
    )


def build_scale(
    scale: float, workdir: Path, timings: list[tuple[str, float]], slug: str = "scale"
) -> Built:
    """The network `slug` ("scale"), beside the demo; its accounts' user names start with
    the slug, so networks of several sizes can stand side by side. Actions where they are
    fast enough (the network, its coordinator, plans, the coordination body, invoicing,
    draws, the survey import); bulk_create for volume (organizations, people, memberships,
    proposals, positions, payments, audit entries), each marked below."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from minga.core import actions
    from minga.core.events import AuditEvent
    from minga.core.models import AuditEntry, Organization, Person, Role, RoleName, Theme, User
    from minga.core.permissions import SYSTEM
    from minga.governance import actions as governance_actions
    from minga.governance import decision_rules as rules
    from minga.governance.models import Objection, Position, Proposal
    from minga.mapping import actions as mapping_actions
    from minga.mapping.models import Response
    from minga.mapping.template import template_form
    from minga.membership import actions as membership_actions
    from minga.membership.models import Invoice, LedgerEntry, Membership, refresh_settled
    from minga.sortition import actions as sortition_actions

    rng = random.Random(18)  # noqa: S311 - repeatable test data, not a secret
    counts: dict[str, int] = {}
    org_count = n(ORGANIZATIONS, scale)
    people_count = n(PEOPLE, scale)

    with part("network, coordinator, plans, body (actions)", timings):
        # Actions: a handful of writes, each audited as in real use.
        password = make_password("scale-bench-password")
        coordinator = User.objects.create(
            username=f"{slug}-coordinator", first_name="Escala", password=password
        )
        network = actions.create_network(
            actor=coordinator, slug=slug, name="Red a escala", model="vertical"
        )
        fixed = membership_actions.create_plan(
            actor=coordinator, network=network, name="Cuota fija", kind="fixed", fee="120"
        )
        variable = membership_actions.create_plan(
            actor=coordinator,
            network=network,
            name="Cuota según tamaño",
            kind="variable",
            fees={"small": "100.00", "medium": "250.00", "large": "600.00"},
            small_income_max="50000",
            medium_income_max="250000",
        )
        membership_actions.publish_code(
            actor=coordinator, network=network, text="1. Actuamos con transparencia."
        )

    with part(f"{org_count:,} organizations, themes, memberships (bulk_create)", timings):
        themes = list(Theme.objects.all())
        with transaction.atomic():
            organizations = Organization.objects.bulk_create(
                [
                    Organization(
                        network=network,
                        name=f"Organización {i:05d}",
                        country=COUNTRIES[i % len(COUNTRIES)],
                        city=CITIES[i % len(CITIES)],
                        type=TYPES[i % len(TYPES)],
                        size=SIZES[i % len(SIZES)],
                        website=f"https://org{i}.example.org",
                        contact_email=f"contacto@org{i}.example.org",
                    )
                    for i in range(org_count)
                ],
                batch_size=BATCH,
            )
            if themes:
                through = Organization.themes.through
                through.objects.bulk_create(
                    [
                        through(organization_id=o.pk, theme_id=themes[(i + k) % len(themes)].pk)
                        for i, o in enumerate(organizations)
                        for k in range(1 + i % 3)
                    ],
                    batch_size=BATCH,
                )
            joined = date(timezone.localdate().year - 1, 1, 1)
            Membership.objects.bulk_create(
                [
                    Membership(
                        network=network,
                        organization=o,
                        plan=fixed if i % 2 else variable,
                        level=["core", "active", "active", "occasional"][i % 4],
                        joined_on=joined,
                    )
                    for i, o in enumerate(organizations)
                ],
                batch_size=BATCH,
            )
        counts["organizations"] = len(organizations)

    with part(f"{people_count:,} people: users, Person rows, roles (bulk_create)", timings):
        with transaction.atomic():
            users = User.objects.bulk_create(
                [
                    User(
                        username=f"{slug}-{i:06d}",
                        first_name=f"Nombre{i % 997}",
                        last_name=f"Apellido{i % 991}",
                        email=f"{slug}-{i:06d}@bench.minga.invalid",
                        language=["es", "pt-br", "en"][i % 3],
                        password=password,
                    )
                    for i in range(people_count)
                ],
                batch_size=BATCH,
            )
            people = Person.objects.bulk_create(
                [
                    Person(
                        network=network,
                        user=u,
                        organization=organizations[i % org_count],
                        username=u.username,  # bulk_create skips Person.save
                    )
                    for i, u in enumerate(users)
                ],
                batch_size=BATCH,
            )
            Role.objects.bulk_create(
                [Role(person=p, name=RoleName.MEMBER) for p in people], batch_size=BATCH
            )
        # The coordinator represents the first organization, as the demo's does (action).
        actions.update_person(
            actor=coordinator,
            person=network.people.get(user=coordinator),
            organization=organizations[0],
            roles=[RoleName.COORDINATOR, RoleName.MEMBER],
        )
        counts["people"] = len(people) + 1
        # One user per organization speaks for it (casts its positions).
        speaker = {organizations[i % org_count].pk: u.pk for i, u in enumerate(users[:org_count])}
        speaker[organizations[0].pk] = coordinator.pk

    with part("coordination body, seats (actions)", timings):
        body = governance_actions.create_circle(
            actor=coordinator,
            network=network,
            kind="coordination_body",
            name="Órgano de Coordinación",
            member_kind="organizations",
            mandate_months=24,
        )
        for organization in organizations[:5]:
            governance_actions.appoint(
                actor=coordinator, circle=body, role="member", organization=organization
            )
        actions.update_network(
            actor=coordinator, network=network, coordinating_organization=organizations[0]
        )

    proposal_count = n(PROPOSALS, scale)
    position_total = n(POSITIONS, scale)
    with part(f"{proposal_count:,} proposals, {position_total:,} positions (bulk_create)", timings):
        # bulk_create: open_proposal enqueues a notice to every member, and closing runs the
        # rule over every position, both per proposal; here closed proposals get the tally
        # and outcome the rule gives, computed once in Python.
        big = min(BIG_PROPOSALS, proposal_count)
        per_big = org_count
        rest = proposal_count - big
        # The rest spread evenly: the first `extra` of them take one more.
        per_rest, extra = divmod(max(0, position_total - big * per_big), rest) if rest else (0, 0)
        per_rest = min(per_rest, org_count)
        now = timezone.now()
        plans: list[tuple[Proposal, list[str]]] = []
        for index in range(proposal_count):
            is_open = index < big or rng.random() < OPEN_SHARE
            size = per_big if index < big else min(per_rest + (index - big < extra), org_count)
            choices = ["agree"] * 12 + ["disagree"] * 4 + ["abstain"] * 3
            if index < big:
                choices.append("object")  # with its objection, as take_position records
            positions = [rng.choice(choices) for _ in range(size)]
            rule = RULES[index % len(RULES)]
            proposal = Proposal(
                network=network,
                title=f"Propuesta {index + 1:04d}: cuota, encuentro y plan de trabajo",
                text="Proponemos que la red adopte esta decisión. " * 20,
                rule=rule,
                matter="strategic" if index % 2 else "operational",
                voting_unit="organization",
                proposer=coordinator,
                closes_at=now + timedelta(days=10) if is_open else None,
            )
            if not is_open:
                tally = rules.Tally.of(positions)
                outcome = rules.decide(rules.Rule(rule), tally, eligible=org_count)
                proposal.state = "closed"
                proposal.closed_at = now - timedelta(days=index % 300)
                proposal.eligible_count = org_count
                proposal.outcome = outcome.result.value
                proposal.decided_by = outcome.decided_by.value if outcome.decided_by else ""
                proposal.tally = tally.as_dict()
            plans.append((proposal, positions))
        with transaction.atomic():
            Proposal.objects.bulk_create([p for p, _ in plans], batch_size=BATCH)
            pending: list[Position] = []
            objections: list[Objection] = []
            created = 0
            for index, (proposal, positions) in enumerate(plans):
                start = (index * per_rest) % org_count
                for k, position in enumerate(positions):
                    organization = organizations[(start + k) % org_count]
                    reason = "Nuestra asamblea lo discutió." if k % 5 == 0 else ""
                    if position == "object":
                        reason = "Falta consultar a las organizaciones de base."
                        objections.append(
                            Objection(
                                proposal=proposal, voter_organization=organization, reason=reason
                            )
                        )
                    pending.append(
                        Position(
                            proposal=proposal,
                            voter_organization=organization,
                            cast_by_id=speaker[organization.pk],
                            position=position,
                            reason=reason,
                        )
                    )
                if len(pending) >= 20_000:
                    created += len(Position.objects.bulk_create(pending, batch_size=BATCH))
                    pending = []
            created += len(Position.objects.bulk_create(pending, batch_size=BATCH))
            Objection.objects.bulk_create(objections, batch_size=BATCH)
        counts["proposals"] = len(plans)
        counts["open proposals"] = sum(1 for p, _ in plans if p.state == "open")
        counts["positions"] = created
        big_proposal = plans[0][0]

    with part(f"{org_count:,} invoices (invoice_period action)", timings):
        # The action: one invoice and one ledger entry per paying member.
        period = str(timezone.localdate().year - 1)
        counts["invoices"] = membership_actions.invoice_period(
            actor=SYSTEM, network=network, period=period
        )

    with part("payments (bulk_create ledger entries)", timings):
        # bulk_create: record_payment locks and re-reads each invoice. Most pay in full,
        # some in part, a seventh not at all (in arrears), as in the demo.
        entries = []
        invoices = Invoice.objects.filter(network=network).order_by("pk")
        for index, invoice in enumerate(invoices.iterator(chunk_size=BATCH)):
            if index % 7 == 3:
                continue
            paid = invoice.amount / 2 if index % 5 == 1 else invoice.amount
            entries.append(
                LedgerEntry(
                    network=network,
                    organization_id=invoice.organization_id,
                    invoice=invoice,
                    kind="payment",
                    amount=-paid.quantize(Decimal("0.01")),
                    currency=invoice.currency,
                    on=invoice.issued_on + timedelta(days=1 + index % 60),
                    recorded_by=coordinator,
                )
            )
        with transaction.atomic():
            LedgerEntry.objects.bulk_create(entries, batch_size=BATCH)
            # bulk_create skips LedgerEntry.save, which keeps each invoice's flag.
            refresh_settled(Invoice.objects.filter(network=network))
        counts["payments"] = len(entries)

    draw_count = n(DRAWS, scale)
    with part(f"{draw_count} draft draws of the whole directory (create_draw action)", timings):
        # The action: each snapshots every organization into its pool.
        for index in range(draw_count):
            sortition_actions.create_draw(
                actor=coordinator,
                network=network,
                title=f"Sorteo {index + 1}",
                seats=5,
                pool_kind="organizations",
                features=["country", "size"],
            )
        counts["draws"] = draw_count

    response_count = n(RESPONSES, scale)
    survey_name = "mapeo-escala"
    with part(f"{response_count:,}-response survey (CSV written, import action)", timings):
        # The action, on a Kobo-style CSV answering every question of the built-in form,
        # so whatever the import stores beside the responses (tallies, summaries) is there.
        path = workdir / "survey.csv"
        write_survey(path, response_count, rng)
        mapping_actions.import_responses(
            actor=coordinator,
            network=network,
            name=survey_name,
            form=template_form(),
            data=path,
        )
        path.unlink()
        counts["responses"] = response_count

    with part("responses linked to their organizations (bulk_update)", timings):
        # One response per directory organization, as an import with
        # create_organizations=True links them (that path runs update_organization per row,
        # too slow for 100,000 rows); the other respondents are not in the directory.
        linked = list(
            Response.objects.filter(survey__network=network, survey__name=survey_name)
            .order_by("pk")
            .only("pk")[:org_count]
        )
        for response, organization in zip(linked, organizations, strict=False):
            response.organization = organization
        with transaction.atomic():
            Response.objects.bulk_update(linked, ["organization"], batch_size=BATCH)
        # The organizations' stored traits (what their pages match on) follow the links.
        mapping_actions.refresh_matches(actor=coordinator, network=network)
        counts["linked responses"] = len(linked)

    audit_count = n(AUDIT_ENTRIES, scale)
    with part(f"audit entries up to {audit_count:,} (bulk_create)", timings):
        # bulk_create: the actions above recorded their own; these fill the log up to the
        # target, spread over a year, newest last.
        missing = audit_count - AuditEntry.objects.filter(network=network).count()
        events = [
            (AuditEvent.ORGANIZATION_UPDATE, "core.organization", {}),
            (AuditEvent.PERSON_ADD, "core.person", {}),
            (AuditEvent.PROPOSAL_POSITION, "governance.proposal", {"position": "agree"}),
            (AuditEvent.PROPOSAL_COMMENT, "governance.proposal", {}),
        ]
        first_at = timezone.now() - timedelta(days=365)
        step = timedelta(days=365) / max(1, missing)
        with transaction.atomic():
            batch: list[AuditEntry] = []
            for index in range(missing):
                action, target_type, data = events[index % len(events)]
                batch.append(
                    AuditEntry(
                        network=network,
                        actor_id=users[index % len(users)].pk,
                        action=action.value,
                        target_type=target_type,
                        target_id=str(index),
                        target_repr=f"Organización {index % org_count:05d}",
                        data=data,
                        at=first_at + step * index,
                    )
                )
                if len(batch) >= 20_000:
                    AuditEntry.objects.bulk_create(batch, batch_size=BATCH)
                    batch = []
            AuditEntry.objects.bulk_create(batch, batch_size=BATCH)
        counts["audit entries"] = AuditEntry.objects.filter(network=network).count()

    return Built(
        network=network,
        coordinator=coordinator,
        organization_id=organizations[0].pk,
        proposal_id=big_proposal.pk,
        survey_name=survey_name,
        counts=counts,
    )


def write_survey(path: Path, rows: int, rng: random.Random) -> None:
    """A Kobo-style export (`;`-separated, group paths as headers) answering every question
    of the built-in questionnaire, text and number questions included."""
    from minga.mapping.template import template_form

    form = template_form()
    comments = [
        "",
        "",
        "",
        "Queremos sumarnos a la red",
        "Necesitamos formación en incidencia",
        "Buen trabajo",
    ]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow([q.path for q in form.questions] + ["_uuid"])
        choices = {q.name: [c.name for c in form.choices_of(q)] for q in form.questions}
        for index in range(rows):
            row: list[str] = []
            for question in form.questions:
                names = choices[question.name]
                if question.type == "select_one":
                    row.append(rng.choice(names))
                elif question.type == "select_multiple":
                    chosen = set(rng.sample(names, rng.randint(1, min(3, len(names)))))
                    row.append(" ".join(name for name in names if name in chosen))
                elif question.type == "integer":
                    row.append(str(rng.randint(1, 200)))
                elif question.name == "org_name":
                    row.append(f"Organización {index % 20_000:05d}")
                elif question.name == "city":
                    row.append(rng.choice(CITIES))
                else:
                    row.append(rng.choice(comments))
            row.append(f"scale-{index:07d}")
            writer.writerow(row)


# ---------------------------------------------------------------------------- pages


@dataclass
class Page:
    name: str
    html: bool
    url: Callable[[Built], str]
    # Set for an answer whose contract is to hold everything, so its size (and time) grows
    # with the data by design: the growth test checks only its queries, and bench/scale.py
    # reports its time apart from the goal's misses.
    by_contract: str = ""


PAGES = [
    Page("network home", True, lambda b: f"/n/{b.network.slug}/"),
    Page("organizations", True, lambda b: f"/n/{b.network.slug}/organizations/"),
    Page(
        "organization detail",
        True,
        lambda b: f"/n/{b.network.slug}/organizations/{b.organization_id}/",
    ),
    Page("people", True, lambda b: f"/n/{b.network.slug}/people/"),
    Page("governance", True, lambda b: f"/n/{b.network.slug}/governance/"),
    Page(
        "proposal detail",
        True,
        lambda b: f"/n/{b.network.slug}/governance/proposals/{b.proposal_id}/",
    ),
    Page("membership", True, lambda b: f"/n/{b.network.slug}/membership/"),
    Page("dues", True, lambda b: f"/n/{b.network.slug}/membership/dues/"),
    Page("audit log", True, lambda b: f"/n/{b.network.slug}/audit/"),
    Page(
        "survey report",
        True,
        lambda b: f"/n/{b.network.slug}/mapping/surveys/{b.survey_name}/",
    ),
    Page("sortition", True, lambda b: f"/n/{b.network.slug}/sortition/"),
    Page(
        "API proposal detail",
        False,
        lambda b: f"/api/v1/proposals/{b.proposal_id}",
        by_contract="each voter's position, unless secret (pages: .../positions?page=)",
    ),
    Page(
        "API organizations",
        False,
        lambda b: f"/api/v1/networks/{b.network.slug}/organizations",
    ),
    Page("API people", False, lambda b: f"/api/v1/networks/{b.network.slug}/people"),
    Page("API audit", False, lambda b: f"/api/v1/networks/{b.network.slug}/audit"),
    Page("API proposals", False, lambda b: f"/api/v1/networks/{b.network.slug}/proposals"),
]


def clients(built: Built) -> tuple[Client, Client]:
    from django.test import Client

    from minga.core.actions import issue_token
    from minga.core.permissions import SYSTEM

    page = Client()
    page.force_login(built.coordinator)
    token = issue_token(actor=SYSTEM, user=built.coordinator)
    return page, Client(headers={"Authorization": f"Bearer {token}"})
