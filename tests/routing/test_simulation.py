"""`kefu simulate` drives the real routing engine; with one queue, one skill,
exponential times and no abandonment it must agree with Erlang C."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from kefu.cli.main import app
from kefu.core.errors import InvalidInput
from kefu.workforce import erlang
from kefu.workforce.scenario import parse_scenario, simple_scenario
from kefu.workforce.simulation import run

runner = CliRunner()


@pytest.mark.parametrize(("calls_per_hour", "aht"), [(200, 180), (360, 100)])
def test_ten_erlangs_on_fourteen_agents_agree_with_erlang_c(calls_per_hour, aht):
    result = run(simple_scenario(calls_per_hour=calls_per_hour, aht=aht, agents=14, target_seconds=20,
                                 hours=150, seed=11))
    predicted = erlang.erlang_c_metrics(calls_per_hour=calls_per_hour, aht=aht, agents=14, target_seconds=20)
    sim = result.total.within_target / result.total.offered
    ci = result.ci95()
    assert abs(sim - predicted.service_level) <= max(ci, 0.02)
    assert ci < 0.03
    assert result.total.abandoned == 0 and result.total.answered == result.total.offered
    assert result.occupancy() == pytest.approx(10 / 14, abs=0.02)
    assert result.total.wait_answered / result.total.answered == pytest.approx(predicted.asa_seconds, rel=0.25)


def test_impatient_callers_abandon_and_agree_with_erlang_a():
    patient = run(simple_scenario(calls_per_hour=200, aht=180, agents=12, target_seconds=20, hours=100, seed=5))
    impatient = run(simple_scenario(calls_per_hour=200, aht=180, agents=12, target_seconds=20, hours=100, seed=5,
                                    patience=60))
    assert impatient.total.abandoned > 0
    assert impatient.total.answered < impatient.total.offered
    assert impatient.total.answered / impatient.total.offered < patient.total.answered / patient.total.offered
    predicted = erlang.erlang_a_metrics(calls_per_hour=200, aht=180, agents=12, patience=60, target_seconds=20)
    assert impatient.total.abandoned / impatient.total.offered == pytest.approx(predicted.p_abandon, abs=0.015)
    sl = impatient.total.within_target / impatient.total.offered
    assert abs(sl - predicted.service_level) <= max(impatient.ci95(), 0.02)


def test_the_same_seed_gives_the_same_figures():
    one = run(simple_scenario(calls_per_hour=300, aht=120, agents=11, target_seconds=20, hours=5, seed=3))
    two = run(simple_scenario(calls_per_hour=300, aht=120, agents=11, target_seconds=20, hours=5, seed=3))
    assert one.total.as_dict() == two.total.as_dict()


DONGGUAN = {
    "hours": 14, "seed": 2, "target_seconds": 20, "wrap_up": 10,
    "start": "2026-11-23T08:30:00+08:00",
    "groups": {"data_seat": "09:00-22:00"},
    "queues": [
        {"name": "front", "expression": "skills.gsm >= 1"},
        {"name": "data_l3", "expression": "skills.data >= 3", "group": "data_seat"},
        {"name": "data_seat", "expression": "skills.data >= 2", "strategy": "highest_skill", "group": "data_seat"},
    ],
    "workflow": {
        "filters": [{"name": "data", "match": "category == 'data'",
                     "steps": [{"queue": "data_l3", "timeout": 30}, {"queue": "data_seat"}]}],
        "default": {"queue": "front"},
    },
    "agents": [{"count": 12, "skills": "gsm:2"}, {"count": 6, "skills": "data:3"}, {"count": 2, "skills": "data:2"}],
    "streams": [
        {"name": "hotline", "calls_per_hour": [150, 250], "interval_minutes": 30, "aht": 150, "patience": 120,
         "transfer": {"to_queue": "data_seat", "share": 0.2, "aht": 240, "reach_rate": 0.8}},
        {"name": "data_line", "calls_per_hour": 40, "aht": 200, "attrs": {"category": "data"}},
    ],
}


def test_a_scenario_with_specialist_seats_transfers_and_callbacks_runs_on_the_engine():
    result = run(parse_scenario(DONGGUAN))
    assert set(result.by_queue) >= {"front", "data_l3"}
    assert result.by_stream["hotline"].offered > 1000
    callbacks = result.callbacks
    assert callbacks["registered"] > 0  # calls transferred before 9:00 or when the seat was full
    assert callbacks["reached"] + callbacks["no_answer"] >= callbacks["registered"]
    assert callbacks["on_time"] >= 0.9 * callbacks["reached"]


@pytest.mark.parametrize(
    "queues",
    [
        [{"name": "front", "expression": "skills.gsm >= 1"}, {"name": "data_seat", "expression": "1 +"}],
        [{"name": "front", "expression": "skills.gsn >= 1"}, {"name": "data_l3", "expression": "skills.data >= 3"},
         {"name": "data_seat", "expression": "skills.data >= 2"}],
    ],
)
def test_a_scenario_with_a_bad_expression_or_an_unknown_skill_is_refused(queues):
    with pytest.raises(InvalidInput):
        parse_scenario({**DONGGUAN, "queues": queues})


def test_cli_reports_a_bad_scenario_clearly(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({**DONGGUAN, "workflow": {"filters": []}}), encoding="utf-8")
    out = runner.invoke(app, ["simulate", "--scenario", str(path), "--json"])
    assert out.exit_code == 2 and "default" in out.output


def test_cli_prints_one_json_object_with_the_erlang_prediction():
    out = runner.invoke(app, ["simulate", "--calls-per-hour", "200", "--aht", "180", "--agents", "14",
                              "--target-seconds", "20", "--hours", "20", "--seed", "4", "--json"])
    assert out.exit_code == 0, out.output
    body = json.loads(out.stdout)
    for key in ("offered", "answered", "abandoned", "service_level", "asa_seconds", "occupancy", "service_level_ci95"):
        assert body[key] is not None, key
    assert body["erlang_c"]["service_level"] == pytest.approx(0.8884, abs=1e-3)
    assert abs(body["service_level"] - body["erlang_c"]["service_level"]) < 0.1


def test_cli_with_patience_adds_erlang_a(tmp_path):
    out = runner.invoke(app, ["simulate", "--calls-per-hour", "200", "--aht", "180", "--agents", "12",
                              "--patience", "60", "--hours", "10", "--seed", "4", "--json"])
    body = json.loads(out.stdout)
    assert body["abandoned"] > 0 and "erlang_a" in body


def test_cli_reads_a_yaml_scenario(tmp_path):
    import yaml

    path = tmp_path / "dongguan.yaml"
    path.write_text(yaml.safe_dump({**DONGGUAN, "hours": 3}, allow_unicode=True), encoding="utf-8")
    out = runner.invoke(app, ["simulate", "--scenario", str(path), "--json"])
    assert out.exit_code == 0, out.output
    body = json.loads(out.stdout)
    assert body["by_stream"]["data_line"]["offered"] > 0


@pytest.mark.parametrize("args", [["--agents", "0"], ["--aht", "-5"], ["--patience", "0"], ["--hours", "0"]])
def test_cli_refuses_impossible_numbers(args):
    base = {"--calls-per-hour": "200", "--aht": "180", "--agents": "14", "--hours": "1"}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    out = runner.invoke(app, ["simulate", *[x for kv in base.items() for x in kv], "--json"])
    assert out.exit_code == 2, out.output


def test_cli_explains_missing_options():
    out = runner.invoke(app, ["simulate", "--aht", "180", "--json"])
    assert out.exit_code == 2
    assert "--calls-per-hour" in out.output


def test_the_shipped_hotline_scenario_runs_with_its_seats_and_callbacks():
    from pathlib import Path

    import kefu.workforce
    from kefu.workforce.scenario import load_scenario

    path = Path(kefu.workforce.__file__).parent / "scenarios" / "guangdong_hotline.yaml"
    result = run(load_scenario(path, hours=3))
    assert {"front", "cdma", "complaint", "vip"} <= set(result.by_queue)
    assert result.callbacks["registered"] > 0  # transfers before the data seat opens at 9:00
    occupancy = result.occupancy_by_pool()
    assert set(occupancy) == {"front_line", "cdma_seat", "complaint_seat", "vip_seat", "data_seat"}
    assert all(0 <= v <= 1 for v in occupancy.values())
