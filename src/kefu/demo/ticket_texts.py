"""What the demo's tickets say: the kinds, channels and categories with their shares, and
the customers' words (the intake classifier's training texts, which read like real calls)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from kefu.demo.people import FastRandom, Pick

# Complaints and faults dominate a hotline's tickets; external appeals are a few per cent.
TYPES = Pick([("consultation", 27.0), ("service_request", 15.0), ("fault", 17.0), ("complaint", 30.0),
              ("suggestion", 3.0), ("cross_region", 3.0), ("external", 5.0)])
CHANNELS = Pick([("hotline", 42.0), ("app", 18.0), ("wechat", 15.0), ("web", 8.0), ("hall", 14.0), ("email", 3.0)])
EXTERNAL_CHANNELS = Pick([("12315", 7.0), ("miit", 3.0)])
# Broadband and billing most (SPEC C4), then the mobile network.
CATEGORY_BY_TYPE: dict[str, Pick[str]] = {
    "consultation": Pick([("billing", 22.0), ("plan", 20.0), ("broadband", 16.0), ("payment", 12.0), ("vas", 8.0),
                          ("account", 10.0), ("mobile_network", 7.0), ("other", 5.0)]),
    "service_request": Pick([("broadband", 35.0), ("plan", 25.0), ("account", 20.0), ("payment", 12.0),
                             ("vas", 8.0)]),
    "fault": Pick([("broadband", 62.0), ("mobile_network", 38.0)]),
    "complaint": Pick([("billing", 28.0), ("broadband", 20.0), ("vas", 14.0), ("mobile_network", 10.0),
                       ("marketing", 8.0), ("attitude", 8.0), ("plan", 7.0), ("payment", 5.0)]),
    "suggestion": Pick([("other", 40.0), ("attitude", 30.0), ("plan", 30.0)]),
    "cross_region": Pick([("account", 70.0), ("payment", 20.0), ("plan", 10.0)]),
    "external": Pick([("billing", 40.0), ("vas", 35.0), ("marketing", 25.0)]),
}
EMOTION_INTENSITY = {"calm": (0, 1), "anxious": (2, 3), "angry": (3, 5)}

CONSULTATION_ANSWERS = (
    "已向客户解释账单构成及计费规则，客户表示理解",
    "已告知办理流程及所需材料，客户满意",
    "已查询并告知套餐余量及到期时间",
    "已指导客户通过APP自助查询并完成操作",
    "已解答资费问题并发送资费说明短信",
)
RESOLUTIONS: dict[str, tuple[str, ...]] = {
    "billing": ("核实为计费差错，已退还多收费用并致歉", "经核查计费无误，已向客户逐项解释账单", "已调整计费规则并补退差额"),
    "vas": ("已退订相关增值业务并按规定退费", "已核实订购记录并向客户出示，客户认可", "已关闭SP代收费功能并退费"),
    "mobile_network": ("基站参数已优化，信号恢复正常", "已加装室分设备，客户确认信号改善", "已查明为终端问题，指导客户更换设置"),
    "broadband": ("装维上门更换光猫，网速恢复正常", "已修复分光器故障，宽带恢复", "已完成移机并测试正常", "已扩容片区出口带宽，晚高峰卡顿缓解"),
    "plan": ("已按客户意愿变更套餐，次月生效", "已解释合约条款并取消违约金", "已按原承诺补齐优惠"),
    "account": ("已办理实名补登记", "已注销非本人办理号码", "已完成过户手续"),
    "payment": ("已核实缴费到账并恢复服务", "已原路退回重复缴费", "已补开发票并寄出"),
    "marketing": ("已将号码加入营销免打扰名单", "已核查外呼记录并对责任班组考核", "已停止向客户发送营销短信"),
    "attitude": ("已对责任人进行批评教育并向客户致歉", "已核查录音，对服务不规范行为考核整改", "已安排主管回电致歉"),
    "other": ("已记录客户意见并转相关部门", "已答复客户并记录建议"),
}
CANCEL_REASONS = ("客户来电撤销：问题已自行解决", "客户重复提交，已合并处理", "客户表示暂不需要办理", "联系不上客户且客户未再来电")
REJECT_REASONS = ("非本公司业务范围，已告知客户向相关单位反映", "诉求不属实，经核实无相关业务")
REOPEN_REASONS = ("回访不满意：问题仍未解决", "回访不满意：客户认为补偿不足", "客户表示宽带仍然卡顿")
HOT_SPOT_TEXTS = (
    "每天晚上八点到十点宽带特别卡，看视频一直转圈",
    "晚上八九点打游戏延迟几百毫秒，白天又正常，到底怎么回事",
    "小区宽带一到晚上就卡，孩子上网课都上不了",
    "晚高峰网速只有几兆，办的是三百兆宽带，你们是不是超售了",
)
SUGGESTIONS = (
    "建议APP增加账单明细按天查询功能",
    "建议营业厅增加老年人专窗，排队太久了",
    "建议热线转人工的按键少一点，老人不会操作",
    "建议宽带报修可以在APP上预约上门时间",
    "建议套餐到期前提前发短信提醒",
)
CROSS_REGION_TEXTS = (
    "号码是外地办的，人在本地，需要补办实名登记",
    "异地补卡，原归属地营业厅要求本人到场，能否跨省协同办理",
    "在外省工作，想把号码过户给家人，能否异地办理",
    "外省号码欠费停机，想在本地缴费复机",
)
DETAILS = ("客户来电反映：", "客户在线留言：", "客户称：", "客户到厅反映：", "用户反馈：")


@cache
def texts_by_category() -> dict[str, list[tuple[str, str]]]:
    """Category → [(text, emotion)] from the intake classifier's training set, in file order."""
    data = resources.files("kefu.nlp").joinpath("data/train.jsonl").read_text(encoding="utf-8")
    by: dict[str, list[tuple[str, str]]] = {}
    for line in data.splitlines():
        if line.strip():
            row = json.loads(line)
            by.setdefault(row["category"], []).append((row["text"][:400], row.get("emotion", "calm")))
    return by


def words(rng: FastRandom, ticket_type: str, category: str, *, hot_spot: bool = False) -> tuple[str, str]:
    """(core demand, emotion) a customer of this kind says."""
    if hot_spot:
        return rng.choice(HOT_SPOT_TEXTS), rng.choice(("anxious", "angry"))
    if ticket_type == "suggestion":
        return rng.choice(SUGGESTIONS), "calm"
    if ticket_type == "cross_region":
        return rng.choice(CROSS_REGION_TEXTS), "anxious"
    pool = texts_by_category().get(category) or texts_by_category()["other"]
    text, emotion = rng.choice(pool)
    if ticket_type in ("consultation", "service_request") and emotion == "angry":
        emotion = "anxious"
    return text, emotion


def description(rng: FastRandom, core: str, district: str | None) -> str:
    where = f"（{district}）" if district else ""
    return f"{rng.choice(DETAILS)}{core}{where}"
