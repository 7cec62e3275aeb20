"""`kefu simulate`: the centre on a virtual clock, through the real routing engine, beside
the Erlang C (and Erlang A) prediction."""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from kefu.core.errors import KefuError
from kefu.workforce import erlang
from kefu.workforce.scenario import Scenario, load_scenario, simple_scenario
from kefu.workforce.simulation import run

console = Console()


def _round(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dict):
        return {k: _round(v) for k, v in value.items()}
    return value


def _predictions(scenario: Scenario) -> dict[str, Any]:
    """Erlang C / A for a scenario with one stream at one rate served by every agent."""
    if len(scenario.streams) != 1 or len(scenario.streams[0].calls_per_hour) != 1 or scenario.streams[0].transfer:
        return {}
    stream = scenario.streams[0]
    agents = sum(p.count for p in scenario.agents)
    rate, aht = stream.calls_per_hour[0], stream.aht + scenario.wrap_up
    found: dict[str, Any] = {"erlang_c": asdict(erlang.erlang_c_metrics(
        calls_per_hour=rate, aht=aht, agents=agents, target_seconds=scenario.target_seconds))}
    if stream.patience is not None:
        found["erlang_a"] = asdict(erlang.erlang_a_metrics(
            calls_per_hour=rate, aht=aht, agents=agents, patience=stream.patience,
            target_seconds=scenario.target_seconds))
    return found


def simulate(
    calls_per_hour: float = typer.Option(None, "--calls-per-hour", help="Arrivals per hour (Poisson)."),
    aht: float = typer.Option(None, "--aht", help="Average handle time, seconds (exponential)."),
    agents: int = typer.Option(None, "--agents", help="Agents signed in and ready."),
    target_seconds: float = typer.Option(20.0, "--target-seconds", help="Service-level target, e.g. 20 for 80/20."),
    patience: float = typer.Option(None, "--patience", help="Mean patience in seconds (abandonment); omit for none."),
    hours: float = typer.Option(None, "--hours", help="Simulated hours of arrivals (default 8)."),
    seed: int = typer.Option(None, "--seed", help="Random seed; the same seed gives the same figures."),
    wrap_up: float = typer.Option(0.0, "--wrap-up", help="Wrap-up seconds after each contact (整理)."),
    warmup_minutes: float = typer.Option(None, "--warmup-minutes", help="Not counted at the start (default min(30, 10%))."),
    scenario_file: Path = typer.Option(None, "--scenario", exists=True, dir_okay=False,
                                       help="YAML/JSON scenario: several queues, skills, workflow, callbacks."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Simulate the centre with the real routing engine and compare with Erlang C."""
    try:
        if scenario_file is not None:
            scenario = load_scenario(scenario_file, seed=seed, hours=hours)
        else:
            missing = [n for n, v in (("--calls-per-hour", calls_per_hour), ("--aht", aht), ("--agents", agents)) if v is None]
            if missing:
                console.print(f"[red]请给出 {' '.join(missing)}，或用 --scenario 文件 / give {' '.join(missing)} or --scenario[/red]")
                raise typer.Exit(2)
            scenario = simple_scenario(
                calls_per_hour=calls_per_hour, aht=aht, agents=agents, target_seconds=target_seconds,
                hours=8.0 if hours is None else hours, seed=1 if seed is None else seed, patience=patience,
                wrap_up=wrap_up, warmup_seconds=None if warmup_minutes is None else warmup_minutes * 60,
            )
    except KefuError as exc:
        console.print(f"[red]{exc.zh} / {exc.en}[/red]")
        raise typer.Exit(2) from None
    started = time.perf_counter()
    if as_json:
        result = run(scenario)
    else:
        with Progress(console=console, transient=True) as bar:
            task = bar.add_task("模拟中 simulating", total=1.0)
            result = run(scenario, progress=lambda done: bar.update(task, completed=done))
    elapsed = time.perf_counter() - started
    out: dict[str, Any] = {
        **result.total.as_dict(),
        "service_level_ci95": result.ci95(),
        "occupancy": result.occupancy(),
        "target_seconds": scenario.target_seconds,
        "agents": result.agent_count,
        "hours": scenario.hours,
        "seed": scenario.seed,
        "warmup_seconds": result.warmup_seconds,
        "contacts_simulated": result.contacts,
        "elapsed_seconds": elapsed,
        "by_queue": {k: v.as_dict() for k, v in sorted(result.by_queue.items())},
        "by_stream": {k: v.as_dict() for k, v in sorted(result.by_stream.items())},
        "occupancy_by_pool": result.occupancy_by_pool(),
        **_predictions(scenario),
    }
    if result.callbacks.get("registered"):
        out["callbacks"] = result.callbacks
    out = _round(out)
    if as_json:
        print(json.dumps(out, ensure_ascii=False))
        return
    table = Table(title="模拟结果 / simulation")
    table.add_column("指标 metric")
    table.add_column("模拟 simulated", justify="right")
    models = [name for name in ("erlang_c", "erlang_a") if name in out]
    for name in models:
        table.add_column(name.replace("_", " ").title(), justify="right")
    ci = out["service_level_ci95"]
    sl = out["service_level"]
    rows: list[tuple[str, str, str]] = [
        ("来话 offered", str(out["offered"]), ""),
        ("接通 answered", str(out["answered"]), ""),
        ("放弃 abandoned", str(out["abandoned"]), "p_abandon"),
        (f"服务水平 SL ({scenario.target_seconds:g}s)",
         f"{sl:.4f} ± {ci:.4f}" if ci is not None and sl is not None else str(sl), "service_level"),
        ("平均应答 ASA (s)", f"{out['asa_seconds'] or 0:.2f}", "asa_seconds"),
        ("利用率 occupancy", f"{out['occupancy'] or 0:.4f}", "occupancy"),
    ]
    for label, simulated, key in rows:
        predicted = [f"{out[m][key]:.4f}" if key and key in out[m] else "" for m in models]
        table.add_row(label, simulated, *predicted)
    console.print(table)
    if len(out["by_queue"]) > 1 or len(out["by_stream"]) > 1:
        parts = Table(title="按队列 / 来话流  by queue / stream")
        for column in ("", "offered", "answered", "abandoned", "SL", "ASA (s)"):
            parts.add_column(column, justify="right" if column else "left")
        for prefix, group in (("queue", out["by_queue"]), ("stream", out["by_stream"])):
            for name, t in group.items():
                parts.add_row(f"{prefix} {name}", str(t["offered"]), str(t["answered"]), str(t["abandoned"]),
                              f"{t['service_level']:.3f}" if t["service_level"] is not None else "–",
                              f"{t['asa_seconds']:.1f}" if t["asa_seconds"] is not None else "–")
        console.print(parts)
    if len(out["occupancy_by_pool"]) > 1:
        console.print("利用率 occupancy by pool: " + "; ".join(
            f"{name} {value:.2f}" for name, value in out["occupancy_by_pool"].items()))
    if "callbacks" in out:
        c = out["callbacks"]
        console.print(f"预约回呼 callbacks: registered {c['registered']}, reached {c['reached']} "
                      f"({c['on_time']} within the hour), no answer {c['no_answer']}, done {c['done']}")
    console.print(f"{result.contacts} contacts in {elapsed:.2f} s")
