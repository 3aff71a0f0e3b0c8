"""The plan as one document: every section, in each of the three languages, in the PDF (read
back with pypdf: tagged, with bookmarks and the document's language) and in Markdown; the
charts; and `minga plan export`."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import formats, timezone, translation
from django.utils.translation import gettext, pgettext
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from minga.core.l10n import number
from minga.core.models import Person
from minga.planning import actions, charts, export, queries
from minga.planning.models import Indicator, Measurement

LANGUAGES = ["es", "pt-br", "en"]
START, END = date(2026, 1, 15), date(2027, 6, 30)
PROJECT_TEXTS: dict[str, Any] = {
    "impact_objective": "Más jóvenes votan en elecciones locales",
    "specific_objective": "Formar 2.500 jóvenes en participación",
    "staff": "Dos facilitadoras y un coordinador",
    "extra_resources": "Sala comunitaria prestada",
    "general_indicators": "Participación juvenil en cabildos",
}


@dataclass
class Plan:
    network: object
    project_title: str


@pytest.fixture
def plan(world, client_as) -> Plan:
    """A whole plan, written through the planning actions (and, for the other apps'
    parts, through their pages: planning imports only their read modules)."""
    network, coordinator = world.network, world.coordinator
    coordinator_client = client_as(coordinator)
    charter = coordinator_client.post(
        "/n/red/reach/charter/edit/",
        {
            "context": "Democracias frágiles en la región andina",
            "purpose": "Renovar la democracia juntas",
            "objective": "Incidir en diez ciudades",
            "audience": "Organizaciones de sociedad civil",
        },
    )
    assert charter.status_code == 302, charter.content
    financing = coordinator_client.post(
        "/n/red/financing/plan/",
        {
            "mechanisms": ["joint_calls", "donations"],
            "legal_conditions": "Asociación civil registrada",
            "follow_up": "Revisión trimestral del comité",
        },
    )
    assert financing.status_code == 302, financing.content

    first = actions.save_trend(
        actor=coordinator,
        network=network,
        category="political",
        trend="Elecciones anticipadas",
        probability=4,
        impact="high",
    )
    actions.rate_trend(actor=world.member, factor=first, probability=5, impact="high")
    actions.save_trend(
        actor=world.member,
        network=network,
        category="technological",
        trend="Desinformación en redes",
        probability=3,
        impact="medium",
    )
    actions.save_trend(
        actor=coordinator, network=network, category="legal", trend="Ley de ONG sin calificar"
    )
    for quadrant, text in [
        ("strength", "Equipo comprometido"),
        ("weakness", "Pocos fondos propios"),
        ("threat", "Leyes restrictivas"),
    ]:
        actions.add_swot_item(actor=coordinator, network=network, quadrant=quadrant, text=text)
    opportunity = actions.add_swot_item(
        actor=world.member,
        network=network,
        quadrant="opportunity",
        text="Año electoral",
        trends=[first.pk],
    )
    actions.weigh_swot_item(actor=world.member, item=opportunity, weight=4)

    actions.save_basis(
        actor=coordinator,
        network=network,
        mission="Conectar organizaciones innovadoras",
        vision="Democracias diversas y vivas",
        values="Colaboración y transparencia",
    )
    pillar = actions.save_pillar(
        actor=coordinator,
        network=network,
        name="Democracia Diversa",
        stakeholder="community",
        description="Inclusión de jóvenes y mujeres",
    )
    titles = ["Formar liderazgos", "Incidir en leyes", "Abrir datos", "Crecer la red", "Medir"]
    objectives = [
        actions.save_objective(actor=coordinator, network=network, pillar=pillar, title=t)
        for t in titles
    ]
    round_ = actions.open_prioritization(
        actor=coordinator,
        network=network,
        title="Ronda 2026",
        closes_at=timezone.now() + timedelta(days=7),
        adopt=3,
    )
    o = [objective.pk for objective in objectives]
    actions.cast_ballot(actor=world.member, prioritization=round_, marks={o[0]: 3, o[1]: 2})
    actions.cast_ballot(
        actor=world.other_member, prioritization=round_, marks={o[0]: 2, o[2]: 2, o[3]: 1}
    )
    round_ = actions.close_prioritization(actor=coordinator, prioritization=round_)
    actions.adopt_objectives(actor=coordinator, prioritization=round_)

    people = {p.user_id: p for p in Person.objects.filter(network=network)}
    project = actions.save_project(
        actor=coordinator,
        network=network,
        objective=objectives[0],
        title="Escuela de liderazgos juveniles",
        starts_on=START,
        ends_on=END,
        axis_referent=people[coordinator.pk],
        line_referent=people[world.other_member.pk],
        responsible=people[world.member.pk],
        **PROJECT_TEXTS,
    )
    trained = actions.save_result(
        actor=coordinator,
        project=project,
        kind="intermediate",
        description="Primera cohorte formada",
        due_on=date(2026, 6, 30),
    )
    actions.save_result(
        actor=coordinator,
        project=project,
        kind="final",
        description="Red juvenil funcionando",
        progress=Decimal(10),
    )
    people_trained = actions.save_indicator(
        actor=coordinator,
        project=project,
        name="Jóvenes formados",
        unit="personas",
        baseline=Decimal(1000),
        target=Decimal(2500),
        result=trained,
    )
    for day, value in [(date(2026, 2, 1), "1100"), (date(2026, 3, 1), "1234.5")]:
        actions.record_measurement(
            actor=coordinator, indicator=people_trained, measured_on=day, value=Decimal(value)
        )
    actions.save_indicator(
        actor=coordinator,
        project=project,
        name="Cabildos con jóvenes",
        baseline=Decimal(0),
        target=Decimal(10),
    )
    return Plan(network, project.title)


def _expected(plan: Plan, language: str) -> list[str]:
    """What the document shows in `language`: the headings, as gettext gives them (before
    and after the lead's translations alike), the labels Django already translates, and
    what the people wrote."""
    with translation.override(language):
        return [
            gettext("Strategic plan of %(network)s") % {"network": "Red de prueba"},
            gettext("Contents"),
            gettext("Context"),
            gettext("PESTEL analysis"),
            gettext("SWOT analysis"),
            gettext("Strengths"),
            gettext("Weaknesses"),
            gettext("Opportunities"),
            gettext("Threats"),
            gettext("Basis of the network"),
            gettext("Prioritized objectives"),
            gettext("Adopted objectives"),
            gettext("Programmatic projects"),
            gettext("Intermediate results"),
            gettext("Final results"),
            gettext("Indicators"),
            gettext("Progress"),
            gettext("Sustainability and financing plan"),
            gettext("Joint applications to calls"),  # a mechanism by its label
            gettext("The network's community"),  # the pillar's stakeholder by its label
            gettext("Political"),
            pgettext("impact", "High"),
            # Dates as the language writes them (Django's own translations: they differ).
            formats.date_format(START, "DATE_FORMAT"),
            formats.date_format(END, "DATE_FORMAT"),
            # Figures of 1.000 and more, grouped as the language groups them.
            number(Decimal(2500), 0),
            number(Decimal("1234.50"), 2),
            # What the people wrote, section by section.
            "Democracias frágiles en la región andina",
            "Incidir en diez ciudades",
            "Elecciones anticipadas",
            "Ley de ONG sin calificar",
            "Equipo comprometido",
            "Pocos fondos propios",
            "Año electoral",
            "Leyes restrictivas",
            "Conectar organizaciones innovadoras",
            "Democracia Diversa",
            "Formar liderazgos",
            "Ronda 2026",
            plan.project_title,
            *PROJECT_TEXTS.values(),
            "Primera cohorte formada",
            "Jóvenes formados",
            "Asociación civil registrada",
        ]


def _flat(text: str) -> str:
    return " ".join(text.split())


def _pdf_text(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return reader, _flat("\n".join(page.extract_text() for page in reader.pages))


def _outline_titles(items: list[Any]) -> list[str]:
    found = []
    for item in items:
        if isinstance(item, list):
            found += _outline_titles(item)
        else:
            found.append(_flat(item.title))
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_markdown_holds_every_section_in_each_language(plan, language):
    with translation.override(language):
        text = export.markdown(plan.network)
    flat = _flat(text)
    missing = [expected for expected in _expected(plan, language) if _flat(expected) not in flat]
    assert not missing
    with translation.override(language):
        headings = [
            f"## {gettext(h)}"
            for h in (
                "Context",
                "PESTEL analysis",
                "SWOT analysis",
                "Basis of the network",
                "Prioritized objectives",
                "Programmatic projects",
                "Progress",
                "Sustainability and financing plan",
            )
        ]
    # In the document's order, each linked from the table of contents.
    positions = [text.index(heading + "\n") for heading in headings]
    assert positions == sorted(positions)
    for anchor in ("context", "pestel", "swot", "basis", "objectives", "projects", "progress"):
        assert f"](#{anchor})" in text and f'<a id="{anchor}"></a>' in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pdf_holds_every_section_tagged_with_bookmarks_in_each_language(plan, language):
    with translation.override(language):
        pdf = export.pdf(plan.network)
    reader, text = _pdf_text(pdf)
    missing = [expected for expected in _expected(plan, language) if _flat(expected) not in text]
    assert not missing
    # The latest measurement, 1234.5, as each language writes it.
    assert {"es": "1.234,50", "pt-br": "1.234,50", "en": "1,234.50"}[language] in text
    root = reader.root_object
    assert "/StructTreeRoot" in root  # tagged: headings and reading order for a screen reader
    assert str(root["/Lang"]) == {"es": "es", "pt-br": "pt-BR", "en": "en"}[language]
    with translation.override(language):
        sections = [gettext("PESTEL analysis"), gettext("Sustainability and financing plan")]
    bookmarks = _outline_titles(reader.outline)
    assert set(sections) <= set(bookmarks)
    assert plan.project_title in bookmarks  # each project's sheet has its own bookmark
    # The charts are drawn into the PDF, each a figure named for a screen reader.
    figures = _elements(root["/StructTreeRoot"], "/Figure")
    assert len(figures) == 3  # the matrix, the indicator's line and the timeline
    assert all(figure.get("/Alt") for figure in figures)
    # The matrix's alternate text lists the trends it places, for those who cannot see it.
    assert any("Elecciones anticipadas" in str(figure["/Alt"]) for figure in figures)
    assert len(_elements(root["/StructTreeRoot"], "/H2")) >= 9  # contents and eight sections


def _elements(node: object, kind: str) -> list[DictionaryObject]:
    """The structure elements of one kind under `node`, in the structure tree."""
    node = node.get_object() if hasattr(node, "get_object") else node
    found = []
    if isinstance(node, DictionaryObject):
        if node.get("/S") == kind:
            found.append(node)
        children = node.get("/K")
        if children is not None:
            found += _elements(children, kind)
    elif isinstance(node, ArrayObject):
        for child in node:
            found += _elements(child, kind)
    return found


def test_the_markdown_writes_numbers_as_each_language_does(plan):
    with translation.override("es"):
        es = export.markdown(plan.network)
    with translation.override("en"):
        en = export.markdown(plan.network)
    assert "1.234,50" in es and "2.500" in es and "1,234.50" not in es
    assert "1,234.50" in en and "2,500" in en


def test_a_network_without_charter_or_financing_plan_says_so_and_skips_that_section(world):
    with translation.override("en"):
        text = export.markdown(world.network)
        context = export.context(world.network)
    assert "## Sustainability and financing plan" not in text
    assert "financing" not in [section.id for section in context["sections"]]
    assert "The reach charter is not written yet." in text
    assert context["pestel_chart"] is None and context["timeline"] is None


def test_peoples_text_reads_as_written_in_markdown_never_as_markup(world):
    actions.save_trend(
        actor=world.coordinator,
        network=world.network,
        category="economic",
        trend="Costos | inflación *alta* <b>",
        probability=2,
        impact="low",
    )
    actions.add_swot_item(
        actor=world.coordinator, network=world.network, quadrant="strength", text="# no título"
    )
    text = export.markdown(world.network)
    assert r"Costos \| inflación \*alta\* \<b\>" in text  # one table cell, not three
    assert "- \\# no título" in text
    assert "<b>" not in text


def test_the_matrix_numbers_rated_trends_as_the_table_does_and_names_itself(plan):
    factors = list(queries.trends(plan.network))
    with translation.override("es"):
        svg = charts.pestel_matrix(factors)
        # 1. is the first of the table (the highest priority), rated 4 and 5: "4,5".
        first = gettext("%(number)d. %(trend)s: probability %(probability)s, impact %(impact)s") % {
            "number": 1,
            "trend": "Elecciones anticipadas",
            "probability": "4,5",
            "impact": pgettext("impact", "High"),
        }
    assert svg is not None
    assert svg.startswith("<svg ") and 'role="img"' in svg
    assert "<title>" in svg and "<desc>" in svg
    assert first in svg
    assert "Ley de ONG" not in svg  # not rated yet: not placed
    assert 'width="100%"' in svg and 'pt"' not in svg.split(">", 1)[0]  # no fixed size
    assert charts.pestel_matrix([f for f in factors if f.ratings_count == 0]) is None


def test_the_timeline_and_indicator_charts_read_in_the_readers_language(plan):
    rows = queries.projects(plan.network)
    indicator = Indicator.objects.get(name="Jóvenes formados")
    with translation.override("es"):
        timeline = charts.timeline(rows)
        line = charts.indicator_chart(indicator, Measurement.objects.filter(indicator=indicator))
        nothing = charts.indicator_chart(indicator, [])
        start = formats.date_format(START, "SHORT_DATE_FORMAT")
    assert timeline is not None and plan.project_title in timeline
    assert start == "15/01/2026" and start in timeline
    assert line is not None and "1.234,50" in line and "2.500" in line
    assert nothing is None and charts.timeline([]) is None


def test_the_export_command_writes_markdown_and_pdf(plan, tmp_path, capsys):
    markdown = tmp_path / "plan.md"
    call_command("plan", "export", "--network", "red", "--format", "md", "-o", str(markdown))
    written = markdown.read_text(encoding="utf-8")
    # The network's first language (Spanish) by default.
    with translation.override("es"):
        assert (
            f"# {gettext('Strategic plan of %(network)s') % {'network': 'Red de prueba'}}"
            in written
        )
    assert "1.234,50" in written
    assert str(markdown) in capsys.readouterr().out
    pdf = tmp_path / "plan.pdf"
    call_command(
        "plan",
        "export",
        "--network",
        "red",
        "--format",
        "pdf",
        "--output",
        str(pdf),
        "--language",
        "en",
    )
    reader, text = _pdf_text(pdf.read_bytes())
    assert str(reader.root_object["/Lang"]) == "en"
    assert "1,234.50" in text


def test_the_export_command_names_what_is_wrong(db, tmp_path):
    target = tmp_path / "plan.md"
    with pytest.raises(CommandError, match="No network 'nadie'"):
        call_command("plan", "export", "--network", "nadie", "--format", "md", "-o", str(target))
    assert not target.exists()


def test_the_export_command_refuses_an_unknown_language(world, tmp_path):
    target = tmp_path / "plan.md"
    with pytest.raises(CommandError, match="No language 'fr'"):
        call_command(
            "plan",
            "export",
            "--network",
            "red",
            "--format",
            "md",
            "-o",
            str(target),
            "--language",
            "fr",
        )
    assert not target.exists()
