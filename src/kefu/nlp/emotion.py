"""Emotion (calm / anxious / angry with an intensity) and urgency (normal / high / urgent
with a score), with the words that were the evidence and a hint for the agent. Pure.

Urgency rises with threats to go to the regulator, 12315 or the media, threats to leave,
repeated contacts, elderly or vulnerable customers, VIP and government-enterprise
customers (SPEC C4). The context (segment, age, prior contacts) comes from the caller.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

_ANGRY = {
    3.0: ["垃圾", "骗子", "抢钱", "流氓", "欺诈", "去死", "滚", "妈的", "tmd", "神经病", "不要脸", "黑心", "坑爹", "无耻", "忍无可忍", "受够了", "气死"],
    2.0: ["骗人", "坑人", "离谱", "凭什么", "搞什么", "什么鬼", "屁用", "太差", "恶心", "无语", "欺负", "霸王条款", "套路", "玩呢", "素质", "太黑", "坑", "服了", "什么玩意", "扯淡", "忽悠", "乱扣", "乱收", "乱开"],
    1.0: ["投诉", "到底", "还管不管", "给个说法", "给我一个说法", "赔偿", "退钱", "不认账", "不给处理", "敷衍", "推诿", "踢皮球", "太过分", "过分", "怎么回事", "什么操作", "什么道理", "合理吗", "算什么",
          "说法", "曝光", "工信部", "12315", "还没解决", "没人管"],
}
_ANXIOUS = {
    2.0: ["急死", "急用", "在线等", "十万火急", "救命", "很着急", "非常着急", "快点", "赶紧"],
    1.0: ["着急", "急", "尽快", "马上", "怎么办", "担心", "害怕", "影响工作", "等着用", "重要电话", "耽误", "求助", "帮帮忙", "求求", "明天要", "今天要", "联系不上"],
}
_SHOUT = re.compile(r"[!！]{2,}|[?？]{2,}|[!！?？]{3,}")

# (kind, weight, Chinese label, words or patterns)
_URGENCY: list[tuple[str, float, str, list[str]]] = [
    ("regulator", 0.45, "扬言向工信部/通管局申诉", ["工信部", "通管局", "通信管理局", "12300", "申诉"]),
    ("consumer_body", 0.4, "扬言向12315/消协投诉", ["12315", "消协", "消费者协会", "市场监管", "3·15"]),
    ("media", 0.4, "扬言曝光/找媒体", ["曝光", "媒体", "记者", "电视台", "报社", "上热搜", "发微博", "发抖音", "网上发", "黑猫投诉"]),
    ("legal", 0.4, "扬言起诉/报警", ["起诉", "律师", "法院", "报警", "打官司", "诉讼"]),
    ("leave", 0.3, "流失风险（销户/携号转网/换运营商）", ["携号转网", "销户", "换运营商", "转移动", "转联通", "换移动", "换联通", "不用电信", "不用你们", "转网"]),
    ("repeat", 0.25, "重复来电/问题长期未解决", ["第三次", "第四次", "第五次", "第n次", "第二次", "又来了", "还没解决", "还是没解决", "多次", "好几次", "三番五次", "反复", "一直没人", "再次", "又一次", "又扣", "又断", "又是"]),
    ("vulnerable", 0.3, "老年/弱势用户", ["老人", "老年", "奶奶", "爷爷", "外婆", "外公", "七十", "八十", "九十", "残疾", "孕妇", "住院", "病人", "独居", "不会用手机", "老年机", "退休", "低保"]),
]
_THREAT_MARK = re.compile(r"(再不|不然|否则|要不|不处理|不解决|不退|就去|我要|我就|直接|马上|立刻)")
_REPEAT_RE = re.compile(
    r"第[二三四五六七八九十0-9]+次|[三四五六七八九十0-9]+次(了|打|来电|反映|投诉)"
    r"|(打|问|催|报修|投诉|反映|预约|来|跑|去)了?[二三四五六七八九十两0-9]+(次|趟|遍)"
)
_AGE_RE = re.compile(r"(?<![0-9])[6-9][0-9]岁|[六七八九]十多?岁")


@dataclass(frozen=True)
class Evidence:
    kind: str  # angry | anxious | regulator | consumer_body | media | legal | leave | repeat | vulnerable | vip | government_enterprise | rule
    label: str  # Chinese, shown to the agent
    words: tuple[str, ...]


@dataclass(frozen=True)
class IntakeContext:
    """What the caller knows about the customer. All optional."""

    segment: str | None = None  # individual | family | government_enterprise | vip
    vip_level: int | None = None
    age: int | None = None
    vulnerable: bool = False
    prior_contacts: int = 0  # contacts about the same problem before this one

    @classmethod
    def of(cls, value: IntakeContext | dict | None) -> IntakeContext:
        if value is None:
            return cls()
        if isinstance(value, IntakeContext):
            return value
        known = {k: value[k] for k in ("segment", "vip_level", "age", "vulnerable", "prior_contacts") if k in value}
        return cls(**known)


@dataclass(frozen=True)
class Mood:
    emotion: str
    intensity: float
    urgency: str
    urgency_score: float
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)
    hint: str = ""
    hint_en: str = ""


def _compile(lexicon: dict[float, list[str]]) -> tuple[re.Pattern[str], dict[str, float]]:
    weights = {w: weight for weight, entries in lexicon.items() for w in entries}
    ordered = sorted(weights, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in ordered)), weights


_ANGRY_RE, _ANGRY_W = _compile(_ANGRY)
_ANXIOUS_RE, _ANXIOUS_W = _compile(_ANXIOUS)
_URGENCY_RE = [(kind, weight, label, re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))) for kind, weight, label, words in _URGENCY]


def _lexicon_score(text: str, pattern: re.Pattern[str], weights: dict[str, float]) -> tuple[float, list[str]]:
    words = list(dict.fromkeys(pattern.findall(text)))
    return sum(weights[w] for w in words), words


def lexicon_emotion(text: str) -> tuple[dict[str, float], list[Evidence]]:
    """Emotion scores from words and punctuation (a text already lower-cased)."""
    angry, angry_words = _lexicon_score(text, _ANGRY_RE, _ANGRY_W)
    shouts = _SHOUT.findall(text)
    if shouts:
        angry += 1.0 + 0.5 * min(len(shouts), 4)
        angry_words.append(shouts[0])
    anxious, anxious_words = _lexicon_score(text, _ANXIOUS_RE, _ANXIOUS_W)
    evidence = []
    if angry_words:
        evidence.append(Evidence("angry", "愤怒用语", tuple(angry_words[:6])))
    if anxious_words:
        evidence.append(Evidence("anxious", "焦急用语", tuple(anxious_words[:6])))
    return {"angry": angry, "anxious": anxious}, evidence


def assess(
    text: str,
    *,
    model_proba: dict[str, float] | None = None,
    context: IntakeContext | None = None,
) -> Mood:
    """Emotion and urgency of one normalised, lower-cased text. `model_proba` (calm /
    anxious / angry from the learned model) is blended with the lexicon when given."""
    context = context or IntakeContext()
    scores, evidence = lexicon_emotion(text)
    lex = {
        "angry": 1 - math.exp(-scores["angry"] / 3.0),
        "anxious": 1 - math.exp(-scores["anxious"] / 2.0),
    }
    model = model_proba or {"angry": lex["angry"], "anxious": lex["anxious"], "calm": 1.0 - max(lex.values())}
    # The model decides; words it may not know (and shouting) push towards their emotion.
    adjusted = {
        "calm": model.get("calm", 0.0),
        "angry": model.get("angry", 0.0) + 0.5 * lex["angry"],
        "anxious": model.get("anxious", 0.0) + 0.5 * lex["anxious"],
    }
    emotion = max(adjusted, key=lambda k: adjusted[k])
    intensity = 0.0
    if emotion != "calm":
        intensity = round(min(1.0, 0.5 * model.get(emotion, 0.0) + 0.6 * lex[emotion] + 0.1), 2)

    urgency_score = 0.0
    for kind, weight, label, pattern in _URGENCY_RE:
        found = pattern.findall(text)
        if kind == "repeat":
            found += [m.group(0) for m in _REPEAT_RE.finditer(text)][:2]
        elif kind == "vulnerable":
            found += [m.group(0) for m in _AGE_RE.finditer(text)][:1]
        if not found:
            continue
        if kind == "leave" and not _THREAT_MARK.search(text):
            weight = weight / 2  # asking how to port is a request, not yet a threat
        urgency_score += weight
        evidence.append(Evidence(kind, label, tuple(dict.fromkeys(found))[:5]))
    if context.prior_contacts > 0 and not any(e.kind == "repeat" for e in evidence):
        urgency_score += min(0.1 * context.prior_contacts + 0.1, 0.35)
        evidence.append(Evidence("repeat", f"此前已来电 {context.prior_contacts} 次", ()))
    if context.vulnerable or (context.age is not None and context.age >= 65):
        urgency_score += 0.2
        evidence.append(Evidence("vulnerable", "老年/弱势用户（客户资料）", ()))
    if context.segment == "vip" or (context.vip_level or 0) > 0:
        urgency_score += 0.2
        evidence.append(Evidence("vip", "VIP 客户", ()))
    if context.segment == "government_enterprise":
        urgency_score += 0.25
        evidence.append(Evidence("government_enterprise", "政企客户", ()))
    if emotion == "angry":
        urgency_score += 0.15 * intensity
    elif emotion == "anxious":
        urgency_score += 0.1 * intensity
    urgency_score = round(min(1.0, urgency_score), 2)
    urgency = "urgent" if urgency_score >= 0.6 else "high" if urgency_score >= 0.3 else "normal"
    hint, hint_en = _hint(emotion, intensity, evidence)
    return Mood(emotion, intensity, urgency, urgency_score, tuple(evidence), hint, hint_en)


_HINTS = {
    "regulator": ("用户扬言向工信部申诉，按外部申诉风险升级处理", "Threatens to appeal to the regulator: escalate"),
    "consumer_body": ("用户提到12315/消协，按外部投诉风险升级处理", "Mentions 12315: treat as external-escalation risk"),
    "media": ("用户扬言曝光，注意舆情风险，及时上报", "Threatens the media: report the reputational risk"),
    "legal": ("用户提到起诉/报警，谨慎答复并上报", "Mentions legal action: answer carefully and report"),
    "leave": ("有离网风险，可转挽留或客户经理", "Churn risk: involve retention or the account manager"),
    "repeat": ("重复来电，先查历史工单，避免让用户重复描述", "Repeat contact: read earlier tickets first"),
    "vulnerable": ("老年/弱势用户，放慢语速、耐心解释", "Elderly or vulnerable customer: slow down, explain patiently"),
    "vip": ("VIP客户，优先处理", "VIP customer: handle first"),
    "government_enterprise": ("政企客户，通知客户经理", "Government-enterprise customer: inform the account manager"),
}


def _hint(emotion: str, intensity: float, evidence: list[Evidence]) -> tuple[str, str]:
    zh: list[str] = []
    en: list[str] = []
    if emotion == "angry":
        zh.append("用户语气急躁，需优先安抚" if intensity >= 0.6 else "用户有不满情绪，先致歉再处理")
        en.append("Customer is angry: soothe first" if intensity >= 0.6 else "Customer is unhappy: apologise, then act")
    elif emotion == "anxious":
        zh.append("用户焦急，先明确告知处理时限")
        en.append("Customer is anxious: state the time limit up front")
    seen = set()
    for item in evidence:
        if item.kind in _HINTS and item.kind not in seen:
            seen.add(item.kind)
            zh.append(_HINTS[item.kind][0])
            en.append(_HINTS[item.kind][1])
    if not zh:
        return "用户情绪平稳，按常规流程处理", "Customer is calm: usual handling"
    return "；".join(zh), "; ".join(en)
