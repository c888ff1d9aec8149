"""A boosted model stored by another scikit-learn is not unpickled: its payload names the version
that wrote it, a mismatch falls back to the model's own frequency tables (each score says so) with
a warning to retrain, and a payload stored before versions were recorded is refused (unit level
on the payload, then through the use cases on SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import pickle

import pytest
import sklearn

from leadline.domain.errors import ValidationError
from leadline.domain.ids import new_id
from leadline.domain.scoring.interface import FeatureRow, ModelVersion
from leadline.domain.scoring.records import LEAD, StoredModel
from leadline.scoring.boosted import MAGIC, BoostedModel
from leadline.scoring.registry import StaleModelError, load_model
from leadline.services.context import ServiceContext
from leadline.services.scoring import reads
from leadline.services.scoring.scores import rescore_lead, score_leads
from tests.conftest import FakeClock
from tests.integration.test_scoring_paths import lead


def _table() -> tuple[list[FeatureRow], list[bool]]:
    """400 rows: trade shows convert 7 in 10, web forms 1 in 10, interleaved through time."""
    rows: list[FeatureRow] = [{"source": "Trade show" if i % 2 else "Website form"} for i in range(400)]
    ys = [(i % 2 == 1 and i % 10 != 1 and i % 10 != 3) or i % 20 == 0 for i in range(400)]
    return rows, ys


@pytest.fixture(scope="module")
def boosted() -> BoostedModel:
    return BoostedModel.fit(*_table())


def written_by(payload: bytes, version: str) -> bytes:
    """The payload as another scikit-learn would have written it."""
    start = len(MAGIC) + 8
    end = start + int.from_bytes(payload[len(MAGIC):start], "big")
    header = json.loads(payload[start:end])
    header["versions"]["scikit-learn"] = version
    encoded = json.dumps(header).encode()
    return MAGIC + len(encoded).to_bytes(8, "big") + encoded + payload[end:]


def test_the_payload_names_the_versions_and_loads_back_on_the_same_one(boosted: BoostedModel) -> None:
    payload = boosted.to_payload()
    assert f'"scikit-learn": "{sklearn.__version__}"'.encode() in payload
    rows, _ = _table()
    assert load_model("boosted", payload).predict(rows[:4]) == boosted.predict(rows[:4])


def test_another_scikit_learn_is_refused_with_the_tables_to_fall_back_on(boosted: BoostedModel) -> None:
    with pytest.raises(StaleModelError) as refused:
        load_model("boosted", written_by(boosted.to_payload(), "0.1.0"))
    message = str(refused.value)
    assert f"scikit-learn 0.1.0 (this installation: {sklearn.__version__})" in message
    assert "leadline score train" in message
    assert refused.value.tables is not None
    rows, _ = _table()
    assert refused.value.tables.predict(rows[:4]) == boosted.tables.predict(rows[:4])


def test_a_bare_pickle_of_before_is_refused_without_tables(boosted: BoostedModel) -> None:
    with pytest.raises(StaleModelError) as refused:
        load_model("boosted", pickle.dumps(boosted))
    assert refused.value.tables is None and "without its scikit-learn version" in str(refused.value)


def store(ctx: ServiceContext, clock: FakeClock, payload: bytes) -> None:
    clock.advance(minutes=1)
    with ctx.uow_factory() as uow:
        uow.scoring.add_model(StoredModel(new_id(), LEAD, ModelVersion("boosted", 1), clock.now, 400, 150, {}, (),
                                          payload))
        uow.commit()


def test_a_stale_model_scores_with_its_tables_and_says_so(
        ctx: ServiceContext, admin_id: int, clock: FakeClock, boosted: BoostedModel,
        caplog: pytest.LogCaptureFixture) -> None:
    made = lead(ctx, admin_id, "Ames", "Trade show")
    store(ctx, clock, written_by(boosted.to_payload(), "0.1.0"))
    done = score_leads(ctx, admin_id)
    assert (done.count, done.version) == (1, "boosted@1 (frequency fallback)")
    assert done.problem is not None and "leadline score train" in done.problem
    assert "scikit-learn 0.1.0" in caplog.text
    found = reads.get_lead_score(ctx, admin_id, made)
    assert found is not None and found.model_version == "boosted@1 (frequency fallback)"
    assert found.up[0].text.startswith("from Trade show:")


def test_a_model_stored_without_its_version_is_refused_and_scores_nothing(
        ctx: ServiceContext, admin_id: int, clock: FakeClock, boosted: BoostedModel) -> None:
    made = lead(ctx, admin_id, "Ames", "Trade show")
    store(ctx, clock, pickle.dumps(boosted))
    with pytest.raises(ValidationError) as refused:
        score_leads(ctx, admin_id)
    assert refused.value.field == "model" and "leadline score train" in refused.value.message
    with ctx.uow_factory() as uow:
        assert rescore_lead(ctx, uow, made) is None  # a change of the lead still commits, unscored
        uow.commit()
    assert reads.get_lead_score(ctx, admin_id, made) is None
