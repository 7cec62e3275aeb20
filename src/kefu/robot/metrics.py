"""The robot's figures (seed 003: measured by query rate and precision; seed 001: 80% of
contacts served by self-service), computed from the stored turns.

- hit rate: FAQ questions answered confidently from the knowledge base / FAQ questions
  (unsure answers and the automatic hand-over after repeated failures are misses);
- answer accuracy: thumbs up / (up + down) on the robot's answers;
- self-service rate: conversations with at least one customer message that did not end
  with a human (not handed over) / all such conversations;
- failed questions: what customers asked when the robot was unsure or was thumbed down,
  most frequent first, for editors to write or improve articles.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from kefu.robot import repository
from kefu.robot.schemas import FailedQuestion, MetricsOut


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def figures(session: Session, *, now: datetime, days: int = 30, failed_limit: int = 50) -> MetricsOut:
    since, until = now - timedelta(days=days), now + timedelta(seconds=1)
    conversations, handed_over, messages = repository.conversation_counts(session, since=since, until=until)
    faq = confident = up = down = 0
    intents: Counter[str] = Counter()
    for intent, kind, verdict, n in repository.robot_turn_counts(session, since=since, until=until):
        intents[intent] += n
        if intent == "faq" and kind in ("answer", "unsure", "handover"):
            faq += n
            confident += n if kind == "answer" else 0
        up += n if verdict == "up" else 0
        down += n if verdict == "down" else 0
    failed: dict[str, list] = {}
    for text, verdict, at in repository.failed_turns(session, since=since, until=until, limit=failed_limit):
        key = " ".join(text.split())[:200]
        entry = failed.setdefault(key, [0, 0, at])
        entry[0] += 1
        entry[1] += verdict == "down"
        entry[2] = max(entry[2], at)
    ranked = sorted(failed.items(), key=lambda kv: (-kv[1][0], -kv[1][2].timestamp()))[:failed_limit]
    intents.pop("greeting", None)
    return MetricsOut(
        since=since, until=now, conversations=conversations, customer_messages=messages,
        faq_questions=faq, confident_answers=confident, hit_rate=_ratio(confident, faq),
        thumbs_up=up, thumbs_down=down, answer_accuracy=_ratio(up, up + down),
        handed_over=handed_over, self_service_rate=_ratio(conversations - handed_over, conversations),
        intents=dict(intents),
        failed_questions=[FailedQuestion(text=t, times=n, thumbs_down=d, last_at=at) for t, (n, d, at) in ranked],
    )
