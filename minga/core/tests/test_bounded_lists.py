"""Every list on a core page is bounded by what the page shows, whatever the network holds:
an organization's people, pending invitations, the networks a platform administrator sees."""

from __future__ import annotations

from minga.core import actions
from minga.core.models import Network, Person, User


def test_an_organization_shows_its_first_fifty_people_and_links_to_all(world, client_as):
    users = User.objects.bulk_create(User(username=f"p{i:03d}") for i in range(60))
    Person.objects.bulk_create(
        Person(network=world.network, user=u, organization=world.org_a, username=u.username)
        for u in users
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


def test_people_come_a_page_at_a_time_by_user_name_with_their_filters(world, client_as, api_as):
    """The people page and the API read a page in user-name order (from an index of each
    person's copy of it); people of other networks and those a filter leaves out never
    take a place, and a renamed user moves to their new place."""
    other = Network.objects.create(slug="vecina", name="Red vecina")
    users = User.objects.bulk_create(User(username=f"q{i:03d}") for i in range(150))
    Person.objects.bulk_create(
        Person(
            network=world.network if i % 3 else other,
            user=u,
            username=u.username,
            organization=(world.org_a if i % 2 else world.org_b) if i % 3 else None,
        )
        for i, u in enumerate(users)
    )
    everyone = sorted(world.network.people.values_list("user__username", flat=True))
    client = client_as(world.coordinator)
    shown = []
    for number in (1, 2):
        page = client.get("/n/red/people/", {"page": number}).context["page"]
        shown += [person.user.username for person in page]
    assert shown == everyone
    of_a = client.get("/n/red/people/", {"organization": world.org_a.pk}).context["page"]
    assert [p.user.username for p in of_a] == sorted(
        world.network.people.filter(organization=world.org_a).values_list(
            "user__username", flat=True
        )
    )[:100]
    api = api_as(world.coordinator)
    second = api.get("/networks/red/people", page=2, page_size=20).json()
    assert second["count"] == len(everyone)
    assert [item["username"] for item in second["items"]] == everyone[20:40]
    renamed = users[1]
    renamed.username = "a-primero"
    renamed.save()
    first = client.get("/n/red/people/").context["page"]
    assert first[0].user == renamed
