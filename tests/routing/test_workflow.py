"""Queues and workflows as data: safe expressions, clear errors at save time."""

from __future__ import annotations

import pytest

from kefu.routing.errors import InvalidExpression, InvalidWorkflow, NoDefaultStep, UnknownQueue, UnknownSkill
from kefu.routing.expression import compile_expression
from kefu.routing.workflow import parse_workflow, queue_spec

SKILLS = ["data", "gsm", "cdma", "complaint", "english"]


@pytest.mark.parametrize(
    ("text", "attrs", "expected"),
    [
        ('skills.data >= 2 and language == "en"', {"skills": {"data": 2}, "language": "en"}, True),
        ('skills.data >= 2 and language == "en"', {"skills": {"data": 3}, "language": "zh"}, False),
        ("skills.data >= 2", {"skills": {"gsm": 3}}, False),  # missing skill counts as level 0
        ("skills.gsm > 0 or skills.cdma > 0", {"skills": {"cdma": 1}}, True),
        ("not skills.complaint", {"skills": {}}, True),
        ("1 <= skills.data < 3", {"skills": {"data": 3}}, False),
        ('"dongguan" in groups', {"groups": ["dongguan", "data"]}, True),
        ('language in ("en", "yue")', {"language": "yue"}, True),
        ("skills.data >= level", {"skills": {"data": 2}}, False),  # None never compares true
        ("true", {}, True),
        ("", {}, True),
    ],
)
def test_expressions_select_agents_by_attributes(text, attrs, expected):
    expression = compile_expression(text, names=["skills", "language", "groups", "level"], skills=SKILLS)
    assert expression(attrs) is expected


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('rm -rf /')",
        "skills.data.__class__",
        "open('x')",
        "[x for x in skills]",
        "skills.data + 1 > 2",
        "lambda: 1",
        "skills['data'] > 1",
        "skills.data >=",
    ],
)
def test_anything_but_comparisons_is_refused_without_running_it(text):
    with pytest.raises(InvalidExpression):
        compile_expression(text, names=["skills", "language"], skills=SKILLS)


def test_an_unknown_skill_is_a_clear_error_when_the_queue_is_saved():
    with pytest.raises(UnknownSkill) as caught:
        queue_spec("data", "skills.dta >= 2", known_skills=SKILLS)
    assert "dta" in caught.value.zh and "data" in caught.value.en
    assert caught.value.status_code == 422


def test_an_unknown_agent_attribute_is_refused():
    with pytest.raises(InvalidExpression):
        queue_spec("x", 'langauge == "en"', known_skills=SKILLS)


def test_highest_skill_ranks_by_the_first_skill_named():
    spec = queue_spec("data", "skills.data >= 1", strategy="highest_skill", known_skills=SKILLS)
    assert spec.skill == "data"
    with pytest.raises(InvalidWorkflow):
        queue_spec("x", "true", strategy="cheapest_first")


def test_a_workflow_without_a_default_step_is_rejected():
    with pytest.raises(NoDefaultStep) as caught:
        parse_workflow({"filters": [{"match": "category == 'data'", "steps": [{"queue": "data"}]}]})
    assert "默认" in caught.value.zh


def test_a_workflow_naming_a_missing_queue_is_rejected():
    with pytest.raises(UnknownQueue):
        parse_workflow({"default": {"queue": "general"}}, queues=["front"])


def test_workflow_filters_are_tried_in_order_and_fall_back_to_the_default():
    workflow = parse_workflow(
        {
            "filters": [
                {"name": "vip", "match": "vip_level >= 3", "priority": 10, "steps": [{"queue": "vip"}]},
                {"name": "data", "match": "category == 'data'",
                 "steps": [{"queue": "data_l3", "timeout": 30}, {"queue": "data_l2", "timeout": 30}, {"queue": "data"}]},
            ],
            "default": {"queue": "general"},
        },
        queues=["vip", "data_l3", "data_l2", "data", "general"],
    )
    assert workflow.filter_for({"vip_level": 4, "category": "data"}).name == "vip"
    assert [s.queue for s in workflow.filter_for({"category": "data"}).steps] == ["data_l3", "data_l2", "data"]
    assert workflow.filter_for({"category": "billing"}).name == "default"


def test_a_filter_on_an_unknown_contact_attribute_is_refused():
    with pytest.raises(InvalidExpression):
        parse_workflow({"filters": [{"match": "colour == 'red'", "steps": [{"queue": "q"}]}], "default": {"queue": "q"}})
