"""Membership in the reader's language: amounts typed and shown the way they write them,
labels instead of stored values, countries by name, and an application page that shows
who applied, with decisions that ask before they cannot be undone."""

from __future__ import annotations

import re
from decimal import Decimal

import matplotlib
import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext

from minga.core.l10n import number
from minga.membership import actions
from minga.membership.charts import income_chart
from minga.membership.models import Application, Invoice, LedgerEntry, Plan
from minga.membership.reasons import explain
from minga.reach import actions as reach_actions


def _client(client_as, user, language):
    user.language = language
    user.save(update_fields=["language"])
    return client_as(user, language)


@pytest.mark.parametrize(
    ("language", "typed", "stored"),
    [
        ("es", "50,00", Decimal("50.00")),
        ("es", "1.234,50", Decimal("1234.50")),
        ("pt-br", "1.234,50", Decimal("1234.50")),
        ("pt-br", "75,5", Decimal("75.50")),
        ("en", "1,234.50", Decimal("1234.50")),
        ("en", "50.00", Decimal("50.00")),
    ],
)
def test_a_fixed_fee_is_typed_the_way_the_reader_writes_it(
    world, client_as, language, typed, stored
):
    client = _client(client_as, world.coordinator, language)
    response = client.post(
        "/n/red/membership/plans/",
        {"name": "Fija", "kind": "fixed", "period": "annual", "currency": "USD", "fee": typed},
    )
    assert response.status_code == 302
    assert Plan.objects.get(network=world.network, name="Fija").fee == stored


def test_fees_and_income_bands_of_a_variable_plan_in_spanish(world, client_as):
    client = _client(client_as, world.coordinator, "es")
    client.post(
        "/n/red/membership/plans/",
        {
            "name": "Por tamaño",
            "kind": "variable",
            "period": "annual",
            "currency": "USD",
            "fee_small": "100",
            "fee_medium": "250,50",
            "fee_large": "1.600,00",
            "small_income_max": "50.000",
            "medium_income_max": "250.000,00",
        },
    )
    plan = Plan.objects.get(network=world.network, name="Por tamaño")
    assert (plan.fee_small, plan.fee_medium, plan.fee_large) == (
        Decimal("100"),
        Decimal("250.50"),
        Decimal("1600.00"),
    )
    assert (plan.small_income_max, plan.medium_income_max) == (Decimal(50000), Decimal(250000))
    # Shown back in the same format, beside the hint that gives it.
    page = client.get("/n/red/membership/").content.decode()
    assert "1.600,00" in page
    assert "250.000,00" in page
    assert "1.234,50" in page  # the hint of every amount field


def test_an_amount_in_another_languages_format_is_refused_not_misread(world, client_as):
    client = _client(client_as, world.coordinator, "es")
    response = client.post(
        "/n/red/membership/plans/",
        {"name": "Fija", "kind": "fixed", "period": "annual", "currency": "USD", "fee": "1,234.50"},
        follow=True,
    )
    assert not Plan.objects.filter(name="Fija").exists()
    with translation.override("es"):
        assert gettext("Enter a number.") in response.content.decode()


@pytest.mark.parametrize(
    ("language", "typed", "paid"),
    [
        ("es", "50,00", Decimal("50.00")),
        ("pt-br", "450,5", Decimal("450.50")),
        ("en", "525.25", Decimal("525.25")),
    ],
)
def test_a_payment_is_typed_the_way_the_treasurer_writes_it(
    world, plans, client_as, language, typed, paid
):
    actions.invoice_period(actor=world.treasurer, network=world.network, period="2027")
    invoice = Invoice.objects.get(organization=world.org_b)  # 600.00
    client = _client(client_as, world.treasurer, language)
    response = client.post(
        f"/n/red/membership/dues/invoices/{invoice.pk}/pay/", {"amount": typed}, follow=True
    )
    assert LedgerEntry.objects.get(invoice=invoice, kind="payment").amount == -paid
    page = response.content.decode()
    with translation.override(language):
        assert number(paid, 2) in page
        assert number(Decimal("600") - paid, 2) in page  # the balance
        assert pgettext("invoice", "Partly paid") in page
    assert not re.search(r">\s*partial\s*<", page)


def test_the_api_keeps_plain_decimal_strings(world, plans, api_as):
    actions.invoice_period(actor=world.treasurer, network=world.network, period="2027")
    invoice = Invoice.objects.get(organization=world.org_a)
    world.treasurer.language = "es"
    world.treasurer.save(update_fields=["language"])
    response = api_as(world.treasurer).post(
        "/networks/red/dues/payments", {"invoice": invoice.pk, "amount": "12.50"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["amount"] == "-12.50"
    assert LedgerEntry.objects.get(invoice=invoice, kind="payment").amount == Decimal("-12.50")


@pytest.mark.parametrize(("language", "label"), [("es", "4.450"), ("en", "4,450")])
def test_the_dues_chart_writes_numbers_in_the_page_language_without_matplotlibs_metadata(
    language, label
):
    income = {2026: {"USD": Decimal("4450.00")}, 2027: {"USD": Decimal("12000.00")}}
    with translation.override(language), matplotlib.rc_context({"svg.fonttype": "none"}):
        svg = income_chart(income, "Cuotas")
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert label in texts  # the bar's label
    assert "2026" in texts  # years are not grouped like amounts
    assert "Matplotlib" not in svg and "matplotlib.org" not in svg
    assert "<metadata" not in svg and "dc:date" not in svg
    assert 'aria-label="Cuotas"' in svg


def test_the_dues_page_shows_amounts_and_states_in_portuguese(world, plans, client_as):
    actions.invoice_period(actor=world.treasurer, network=world.network, period="2027")
    invoice = Invoice.objects.get(organization=world.org_b)
    actions.record_payment(actor=world.treasurer, invoice=invoice, amount="1.50")
    page = _client(client_as, world.treasurer, "pt-br").get("/n/red/membership/dues/")
    html = page.content.decode()
    assert "598,50" in html and "600,00" in html
    assert "598.50" not in html
    with translation.override("pt-br"):
        assert pgettext("invoice", "Unpaid") in html
        assert gettext("Download as %(format)s") % {"format": "CSV"} in html
    assert "Matplotlib" not in html
    # The wide tables scroll inside their card, not the page.
    assert html.count('class="table-scroll"') == 3  # totals, balances, invoices


def test_an_unmet_country_is_named_in_the_readers_language():
    unmet = {"criterion": "country", "value": "US"}
    with translation.override("es"):
        said = explain(unmet)
    assert "Estados Unidos" in said and "US" not in said


def _application(world, plans, **profile):
    variable, _open = plans
    reach_actions.set_audience(
        actor=world.coordinator,
        network=world.network,
        member_kinds=["organization"],
        countries_=["AR", "CL"],
        themes=[],
        statements=[],
    )
    fields = {
        "applicant_kind": "organization",
        "name": "Colectivo Río",
        "country": "CL",
        "city": "Valparaíso",
        "type": "collective",
        "size": "medium",
        "themes": ["Agua", "Territorio"],
        "website": "https://rio.example.org",
        "contact_name": "Valentina Soto",
        "contact_email": "valentina@rio.example.org",
        "language": "es",
        "pledges": "Talleres de cartografía",
        **profile,
    }
    return actions.apply_with_profile(
        actor=world.coordinator, network=world.network, plan=variable, **fields
    )


def test_the_application_page_shows_who_applied_beside_the_criteria(world, plans, client_as):
    application = _application(world, plans)
    page = _client(client_as, world.coordinator, "es").get(
        f"/n/red/membership/applications/{application.pk}/"
    )
    html = page.content.decode()
    with translation.override("es"):
        expected = [
            "Colectivo Río",
            "Valentina Soto",
            "valentina@rio.example.org",
            "Valparaíso",
            "Chile",
            "https://rio.example.org",
            "Agua",
            "Territorio",
            gettext("Medium"),
            gettext("Collective or grassroots group"),
            "250,00 USD",  # the medium fee of the plan it chose
            "Talleres de cartografía",
            gettext("Meets every criterion"),
        ]
    for text in expected:
        assert text in html, text
    assert ">CL<" not in html and ">medium<" not in html
    # Approve and Reject are separate forms; the reason belongs to Reject, the dangerous one.
    forms = re.findall(r"<form [^>]*action=\"([^\"]+)\"[^>]*>(.*?)</form>", html, re.DOTALL)
    decisions = {action.rstrip("/").rsplit("/", 1)[-1]: body for action, body in forms}
    assert 'name="reason"' in decisions["reject"]
    assert 'class="danger"' in decisions["reject"]
    assert 'name="reason"' not in decisions["approve"]


def test_approving_asks_first_and_says_what_cannot_be_undone(world, plans, client_as):
    application = _application(world, plans)
    client = _client(client_as, world.coordinator, "en")
    url = f"/n/red/membership/applications/{application.pk}/approve/"
    asked = client.post(url)
    assert asked.status_code == 200
    html = asked.content.decode()
    assert "This cannot be undone." in html
    assert "becomes a member of" in html and "valentina@rio.example.org" in html
    application.refresh_from_db()
    assert application.status == "pending"
    done = client.post(url, {"confirmed": "1"})
    assert done.status_code == 302
    application.refresh_from_db()
    assert application.status == "approved"


def test_rejecting_needs_a_reason_then_asks_then_rejects_with_it(world, plans, client_as):
    application = _application(world, plans)
    client = _client(client_as, world.coordinator, "en")
    url = f"/n/red/membership/applications/{application.pk}/reject/"
    blank = client.post(url, {"reason": " "})
    assert blank.status_code == 200
    assert "This cannot be undone." not in blank.content.decode()
    asked = client.post(url, {"reason": "Fuera de la región."})
    html = asked.content.decode()
    assert "This cannot be undone." in html and 'value="Fuera de la región."' in html
    application.refresh_from_db()
    assert application.status == "pending"
    client.post(url, {"reason": "Fuera de la región.", "confirmed": "1"})
    application.refresh_from_db()
    assert (application.status, application.decision_reason) == ("rejected", "Fuera de la región.")


def test_the_api_decides_without_confirmation(world, plans, api_as):
    application = _application(world, plans)
    response = api_as(world.coordinator).post(
        f"/networks/red/membership/applications/{application.pk}/approve"
    )
    assert response.json()["status"] == "approved"
    assert Application.objects.get(pk=application.pk).status == "approved"
