"""What the customer wants, from the text and the conversation's state (pure rules).

Intents come from rules over jieba words (kefu.knowledge.tokenize, the telecom dictionary)
and a few phrases; emotion from kefu.nlp's lexicon. The order matters: a hand-over request
or another person's number wins over everything, an unfinished multi-turn task keeps the
floor unless the customer clearly asks for something else or cancels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kefu.knowledge.tokenize import words
from kefu.nlp import emotion

MAX_QUESTION_CHARS = 500

HANDOVER = "handover"
OTHER_NUMBER = "other_number"
CANCEL = "cancel"
THANKS = "thanks"
BILL = "bill"
USAGE = "usage"
RECOMMEND = "recommend"
FAULT = "fault"
PROGRESS = "progress"
FAQ = "faq"
# Intents over the customer's own data: only for a logged-in subscriber.
PERSONAL = frozenset({BILL, USAGE, RECOMMEND, FAULT, PROGRESS})

_PHONE = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?(1[3-9]\d(?:[\s-]?\d{4}){2})(?!\d)")
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_SOMEONE_ELSE = ("别人的", "她的", "朋友的", "家人的", "老婆的", "老公的", "爸爸的", "妈妈的", "爸的", "妈的",
                 "孩子的", "儿子的", "女儿的", "同事的", "对方的")
_HANDOVER_WORDS = ("转人工", "人工客服", "人工服务", "找人工", "要人工", "真人", "客服人员", "接人工")
_CANCEL_WORDS = ("算了", "取消", "不用了", "不办了", "退出")
_THANKS_WORDS = ("谢谢", "多谢", "感谢", "解决了", "明白了", "知道了", "好的没问题", "再见", "拜拜")
_HOW = ("怎么", "如何", "怎样", "在哪", "哪里可以", "能不能", "可以吗", "什么是")
_MINE = ("我的", "帮我", "给我", "我这个月", "我上个月", "我本月", "查一下", "查下", "查查", "查询我")
_BILL_WORDS = ("话费", "账单", "月费", "扣了多少", "花了多少", "消费")
_USAGE_WORDS = ("用了多少", "用量", "剩多少", "剩余多少", "还剩多少", "还有多少", "超了没", "超了多少", "超出多少")
_MY_PLAN = ("我现在是什么套餐", "我的套餐", "我办的套餐", "现在用的套餐", "目前的套餐", "我现在的套餐")
# Asking about a task rather than asking for it: "宽带报修后多久上门", "光猫坏了要自己买吗".
_ABOUT = ("吗", "多久", "流程", "要点", "电话", "什么", "要记录", "收费", "多少钱")
_USAGE_ITEMS = ("流量", "通话", "分钟", "短信", "语音")
_RECOMMEND_WORDS = ("推荐", "适合我", "哪个套餐", "什么套餐", "换套餐", "换个套餐", "套餐划算", "的套餐",
                    "办个套餐", "选套餐")
_FAULT_WORDS = ("故障", "坏了", "上不了网", "上不去网", "断网", "掉线", "没信号", "没有信号", "信号差", "网速慢",
                "打不开", "不能用", "用不了", "无法上网", "连不上", "报修", "报障", "没网", "卡顿", "打不出",
                "打不通", "看不了")
_PROGRESS_WORDS = ("进度", "处理到哪", "处理得怎么样", "处理了吗", "处理结果", "有结果了吗", "工单", "报修单",
                   "投诉单", "怎么还没处理", "什么时候处理")
_MONTHS = ("本月", "这个月", "当月", "上月", "上个月", "上一个月", "上上月", "上上个月")
_TICKET_NUMBER = re.compile(r"TS\d{14}", re.IGNORECASE)


def clean(text: str) -> str:
    """One line of text: whitespace collapsed, ends trimmed."""
    return " ".join((text or "").split())


def phone_numbers(text: str) -> list[str]:
    """Mobile numbers in the text, digits only ('139 1234 5678' → '13912345678')."""
    return [re.sub(r"\D", "", m.group(1)) for m in _PHONE.finditer(text)]


def without_numbers(text: str) -> str:
    return _PHONE.sub("", text)


def ticket_numbers(text: str) -> list[str]:
    return [m.group(0).upper() for m in _TICKET_NUMBER.finditer(text)]


def _has(text: str, tokens: set[str], phrases: tuple[str, ...]) -> bool:
    return any(p in text or p in tokens for p in phrases)


def is_angry(text: str) -> bool:
    mood = emotion.assess(text.lower())
    return mood.emotion == "angry" and mood.intensity >= 0.5


@dataclass(frozen=True)
class Detected:
    intent: str
    angry: bool = False
    hint: str | None = None  # for a question about a task ("宽带坏了怎么办"): the task to offer


def detect(text: str, *, task: str | None = None) -> Detected:
    """The intent of one cleaned message; `task` is the multi-turn task in progress."""
    tokens = set(words(text)) if len(text) <= MAX_QUESTION_CHARS else set()
    angry = is_angry(text[:MAX_QUESTION_CHARS])
    if _has(text, tokens, _HANDOVER_WORDS) or text in ("人工", "人工！", "人工!"):
        return Detected(HANDOVER, angry)
    if phone_numbers(text) or _ID_NUMBER.search(text):
        return Detected(OTHER_NUMBER, angry)
    if task and _has(text, tokens, _CANCEL_WORDS):
        return Detected(CANCEL, angry)
    mine = _has(text, tokens, _MINE)
    hint = _fresh_intent(text, tokens, mine=mine)
    if hint in PERSONAL and hint != FAULT and any(w in text for w in _SOMEONE_ELSE):
        return Detected(OTHER_NUMBER, angry)  # "帮我查下我老婆的话费": not theirs to see
    # "怎么查话费" is a question for the knowledge base, not a bill query: the task is only offered.
    about = not mine and (_has(text, tokens, _HOW) or (hint == FAULT and _has(text, tokens, _ABOUT)))
    fresh = None if about else hint
    if task and (fresh is None or fresh == task):
        return Detected(task, angry)
    if fresh is not None:
        return Detected(fresh, angry)
    if len(text) <= 12 and _has(text, tokens, _THANKS_WORDS):
        return Detected(THANKS, angry)
    return Detected(FAQ, angry, hint=hint)


def _fresh_intent(text: str, tokens: set[str], *, mine: bool) -> str | None:
    """A task asked for in this message, or None (a general question)."""
    if ticket_numbers(text) or _has(text, tokens, _PROGRESS_WORDS):
        return PROGRESS
    if any(w in text for w in _MY_PLAN) and not _has(text, tokens, ("推荐", "适合", "换", "改")):
        return USAGE  # the usage answer names the current plan
    if _has(text, tokens, _RECOMMEND_WORDS) or ("套餐" in text and ("想要" in text or "想换" in text)):
        return RECOMMEND
    if _has(text, tokens, _FAULT_WORDS):
        return FAULT
    usage_asked = _has(text, tokens, _USAGE_WORDS) or (mine and _has(text, tokens, ("剩余", "还剩")))
    if usage_asked and _has(text, tokens, _USAGE_ITEMS + ("套餐",)):
        return USAGE
    asked = mine or "多少" in text or "账单" in text or _has(text, tokens, _MONTHS)
    if _has(text, tokens, _BILL_WORDS) and asked:
        return BILL
    return None


# --- bill month ---------------------------------------------------------------------------


def months_ago(text: str) -> int:
    """0 for this month's bill, 1 for last month's ('上月', '上个月'), 2 for '上上月'."""
    if "上上" in text:
        return 2
    if "上月" in text or "上个月" in text or "上一个月" in text:
        return 1
    return 0


# --- fault report slots ----------------------------------------------------------------------

FAULT_KINDS = {"broadband": "宽带", "mobile": "手机/移动网络", "iptv": "IPTV 电视"}
FAULT_SLOTS = ("kind", "since", "address", "contact_time")
_KIND_WORDS = (
    ("iptv", ("iptv", "电视", "机顶盒", "itv", "看不了")),
    ("broadband", ("宽带", "光猫", "wifi", "路由", "上不了网", "断网", "网速", "无法上网", "没网", "家里网", "光纤")),
    ("mobile", ("手机", "信号", "4g", "5g", "打电话", "通话", "打不出", "打不通", "移动网络", "流量上网")),
)
_SINCE = re.compile(
    r"(今天|昨天|前天|今早|今晚|昨晚|早上|上午|中午|下午|晚上|刚才|刚刚|上周|这周|本周|周[一二三四五六日天]|"
    r"\d+\s*(?:天|小时|周|个月|号|点)|[一两三四五六七八九十几]+\s*(?:天|小时|周|个月))"
)
_YES = ("是", "对", "没错", "是的", "对的", "嗯", "确认", "正确", "yes")
_NO = ("不是", "不对", "错", "不在", "否")


def fault_kind(text: str) -> str | None:
    lowered = text.lower()
    for kind, hints in _KIND_WORDS:
        if any(h in lowered for h in hints):
            return kind
    return None


def fault_since(text: str) -> str | None:
    """A time the fault started, when the text says one ('从昨天晚上开始')."""
    match = _SINCE.search(text)
    return text[:100] if match else None


def yes_or_no(text: str) -> bool | None:
    stripped = text.strip("。.！!，, ")
    if any(stripped.startswith(n) for n in _NO):
        return False
    if stripped in _YES or any(stripped.startswith(y) for y in _YES):
        return True
    return None


def fill_fault(slots: dict[str, str], text: str, *, asking: str | None, district: str) -> dict[str, str]:
    """The report's slots after this message: the slot asked for takes the answer; the
    fault kind and start time are also picked up whenever the text states them."""
    out = dict(slots)
    if "kind" not in out and (kind := fault_kind(text)):
        out["kind"] = kind
    if asking == "since" and "since" not in out:
        out["since"] = text[:100]
    elif asking != "contact_time" and "since" not in out and (since := fault_since(text)) and asking != "address":
        out["since"] = since
    if asking == "address":
        answer = yes_or_no(text)
        if answer is True and district:
            out["address"] = district
        elif answer is None and len(text) >= 4:
            out["address"] = text[:200]
        elif answer is False:
            out["address_rejected"] = "1"
    if asking == "contact_time" and text:
        out["contact_time"] = text[:100]
    return out


def next_fault_slot(slots: dict[str, str]) -> str | None:
    for slot in FAULT_SLOTS:
        if slot not in slots:
            return slot
    return None


def fault_question(slot: str, slots: dict[str, str], *, district: str) -> str:
    if slot == "kind":
        return "好的，我来帮您报修。请问是哪种业务出了问题：宽带、手机/移动网络，还是 IPTV 电视？"
    if slot == "since":
        return f"{FAULT_KINDS[slots['kind']]}故障，收到。请问是从什么时候开始的？（如：昨天晚上、今天上午）"
    if slot == "address":
        if district and "address_rejected" not in slots:
            return f"您登记的地址在{district}，故障地址是这里吗？请回答“是”，或直接告诉我故障的详细地址。"
        return "请告诉我故障所在的详细地址（区、街道、小区、门牌号）。"
    return "最后，维修人员什么时间方便联系您？（如：工作日晚上、周末全天、随时）"


# --- plan recommendation preferences ------------------------------------------------------------

_BUDGET = re.compile(r"(\d{2,4})\s*(?:元|块)")
_NO_BROADBAND = ("不要宽带", "不需要宽带", "不用宽带", "已有宽带", "有宽带了", "不办宽带")


def plan_preferences(text: str, known: dict[str, object]) -> dict[str, object]:
    """Broadband wanted (True/False), budget in fen, more data / more minutes, merged into `known`."""
    out = dict(known)
    lowered = text.lower()
    if any(w in text for w in _NO_BROADBAND):
        out["broadband"] = False
    elif any(w in lowered for w in ("宽带", "wifi", "家里上网", "融合")):
        out["broadband"] = True
    if (match := _BUDGET.search(text)) is not None:
        out["budget_fen"] = int(match.group(1)) * 100
    if "流量" in text and any(w in text for w in ("多", "大", "不够", "够用", "超")):
        out["more_data"] = True
    if any(w in text for w in ("通话", "电话", "分钟")) and any(w in text for w in ("多", "不够", "超")):
        out["more_voice"] = True
    if any(w in text for w in ("便宜", "省钱", "实惠", "划算")):
        out["cheap"] = True
    return out


def preferences_clear(prefs: dict[str, object]) -> bool:
    return any(k in prefs for k in ("broadband", "budget_fen", "more_data", "more_voice", "cheap"))
