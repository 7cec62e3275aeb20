"""The robot's figures (seed 003: measured by query rate and precision; seed 001: 80% of
contacts served by self-service), computed from the stored turns.

- hit rate: FAQ questions answered confidently from the knowledge base / FAQ questions
  (unsure answers and the automatic hand-over after repeated failures are misses);
- answer accuracy: right / judged robot answers, where an answer is judged by the agent
  who reviewed it (kefu.robot.review) or else by the customer's thumbs up/down;
- self-service rate: conversations with at least one customer message that did not end
  with a human (not handed over) / all such conversations;
- failed questions: what customers asked when the robot was unsure, was thumbed down or
  was marked wrong by an agent, most frequent first, for editors to write or improve
  articles; knowledge gaps: the questions agents found no article for.
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
    right = wrong = reviewed_right = reviewed_wrong = 0
    for thumbs, review, n in repository.judged_counts(session, since=since, until=until):
        reviewed_right += n if review == "right" else 0
        reviewed_wrong += n if review == "wrong" else 0
        verdict = review or ("right" if thumbs == "up" else "wrong")
        right += n if verdict == "right" else 0
        wrong += n if verdict == "wrong" else 0
    failed: dict[str, list] = {}
    gaps: dict[str, list] = {}
    seen: set[int] = set()

    def count(into: dict[str, list], text: str, at: datetime, *, down: bool = False, marked: bool = False) -> None:
        entry = into.setdefault(" ".join(text.split())[:200], [0, 0, at, 0])
        entry[0] += 1
        entry[1] += down
        entry[2] = max(entry[2], at)
        entry[3] += marked

    for turn_id, text, verdict, at in repository.failed_turns(session, since=since, until=until, limit=failed_limit):
        seen.add(turn_id)
        count(failed, text, at, down=verdict == "down")
    for review in repository.wrong_by_review(session, since=since, until=until, limit=failed_limit):
        if review.turn_id in seen:
            failed[" ".join(review.question.split())[:200]][3] += 1
        else:
            count(failed, review.question, review.at, marked=True)
        if review.gap:
            count(gaps, review.question, review.at, marked=True)
    intents.pop("greeting", None)
    return MetricsOut(
        since=since, until=now, conversations=conversations, customer_messages=messages,
        faq_questions=faq, confident_answers=confident, hit_rate=_ratio(confident, faq),
        thumbs_up=up, thumbs_down=down, reviewed_right=reviewed_right, reviewed_wrong=reviewed_wrong,
        answer_accuracy=_ratio(right, right + wrong),
        handed_over=handed_over, self_service_rate=_ratio(conversations - handed_over, conversations),
        intents=dict(intents),
        failed_questions=_ranked(failed, failed_limit), knowledge_gaps=_ranked(gaps, failed_limit),
    )


def _ranked(found: dict[str, list], limit: int) -> list[FailedQuestion]:
    ranked = sorted(found.items(), key=lambda kv: (-kv[1][0], -kv[1][2].timestamp()))[:limit]
    return [FailedQuestion(text=t, times=n, thumbs_down=d, last_at=at, marked_wrong=m) for t, (n, d, at, m) in ranked]
