"""Every list on a core page is bounded by what the page shows, whatever the network holds:
an organization's people, pending invitations, the networks a platform administrator sees."""

from __future__ import annotations

from minga.core import actions
from minga.core.models import Network, Person, User


def test_an_organization_shows_its_first_fifty_people_and_links_to_all(world, client_as):
    users = User.objects.bulk_create(User(username=f"p{i:03d}") for i in range(60))
    Person.objects.bulk_create(
        Person(network=world.network, user=u, organization=world.org_a) for u in users
    )
    client = client_as(world.coordinator)
    page = client.get(f"/n/red/organizations/{world.org_a.pk}/").content.decode()
    people = page.split("<h2>People</h2>")[1].split("</ul>")[0]
    assert people.count("<li>") == 50
    link = f"/n/red/people/?organization={world.org_a.pk}"
    assert link in page
    listed = client.get(link).content.decode()
    assert "p059" in listed
    assert world.org_b.name not in listed.split("<tbody>")[1]


def test_the_people_page_shows_the_next_invitations_to_expire_and_how_many(world, client_as):
    for i in range(23):
        actions.invite_person(
            actor=world.coordinator, network=world.network, email=f"i{i:02d}@example.org"
        )
    page = client_as(world.coordinator).get("/n/red/people/").content.decode()
    assert page.count("@example.org · ") == 20
    assert "of 23 pending invitations" in page


def test_a_platform_administrator_sees_the_networks_a_page_at_a_time(world, client_as):
    Network.objects.bulk_create(Network(slug=f"n{i:03d}", name=f"Red {i:03d}") for i in range(60))
    client = client_as(world.admin)
    first = client.get("/").content.decode()
    assert first.count('<li class="card">') == 50
    second = client.get("/?page=2").content.decode()
    assert (
        first.count('<li class="card">') + second.count('<li class="card">')
        == Network.objects.count()
    )
