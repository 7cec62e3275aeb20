from kefu.nlp.dispatch import decide


def test_above_the_threshold_is_automatic_with_three_suggestions():
    decision = decide({"billing": 0.8, "vas": 0.1, "plan": 0.06, "other": 0.04}, threshold=0.6)
    assert decision.auto_dispatch
    assert [s.category for s in decision.suggestions] == ["billing", "vas", "plan"]
    assert decision.suggestions[0].department == "billing"


def test_below_the_threshold_the_agent_chooses():
    decision = decide({"billing": 0.45, "vas": 0.4, "plan": 0.15}, threshold=0.6)
    assert not decision.auto_dispatch
    assert len(decision.suggestions) == 3


def test_a_rejected_text_is_never_automatic_and_departments_can_be_overridden():
    assert not decide({"other": 1.0}, rejected=True).auto_dispatch
    decision = decide({"billing": 0.9}, departments={"billing": "government_enterprise"})
    assert decision.suggestions[0].department == "government_enterprise"
