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


def test_a_command_without_as_acts_as_the_system_and_the_audit_log_says_so(world, capsys):
    from minga.core.models import AuditEntry

    call_command("network", "create", "red-andina", "--name", "Red Andina")
    entry = AuditEntry.objects.get(action="network.create", target_repr="Red Andina")
    assert entry.by_system and entry.actor is None
    # Nobody became its coordinator: the system is not a person of the network.
    assert not Network.objects.get(slug="red-andina").people.exists()
    call_command("createtoken", "mateo")
    entry = AuditEntry.objects.get(action="token.issue")
    assert entry.by_system and entry.actor is None


def test_a_command_with_as_acts_as_that_person(world, capsys):
    from minga.core.models import AuditEntry

    call_command("network", "create", "red-andina", "--name", "Red Andina", "--as", "mateo")
    entry = AuditEntry.objects.get(action="network.create", target_repr="Red Andina")
    assert entry.actor == world.member and not entry.by_system
    network = Network.objects.get(slug="red-andina")
    assert network.people.get().user == world.member
    call_command("createtoken", "mateo", "--as", "mateo")
    entry = AuditEntry.objects.get(action="token.issue")
    assert entry.actor == world.member and not entry.by_system


def test_a_command_refuses_a_person_without_the_right_and_writes_nothing(world):
    with pytest.raises(CommandError, match="may not issue a token"):
        call_command("createtoken", "carolina", "--as", "mateo")
    assert not ApiToken.objects.exists()
    with pytest.raises(CommandError, match="No user"):
        call_command("network", "create", "red-andina", "--name", "Red Andina", "--as", "nadie")
    assert not Network.objects.filter(slug="red-andina").exists()


def test_demo_reset_deletes_the_old_demo_through_the_audited_action(db):
    from minga.core.models import AuditEntry

    call_command("demo", verbosity=0)
    call_command("demo", "--reset", verbosity=0)
    deleted = AuditEntry.objects.filter(action="network.delete")
    assert deleted.filter(target_repr__startswith="Red Latinoamericana").exists()
    assert all(entry.by_system for entry in deleted)
    with pytest.raises(CommandError, match="may not delete"):
        call_command("demo", "--reset", "--as", "rep01", verbosity=0)
    assert Network.objects.filter(slug="demo").count() == 1
    call_command("demo", "--reset", "--as", "admin", verbosity=0)
    assert AuditEntry.objects.filter(action="network.delete", by_system=False).exists()
