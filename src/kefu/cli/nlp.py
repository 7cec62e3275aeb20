"""`kefu nlp` — train, classify and evaluate the Chinese intake model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from sqlalchemy.exc import SQLAlchemyError

from kefu.cli.context import context
from kefu.core.errors import KefuError
from kefu.nlp import service, store, training
from kefu.nlp.evaluation import Report, evaluate
from kefu.nlp.intake import Classification, Classifier, get_classifier
from kefu.nlp.jsonl import BadLine, read_lines
from kefu.nlp.rules import load_rules, packaged_rules_text
from kefu.nlp.taxonomy import BY_CODE, CATEGORY_CODES, EMOTIONS, ROOT_CAUSES

app = typer.Typer(help="中文智能分类：训练、批量分类、评估 / Chinese intake: train, classify, evaluate.", no_args_is_help=True)
console = Console()
err = Console(stderr=True)

_BATCH = 200
_SHORT = {
    "billing": "计费", "vas": "增值", "mobile_network": "移网", "broadband": "宽带", "plan": "套餐",
    "account": "号码", "payment": "缴费", "marketing": "营销", "attitude": "态度", "other": "其他",
}


def _models_dir(option: Path | None) -> Path:
    return option if option is not None else store.models_dir(context().settings.instance_dir)


def _classifier(models_dir: Path | None) -> Classifier:
    try:
        return get_classifier(_models_dir(models_dir), rules_path=_rules_path(None))
    except KefuError as exc:
        err.print(f"[red]{exc.zh} / {exc.en}[/red]")
        raise typer.Exit(2) from None


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=err)


def _read(path: Path, required: tuple[str, ...]) -> tuple[list[tuple[int, dict[str, Any]]], list[BadLine]]:
    try:
        with path.open("rb") as fh:
            rows = list(read_lines(fh, required=required))
    except OSError as exc:
        err.print(f"[red]无法读取 {path}：{exc.strerror} / cannot read {path}[/red]")
        raise typer.Exit(2) from None
    good = [(n, r) for n, r in rows if not isinstance(r, BadLine)]
    bad = [r for _, r in rows if isinstance(r, BadLine)]
    return good, bad


def _report_bad(bad: list[BadLine]) -> None:
    for line in bad:
        err.print(f"[yellow]跳过 {line.message()}[/yellow]")


def _row(result: Classification) -> dict[str, Any]:
    return {
        "category": result.category,
        "root_cause": result.root_cause,
        "department": result.department,
        "emotion": result.emotion,
        "emotion_intensity": result.emotion_intensity,
        "urgency": result.urgency,
        "urgency_score": result.urgency_score,
        "confidence": result.confidence,
        "keywords": list(result.keywords),
        "auto_dispatch": result.auto_dispatch,
        "suggestions": [s.category for s in result.suggestions],
        "hint": result.hint,
        "model_version": result.model_version,
        **({"rejected": result.rejected} if result.rejected else {}),
        **({"truncated": True} if result.truncated else {}),
    }


@app.command("classify")
def classify_file(
    source: Path = typer.Argument(..., help='输入 JSONL，每行 {"id": …, "text": …}'),
    target: Path = typer.Argument(..., help="输出 JSONL：原字段加上分类结果"),
    models_dir: Path | None = typer.Option(None, "--models-dir", help="模型目录（默认：实例目录/models/nlp）"),
) -> None:
    """Classify every line of IN.jsonl into OUT.jsonl; bad lines are reported and skipped."""
    classifier = _classifier(models_dir)
    good, bad = _read(source, ("text",))
    _report_bad(bad)
    written = 0
    # errors="replace": a lone surrogate escaped in the input ("\ud800") cannot be UTF-8.
    with target.open("w", encoding="utf-8", errors="replace") as out, _progress() as progress:
        task = progress.add_task("分类 classifying", total=len(good))
        for start in range(0, len(good), _BATCH):
            chunk = good[start : start + _BATCH]
            for (_, record), result in zip(chunk, classifier.classify_many([r["text"] for _, r in chunk]), strict=True):
                out.write(json.dumps({**record, **_row(result)}, ensure_ascii=False) + "\n")
                written += 1
            progress.advance(task, len(chunk))
    console.print(
        f"已分类 {written} 行，跳过 {len(bad)} 行（模型 {classifier.version}） / "
        f"classified {written} lines, skipped {len(bad)} → {target}"
    )


def _scores_table(title: str, report: Report) -> Table:
    table = Table(title=title)
    for column in ("类别 class", "precision", "recall", "F1", "support"):
        table.add_column(column, justify="left" if column.startswith("类别") else "right")
    for score in report.per_class:
        name = f"{score.label} {BY_CODE[score.label].name_zh}" if score.label in BY_CODE else score.label
        style = "red" if score.support and score.f1 < 0.7 else None
        table.add_row(name, f"{score.precision:.3f}", f"{score.recall:.3f}", f"{score.f1:.3f}", str(score.support), style=style)
    return table


def _confusion_table(title: str, report: Report) -> Table:
    table = Table(title=title, caption="行：真实类别，列：预测类别 / rows: true, columns: predicted")
    table.add_column("")
    for label in report.labels:
        table.add_column(_SHORT.get(label, label[:4]), justify="right")
    for label, row in zip(report.labels, report.confusion, strict=True):
        table.add_row(label, *[f"[bold]{v}[/bold]" if label == report.labels[j] and v else (str(v) if v else "·") for j, v in enumerate(row)])
    return table


@app.command("eval")
def eval_file(
    source: Path = typer.Argument(..., help='输入 JSONL，每行 {"text": …, "category": …}，可选 "emotion"、"root_cause"'),
    models_dir: Path | None = typer.Option(None, "--models-dir", help="模型目录（默认：实例目录/models/nlp）"),
) -> None:
    """Accuracy, macro-F1, per-class precision/recall/F1 and the confusion matrix."""
    classifier = _classifier(models_dir)
    good, bad = _read(source, ("text", "category"))
    labelled = []
    for number, record in good:
        if record["category"] not in CATEGORY_CODES:
            bad.append(BadLine(number, f"未知类别 {record['category']}", f"unknown category {record['category']!r}"))
        else:
            labelled.append(record)
    _report_bad(sorted(bad, key=lambda b: b.number))
    if not labelled:
        console.print("[yellow]没有可评估的行 / nothing to evaluate[/yellow]")
        return
    results: list[Classification] = []
    with _progress() as progress:
        task = progress.add_task("评估 evaluating", total=len(labelled))
        for start in range(0, len(labelled), _BATCH):
            chunk = labelled[start : start + _BATCH]
            results.extend(classifier.classify_many([r["text"] for r in chunk]))
            progress.advance(task, len(chunk))
    report = evaluate([r["category"] for r in labelled], [r.category for r in results], labels=list(CATEGORY_CODES))
    console.print(f"模型 model: {classifier.version}   规则 rules: {classifier.rules.version}")
    console.print(
        f"样本 examples: {report.n}   跳过 skipped: {len(bad)}   "
        f"准确率 accuracy: {report.accuracy:.3f}   宏平均F1 macro-F1: {report.macro_f1:.3f}"
    )
    auto = [(r, x) for r, x in zip(labelled, results, strict=True) if x.auto_dispatch]
    if auto:
        hit = sum(r["category"] == x.category for r, x in auto) / len(auto)
        console.print(f"自动派单 auto-dispatched: {len(auto) / report.n:.1%}，其中正确 correct among them: {hit:.1%}")
    console.print(_scores_table("类别 categories", report))
    console.print(_confusion_table("混淆矩阵 confusion matrix", report))
    emotional = [(r["emotion"], x.emotion) for r, x in zip(labelled, results, strict=True) if r.get("emotion") in EMOTIONS]
    if emotional:
        emo = evaluate([t for t, _ in emotional], [p for _, p in emotional], labels=list(EMOTIONS))
        console.print(f"情绪 emotion: n={emo.n}   准确率 accuracy: {emo.accuracy:.3f}   宏平均F1 macro-F1: {emo.macro_f1:.3f}")
        console.print(_scores_table("情绪 emotion", emo))
    causes = [(r["root_cause"], x.root_cause) for r, x in zip(labelled, results, strict=True) if r.get("root_cause") in ROOT_CAUSES]
    if causes:
        rc = evaluate([t for t, _ in causes], [p for _, p in causes], labels=list(ROOT_CAUSES))
        console.print(f"根因 root cause: n={rc.n}   准确率 accuracy: {rc.accuracy:.3f}   宏平均F1 macro-F1: {rc.macro_f1:.3f}")
    weak = report.weak()
    if weak:
        console.print("较弱的类别 weak classes (F1 < 0.7): " + ", ".join(f"{c.label} {c.f1:.2f}" for c in weak))


@app.command("train")
def train(
    extra: Path | None = typer.Option(None, "--extra", help="额外训练样本 JSONL（text, category, 可选 root_cause, emotion）"),
    activate: bool = typer.Option(True, "--activate/--no-activate", help="训练后设为当前模型"),
    use_corrections: bool = typer.Option(True, "--corrections/--no-corrections", help="加入坐席在系统中的纠正"),
    models_dir: Path | None = typer.Option(None, "--models-dir", help="模型目录（默认：实例目录/models/nlp）"),
) -> None:
    """Retrain on the shipped examples (+ agents' corrections, + --extra), save a new version."""
    ctx = context()
    root = models_dir if models_dir is not None else store.models_dir(ctx.settings.instance_dir)
    examples: list[dict[str, Any]] = []
    if extra is not None:
        good, bad = _read(extra, ("text", "category"))
        _report_bad(bad)
        examples.extend(r for _, r in good if r["category"] in CATEGORY_CODES)
    corrections: list[dict[str, Any]] = []
    if use_corrections:
        try:
            with ctx.session() as session:
                corrections = service.correction_examples(session)
        except SQLAlchemyError:
            err.print("[yellow]数据库不可用或未迁移，本次不含坐席纠正 / database unavailable: corrections skipped[/yellow]")
    with console.status("训练中 training …"):
        result = training.train_version(root, now=ctx.clock.now(), extra=examples + corrections, activate=activate)
    console.print(
        f"[green]新模型版本 {result.version}[/green]：样本 {result.n_examples}（其中纠正 {len(corrections)}，额外 {len(examples)}），"
        f"用时 {result.seconds:.1f} 秒 / trained in {result.seconds:.1f} s → {result.folder}"
    )
    console.print(
        f"留出集 held-out: 准确率 accuracy {result.report.accuracy:.3f}，宏平均F1 macro-F1 {result.report.macro_f1:.3f}"
        + ("（已设为当前模型 / now active）" if activate else "")
    )
    try:
        with ctx.session() as session:
            service.register_version(
                session,
                result.version,
                trained_at=ctx.clock.now(),
                n_examples=result.n_examples,
                n_corrections=len(corrections),
                heldout_accuracy=result.report.accuracy,
                heldout_macro_f1=result.report.macro_f1,
                activate=activate,
                trained_by="cli",
            )
    except SQLAlchemyError:
        err.print("[yellow]数据库不可用：版本未登记到数据库（模型文件已保存） / version not recorded in the database[/yellow]")


@app.command("versions")
def versions(models_dir: Path | None = typer.Option(None, "--models-dir")) -> None:
    """List trained versions; the active one is marked."""
    root = _models_dir(models_dir)
    active = store.active_version(root)
    table = Table(title=f"模型版本 model versions — {root}")
    for column in ("", "version", "trained_at", "examples", "held-out acc", "macro-F1"):
        table.add_column(column)
    for meta in store.versions(root):
        table.add_row(
            "*" if meta.get("version") == active else "",
            str(meta.get("version")),
            str(meta.get("trained_at", ""))[:19],
            str(meta.get("n_examples", "")),
            str(meta.get("heldout_accuracy", "")),
            str(meta.get("heldout_macro_f1", "")),
        )
    console.print(table)
    if active is None:
        console.print("当前使用内置默认模型 / using the packaged default model")


@app.command("activate")
def activate_version(version: str, models_dir: Path | None = typer.Option(None, "--models-dir")) -> None:
    """Make a trained version the active one (rolls back as easily)."""
    root = _models_dir(models_dir)
    try:
        store.set_active(root, version)
    except KefuError as exc:
        err.print(f"[red]{exc.zh} / {exc.en}[/red]")
        raise typer.Exit(2) from None
    try:
        ctx = context()
        with ctx.session() as session:
            service.activate_version(session, version)
    except (SQLAlchemyError, KefuError):
        # The files decide which model runs; the database row is only the record.
        err.print("[yellow]数据库中没有该版本的记录 / the database has no record of this version[/yellow]")
    console.print(f"[green]当前模型：{version} / active[/green]")


rules_app = typer.Typer(help="分类规则：导出以编辑、检查 / intake rules: export to edit, check.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")


def _rules_path(path: Path | None) -> Path:
    return path if path is not None else Path(context().settings.instance_dir) / "nlp_rules.json"


@rules_app.command("export")
def rules_export(
    path: Path | None = typer.Argument(None, help="目标文件（默认：实例目录/nlp_rules.json，即生效位置）"),
    force: bool = typer.Option(False, "--force", help="覆盖已有文件"),
) -> None:
    """Copy the packaged rules to where kefu reads edited rules from."""
    target = _rules_path(path)
    if target.exists() and not force:
        err.print(f"[red]{target} 已存在，如需覆盖请加 --force / exists; use --force to overwrite[/red]")
        raise typer.Exit(2)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(packaged_rules_text(), encoding="utf-8")
    console.print(f"[green]已导出规则到 {target}，编辑后立即生效 / exported; edits apply on the next classification[/green]")


@rules_app.command("check")
def rules_check(path: Path | None = typer.Argument(None, help="规则文件（默认：实例目录/nlp_rules.json）")) -> None:
    """Validate a rules file and show what it contains."""
    target = _rules_path(path)
    if not target.exists():
        console.print(f"{target} 不存在，使用内置规则 / not found: the packaged rules apply")
        return
    try:
        ruleset = load_rules(target)
    except KefuError as exc:
        err.print(f"[red]{exc.zh} / {exc.en}[/red]")
        raise typer.Exit(2) from None
    table = Table(title=f"{target} — {ruleset.version}")
    for column in ("id", "类别 category", "weight", "keywords", "patterns"):
        table.add_column(column)
    for rule in ruleset.rules:
        table.add_row(rule.id, rule.category, f"{rule.weight:g}", str(len(rule.keywords)), str(len(rule.patterns)))
    console.print(table)
