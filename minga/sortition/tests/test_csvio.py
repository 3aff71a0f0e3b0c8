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


# The layouts of features.csv the field publishes, and people.csv's ids and households ----------

SAME_QUOTAS = {
    "feature,value,min,max\ngender,f,1,2\ngender,m,1,2\n",
    "feature,value,min,max,min_flex,max_flex\ngender,f,1,2,0,3\ngender,m,1,2,0,3\n",
    "category,name,min,max\ngender,f,1,2\ngender,m,1,2\n",
    "category,name,min,max,min_flex,max_flex\ngender,f,1,2,0,2\ngender,m,1,2,0,2\n",
    "category,feature,min,max\ngender,f,1,2\ngender,m,1,2",  # Flanigan et al.'s replication data
    "Category,Feature,Min,Max\r\ngender,f,1,2\r\ngender,m,1,2\r\n",
}


@pytest.mark.parametrize("text", sorted(SAME_QUOTAS))
def test_every_published_layout_of_features_gives_the_same_quotas(text):
    quotas = parse_features(text)
    assert {f: {v: (q.min, q.max) for v, q in values.items()} for f, values in quotas.items()} == {
        "gender": {"f": (1, 2), "m": (1, 2)}
    }


def test_a_header_of_no_known_layout_is_named_with_the_layouts_expected():
    with pytest.raises(SortitionInputError) as caught:
        parse_features("category,min,max\ngender,0,1\n", "quotas.csv")
    message = str(caught.value)
    assert message.startswith("quotas.csv: missing column(s) value. The header reads category,min")
    assert "feature,value,min,max" in message and "category,feature,min,max" in message


def test_the_replication_layout_names_its_own_columns_in_errors():
    with pytest.raises(SortitionInputError, match=r"row 3, max: 'many' is not a whole number"):
        parse_features("category,feature,min,max\ngender,f,1,2\ngender,m,1,many\n")
    with pytest.raises(SortitionInputError, match=r"column category\) and its value \(column "):
        parse_features("category,feature,min,max\ngender,,1,2\n")


def test_blank_rows_are_skipped_and_line_numbers_kept():
    text = "\nfeature,value,min,max\n,,,\ngender,f,1,2\n\ngender,m,{},2\n"
    assert set(parse_features(text.format("1"))["gender"]) == {"f", "m"}
    with pytest.raises(SortitionInputError, match="row 6, min: 'x'"):
        parse_features(text.format("x"))


def test_people_with_their_own_id_column():
    from minga.sortition.engine.csvio import people_from_rows, text_rows

    table = people_from_rows(
        text_rows("nationbuilder_id,email,gender\nnb-1,a@x,f\nnb-2,b@x,m\n"),
        parse_features(FEATURES),
        id_column="nationbuilder_id",
    )
    assert table.id_column == "nationbuilder_id"
    assert [p.id for p in table.people] == ["nb-1", "nb-2"]


def test_people_of_nothing_but_features_are_numbered_from_zero():
    from minga.sortition.engine.csvio import people_from_rows, text_rows

    table = people_from_rows(text_rows("gender\nf\nm\n\nf\n"), parse_features(FEATURES))
    assert table.id_column is None
    assert [(p.id, p.features["gender"]) for p in table.people] == [
        ("0", "f"),
        ("1", "m"),
        ("2", "f"),
    ]


@pytest.mark.parametrize(
    ("text", "id_column", "message"),
    [
        (
            "nationbuilder_id,gender\nnb-1,f\n",
            None,
            "people.csv: missing column(s) id. Columns that are not features: nationbuilder_id;",
        ),
        ("id,gender\n1,f\n", "nationbuilder_id", "people.csv: missing column(s) nationbuilder_id."),
        ("code,gender\nc1,f\n,m\n", "code", "people.csv row 3: empty id (column code)"),
        ("code,gender\nc1,f\nc1,m\n", "code", "row 3: id 'c1' already used on row 2"),
    ],
)
def test_a_wrong_id_column_is_named(text, id_column, message):
    with pytest.raises(SortitionInputError) as caught:
        parse_people(text, parse_features(FEATURES), id_column=id_column)
    assert message in str(caught.value)


def test_columns_and_values_match_ignoring_case_keeping_the_spelling_of_features():
    quotas = parse_features("feature,value,min,max\nGender,Female,0,1\nGender,Male,0,1\n")
    people = parse_people("ID,gender\n1,female\n2,MALE\n", quotas)
    assert [(p.id, dict(p.features)) for p in people] == [
        ("1", {"Gender": "Female"}),
        ("2", {"Gender": "Male"}),
    ]


def test_households_over_several_columns_compare_ignoring_case():
    text = (
        "id,gender,primary_address1,primary_zip\n"
        "1,f,1 Bruce Street,EH1 0ZZ\n"
        "2,m,1 BRUCE STREET,eh1 0zz\n"
        "3,f,1 Bruce Street,EH2 0ZZ\n"
        "4,m,,\n"
        "5,f,,\n"
    )
    people = parse_people(text, parse_features(FEATURES), group_by="primary_address1, primary_zip")
    groups = [p.group for p in people]
    assert groups[0] == groups[1] == '["1 bruce street","eh1 0zz"]'
    assert groups[2] != groups[0]
    assert groups[3] is groups[4] is None  # no address: in no household


def test_one_grouping_column_keeps_its_value_as_written():
    people = parse_people(
        "id,gender,house\n1,f,Casa A\n2,m,casa a\n3,f,\n",
        parse_features(FEATURES),
        group_by="house",
    )
    assert [p.group for p in people] == ["Casa A", "casa a", None]


def test_households_round_trip_through_the_downloadable_people_csv():
    from minga.sortition.engine.model import Instance

    quotas = parse_features(FEATURES)
    text = "id,gender,a1,zip\n1,f,X Road,Z1\n2,m,x road,z1\n3,m,,\n"
    people = parse_people(text, quotas, group_by="a1,zip")
    written = write_people(Instance(tuple(people), quotas, 1), ["a1", "zip"])
    again = parse_people(written, quotas, group_by="a1,zip")
    assert [(p.id, p.group) for p in again] == [(p.id, p.group) for p in people]
