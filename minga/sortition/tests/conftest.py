import pytest

from minga.sortition.csvio import write_features, write_people
from minga.sortition.synthetic import correlated_pool


@pytest.fixture
def pool_files(tmp_path):
    """people.csv and features.csv (Sortition Foundation format) for a pool of 60, 6 seats."""
    instance = correlated_pool(60, 6, seed=11)
    people, features = tmp_path / "people.csv", tmp_path / "features.csv"
    people.write_text(write_people(instance), encoding="utf-8")
    features.write_text(write_features(instance), encoding="utf-8")
    return people, features
