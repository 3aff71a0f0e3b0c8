import pytest

from minga.sortition.engine.csvio import write_features, write_people
from minga.sortition.engine.synthetic import correlated_pool


@pytest.fixture
def pool_files(tmp_path):
    """people.csv and features.csv (Sortition Foundation format) for a pool of 60, 6 seats."""
    instance = correlated_pool(60, 6, seed=11)
    people, features = tmp_path / "people.csv", tmp_path / "features.csv"
    people.write_text(write_people(instance), encoding="utf-8")
    features.write_text(write_features(instance), encoding="utf-8")
    return people, features


@pytest.fixture
def body(world):
    """The network's coordination body, whose members are organizations."""
    from minga.governance import actions as governance_actions

    return governance_actions.create_circle(
        actor=world.coordinator,
        network=world.network,
        kind="coordination_body",
        name="Coordinación",
        member_kind="organizations",
        filled_by="lot",
    )


@pytest.fixture
def orgs(world):
    """Twelve more organizations in three countries and two sizes (fourteen in all)."""
    from minga.core import actions as core_actions

    created = []
    for index in range(12):
        created.append(
            core_actions.create_organization(
                actor=world.coordinator,
                network=world.network,
                name=f"Org {index:02d}",
                country=["AR", "CO", "BR"][index % 3],
                city="X",
                size=["small", "medium"][index % 2],
            )
        )
    return created


@pytest.fixture
def make_draw(world, body, orgs, django_capture_on_commit_callbacks):
    """A draw of 3 organizations for the body, one per country, at various stages."""
    from minga.sortition import actions
    from minga.sortition.actions import QuotaRow

    def make(stage="draft", seed="2024", algorithm="leximin"):
        draw = actions.create_draw(
            actor=world.coordinator,
            network=world.network,
            title="Renovación",
            seats=3,
            pool_kind="organizations",
            features=["country", "size"],
            circle=body,
            algorithm=algorithm,
        )
        actions.set_quotas(
            actor=world.coordinator,
            draw=draw,
            quotas=[
                QuotaRow("country", "AR", 1, 1),
                QuotaRow("country", "BR", 1, 1),
                QuotaRow("country", "CO", 1, 1),
                QuotaRow("size", "small", 1, 2),
                QuotaRow("size", "medium", 1, 2),
                QuotaRow("size", "large", 0, 1),
            ],
        )
        order = ["computed", "published", "seed_fixed", "drawn", "seated"]
        if stage == "draft":
            return draw
        with django_capture_on_commit_callbacks(execute=True):
            actions.compute(actor=world.coordinator, draw=draw)
        draw.refresh_from_db()
        steps = order[: order.index(stage) + 1]
        if "published" in steps:
            actions.publish(actor=world.coordinator, draw=draw)
        if "seed_fixed" in steps:
            actions.fix_seed(actor=world.coordinator, draw=draw, seed=seed)
        if "drawn" in steps:
            actions.draw_panel(actor=world.coordinator, draw=draw)
        if "seated" in steps:
            actions.seat(actor=world.coordinator, draw=draw)
        draw.refresh_from_db()
        return draw

    return make
