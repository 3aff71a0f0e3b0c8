"""The `minga` command's own verbs."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from minga.core.models import ApiToken, Network, Organization, Person, hash_secret


def test_network_create(db, capsys):
    call_command("network", "create", "red-andina", "--name", "Red Andina", "--model", "horizontal")
    network = Network.objects.get(slug="red-andina")
    assert network.name == "Red Andina"
    assert network.model == "horizontal"
    assert "Created network red-andina" in capsys.readouterr().out


def test_network_create_refuses_a_bad_slug_and_stores_nothing(db):
    with pytest.raises(CommandError, match="slug"):
        call_command("network", "create", "Red Andina", "--name", "Red Andina")
    assert not Network.objects.exists()


def test_createtoken_prints_a_working_token(world, capsys):
    call_command("createtoken", "mateo")
    token = capsys.readouterr().out.strip()
    assert ApiToken.objects.get(key_hash=hash_secret(token)).user == world.member


def test_createtoken_for_unknown_user_fails(db):
    with pytest.raises(CommandError, match="nobody"):
        call_command("createtoken", "nobody")


def test_demo_loads_a_latin_american_network(db):
    call_command("demo", verbosity=0)
    network = Network.objects.get(slug="demo")
    organizations = Organization.objects.filter(network=network)
    assert 35 <= organizations.count() <= 45
    assert set(organizations.values_list("country", flat=True)) == {"AR", "BR", "CL", "CO", "MX"}
    people = Person.objects.filter(network=network)
    assert people.filter(roles__name="coordinator").exists()
    assert people.filter(roles__name="protocol").exists()
    assert people.filter(organization__isnull=False).count() >= organizations.count()
    with pytest.raises(CommandError, match="exists already"):
        call_command("demo", verbosity=0)
    call_command("demo", "--if-empty", verbosity=0)
    assert Network.objects.filter(slug="demo").count() == 1


def test_demo_reset_reloads(db):
    call_command("demo", verbosity=0)
    call_command("demo", "--reset", verbosity=0)
    assert Network.objects.filter(slug="demo").count() == 1


def test_minga_console_script_wraps_django_commands(capsys):
    from minga.cli import main

    main(["help", "network"])
    assert "network create" in capsys.readouterr().out
