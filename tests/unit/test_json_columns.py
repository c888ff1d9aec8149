"""The JSON columns' shared encoder writes exactly what ``json.dumps`` writes: an audit event's
changes made with it read back (and compare) as before."""

import json

from hypothesis import given
from hypothesis import strategies as st

from leadline.persistence.json_columns import json_encoder

TEXT = st.one_of(st.none(), st.text())
CHANGES = st.dictionaries(st.text(), st.tuples(TEXT, TEXT))


@given(CHANGES)
def test_an_audit_event_s_changes_are_written_as_json_dumps_writes_them(changes):
    assert json_encoder()(changes) == json.dumps(changes)


def test_values_of_other_kinds_are_written_as_json_dumps_writes_them():
    value = {"n": 1, "x": 1.5, "ok": True, "list": [None, "é", {"a": "\n"}], "tuple": (1, "2")}
    assert json_encoder()(value) == json.dumps(value)
