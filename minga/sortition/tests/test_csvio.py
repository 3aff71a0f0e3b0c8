import pytest

from minga.sortition.engine.csvio import parse_features, parse_people, write_features, write_people
from minga.sortition.engine.model import SortitionInputError
from minga.sortition.engine.synthetic import correlated_pool

FEATURES = "feature,value,min,max,min_flex,max_flex\ngender,f,1,2,0,3\ngender,m,1,2,0,3\n"


def test_features_and_people_in_the_sortition_foundation_format():
    quotas = parse_features(FEATURES)
    assert quotas["gender"]["f"].min == 1 and quotas["gender"]["m"].max == 2
    people = parse_people("id,name,gender,house\n1,Ana,f,A\n2,Bo,m,A\n", quotas, group_by="house")
    assert [(p.id, p.features["gender"], p.group) for p in people] == [
        ("1", "f", "A"),
        ("2", "m", "A"),
    ]


def test_older_category_name_headers_are_accepted():
    assert "f" in parse_features("category,name,min,max\ngender,f,0,1\n")["gender"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("feature,value,min\ngender,f,1\n", "missing column(s) max"),
        ("feature,value,min,max\ngender,f,x,2\n", "row 2, min: 'x' is not a whole number"),
        ("feature,value,min,max\ngender,f,3,2\n", "row 2: need 0 <= min <= max"),
        ("feature,value,min,max\ngender,f,1,2\ngender,f,1,2\n", "row 3: gender=f is listed twice"),
    ],
)
def test_bad_features_name_the_row_and_field(text, message):
    with pytest.raises(SortitionInputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_features(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id,gender\n1,f\n1,m\n", "row 3: id '1' already used on row 2"),
        ("id,gender\n1,x\n", "row 2: gender='x' is not a value"),
        ("id,age\n1,f\n", "missing column"),
    ],
)
def test_bad_people_name_the_row_and_value(text, message):
    with pytest.raises(SortitionInputError, match=message):
        parse_people(text, parse_features(FEATURES))


def test_round_trip_of_a_generated_pool():
    instance = correlated_pool(30, 5, seed=1)
    quotas = parse_features(write_features(instance))
    people = parse_people(write_people(instance), quotas)
    assert [(p.id, dict(p.features)) for p in people] == [
        (p.id, dict(p.features)) for p in instance.people
    ]
