"""Agents' corrections captured as feedback, and the record of model versions."""

from __future__ import annotations

import pytest

from kefu.nlp import service
from kefu.nlp.errors import BadTrainingData, ModelNotFound, UnknownCategory


def test_a_correction_is_stored_masked_and_becomes_a_training_example(session, now):
    row = service.record_correction(
        session,
        "我的号码13812345678被开通了彩铃，没人问过我",
        category="vas",
        root_cause="service_process",
        predicted_category="billing",
        model_version="default-x",
        ref="ticket:42",
        corrected_by="agent01",
        now=now,
    )
    assert "13812345678" not in row.text
    examples = service.correction_examples(session)
    assert {"text": row.text, "category": "vas", "root_cause": "service_process", "source": "correction"} in examples


@pytest.mark.parametrize("field", ["category", "root_cause", "emotion"])
def test_unknown_codes_are_refused(session, now, field):
    values = {"category": "vas", field: "nonsense"}
    with pytest.raises(UnknownCategory):
        service.record_correction(session, "彩铃乱扣费", now=now, **values)


def test_an_empty_correction_text_is_refused(session, now):
    with pytest.raises(BadTrainingData):
        service.record_correction(session, "😀", category="other", now=now)


def test_only_one_version_is_active(session, now):
    common = dict(trained_at=now, n_examples=10, n_corrections=0, heldout_accuracy=0.8, heldout_macro_f1=0.7)
    service.register_version(session, "v-test-1", activate=True, **common)
    service.register_version(session, "v-test-2", activate=True, **common)
    active = [v.version for v in service.list_versions(session) if v.active]
    assert active == ["v-test-2"]
    service.activate_version(session, "v-test-1")
    assert [v.version for v in service.list_versions(session) if v.active] == ["v-test-1"]
    with pytest.raises(ModelNotFound):
        service.activate_version(session, "v-nope")
