"""Members' initiatives and the resource library: uploads through the intake (type by
content, size, no markup, pictures re-encoded), inline only for images and PDF, search
without case or accents in es, pt and en, download counts, who may do what."""

from __future__ import annotations

import base64
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from PIL import Image

from minga.communication import actions, queries
from minga.communication.models import Resource


def _png(size=(64, 32)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 200, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def _share(world, title, **extra):
    fields = {"url": "https://example.org/r", **extra}
    return actions.share_resource(actor=world.member, network=world.network, title=title, **fields)


def test_a_member_promotes_their_own_organizations_initiative_with_a_clean_picture(world):
    trailing = _png() + b"<script>alert(1)</script>"  # a picture carrying something else
    initiative = actions.promote_initiative(
        actor=world.member,
        network=world.network,
        organization=world.org_a,
        title="Escuela de liderazgo",
        links=["https://example.org/escuela"],
        image=trailing,
        image_name="foto.png",
    )
    assert initiative.image_type == "image/png"
    assert b"<script>" not in bytes(initiative.image or b"")  # re-encoded from its pixels
    with pytest.raises(PermissionDenied):
        actions.promote_initiative(
            actor=world.member, network=world.network, organization=world.org_b, title="Ajena"
        )
    for bad in (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", b"%PDF-1.4"):
        with pytest.raises(ValidationError):
            actions.promote_initiative(
                actor=world.member,
                network=world.network,
                organization=world.org_a,
                title="Mala",
                image=bad,
                image_name="x.png",
            )
    with pytest.raises(ValidationError):
        actions.promote_initiative(
            actor=world.member,
            network=world.network,
            organization=world.org_a,
            title="Link",
            links=["javascript:alert(1)"],
        )


def test_uploads_are_typed_by_content_bounded_and_never_markup(world):
    pdf = _share(world, "Guía", url="", content=b"%PDF-1.4\n%%EOF", file_name="guia.exe")
    assert pdf.content_type == "application/pdf"
    text = _share(world, "Notas", url="", content="Participación".encode("cp1252"), file_name="n")
    assert text.content_type == "text/plain"
    for bad in (b"<!DOCTYPE html><script>x</script>", b"<svg onload=alert(1)>", b"\x00\x01\x02"):
        with pytest.raises(ValidationError):
            _share(world, "Mala", url="", content=bad, file_name="x.pdf")
    with pytest.raises(ValidationError):
        _share(
            world,
            "Enorme",
            url="",
            content=b"a" * (actions.MAX_RESOURCE_BYTES + 1),
            file_name="big.txt",
        )
    with pytest.raises(ValidationError):
        _share(world, "Nada", url="")
    assert Resource.objects.count() == 2


def test_images_and_pdf_open_in_the_browser_and_anything_else_downloads(world, client_as):
    client = client_as(world.other_member)
    pdf = _share(world, "Guía", url="", content=b"%PDF-1.4\n%%EOF", file_name="guia.pdf")
    text = _share(world, "Notas", url="", content=b"hola", file_name="notas.txt")
    shown = client.get(f"/n/red/communication/resources/{pdf.pk}/file")
    assert shown["Content-Type"] == "application/pdf"
    assert shown["Content-Disposition"].startswith("inline")
    kept = client.get(f"/n/red/communication/resources/{text.pk}/file")
    assert kept["Content-Type"] == "application/octet-stream"
    assert kept["Content-Disposition"].startswith("attachment")
    for response in (shown, kept):
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
    client.get(f"/n/red/communication/resources/{pdf.pk}/file")
    pdf.refresh_from_db()
    assert pdf.downloads == 2
    link = _share(world, "Enlace", url="https://example.org/guia")
    assert client.get(f"/n/red/communication/resources/{link.pk}/file")["Location"] == (
        "https://example.org/guia"
    )
    assert (
        client_as(world.outsider).get(f"/n/red/communication/resources/{pdf.pk}/file").status_code
        == 404
    )


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("participacion", ["Participación ciudadana"]),
        ("PARTICIPAÇÃO", ["Participação cidadã"]),
        ("cidada", ["Participação cidadã"]),
        ("particip", ["Citizen participation", "Participación ciudadana", "Participação cidadã"]),
        ("ciudadana participación", ["Participación ciudadana"]),
        ("nothing here", []),
    ],
)
def test_search_ignores_case_and_accents_in_each_language(world, typed, found):
    for title, language in (
        ("Participación ciudadana", "es"),
        ("Participação cidadã", "pt"),
        ("Citizen participation", "en"),
    ):
        _share(world, title, language=language)
    titles = sorted(r.title for r in queries.resources(world.network, {"q": typed}))
    assert titles == sorted(found)


def test_only_who_shared_it_or_a_coordinator_removes_a_resource(world):
    resource = _share(world, "Mía")
    with pytest.raises(PermissionDenied):
        actions.remove_resource(actor=world.other_member, resource=resource)
    actions.remove_resource(actor=world.coordinator, resource=resource)
    assert not Resource.objects.exists()


def test_the_api_shares_and_searches(world, api_as):
    member = api_as(world.member)
    created = member.post(
        "/networks/red/resources",
        {
            "title": "Guía de facilitación",
            "file_name": "g.txt",
            "content_base64": base64.b64encode(b"texto").decode(),
            "language": "es",
        },
    )
    assert created.status_code == 201, created.content
    assert created.json()["content_type"] == "text/plain"
    found = member.get("/networks/red/resources", q="GUIA facilitacion").json()
    assert [r["title"] for r in found["items"]] == ["Guía de facilitación"]
    assert (
        member.post("/networks/red/resources", {"title": "x", "content_base64": "%%%"}).status_code
        == 422
    )
    promoted = member.post(
        "/networks/red/initiatives",
        {
            "organization": world.org_a.pk,
            "title": "Festival",
            "image_base64": base64.b64encode(_png()).decode(),
        },
    )
    assert promoted.status_code == 201 and promoted.json()["has_image"] is True
    assert api_as(world.outsider).get("/networks/red/resources").status_code == 404
