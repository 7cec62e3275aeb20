"""A small curated knowledge base, a catalogue and a subscriber with usage, for robot tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from kefu.customers.models import Subscriber
from kefu.identity.roles import Principal, Role
from kefu.knowledge.search_service import forget_indexes
from tests.factories.customers import add_bill, add_usage, create_product, create_subscriber, months_back
from tests.factories.knowledge import create_article

GB = 1024

ARTICLES = (
    ("怎么办理携号转网", "发送短信 CXXZ#姓名#证件号 到 10086 查询资格，符合条件后到营业厅或线上办理携号转网。",
     ("携号转网怎么办", "转网需要什么条件"), "account"),
    ("宽带怎么报修", "可在网上营业厅或拨打 10000 报修，装维人员一般 24 小时内上门。", ("宽带坏了怎么报障",), "broadband"),
    ("怎么查话费", "登录网上营业厅或 APP 首页即可查看本月话费和历史账单，也可发送短信 CXHF 到 10001。",
     ("话费在哪里看", "如何查询账单"), "billing"),
    ("流量超出后怎么收费", "套餐外国内流量按 5 元/GB 计费，当月封顶 60 元，超出后降速。",
     ("流量用超了怎么算钱", "超流量多少钱"), "plan"),
    ("怎么修改服务密码", "登录 APP 在“我的-设置-服务密码”中修改，或持身份证到营业厅重置。",
     ("服务密码忘了怎么办",), "account"),
    ("国际漫游怎么开通", "出国前在 APP 开通国际漫游，或拨打 10000 开通，需预存一定话费。",
     ("出国手机怎么用", "开通国际长途漫游"), "vas"),
)


def curated_kb(session: Session, *, now: datetime) -> dict[str, int]:
    """Publishes a few public articles; their ids by standard question."""
    forget_indexes()
    ids = {}
    for question, answer, phrasings, category in ARTICLES:
        article = create_article(session, question=question, answer=answer, phrasings=phrasings, category=category,
                                 now=now)
        ids[question] = article.id
    session.commit()
    return ids


def catalogue(session: Session) -> None:
    """A slice of the demo catalogue: mobile plans, fusion plans (with broadband), broadband."""
    for code, name, yuan, gb, minutes, bw in (
        ("PLAN_29", "天翼畅享29元套餐", 29, 10, 200, 0),
        ("PLAN_59", "天翼畅享59元套餐", 59, 30, 500, 0),
        ("PLAN_99", "5G畅享99元套餐", 99, 50, 800, 0),
        ("PLAN_199", "5G畅享199元套餐", 199, 150, 2000, 0),
        ("FUSION_99", "融合99元套餐（含200M宽带）", 99, 40, 500, 200),
        ("FUSION_129", "融合129元套餐（含300M宽带）", 129, 60, 1000, 300),
        ("FUSION_169", "融合169元套餐（含500M宽带）", 169, 100, 1500, 500),
    ):
        create_product(session, code=code, name=name, fee_fen=yuan * 100, data_mb=gb * GB, voice_minutes=minutes,
                       sms=100, bandwidth_mbps=bw)
    create_product(session, code="BB_100M", name="100M光宽带", kind="broadband", fee_fen=5000, bandwidth_mbps=100)


def heavy_user(session: Session, *, now: datetime, number: str = "13800138000",
               data_gb: tuple[int, int, int] = (38, 45, 52)) -> Subscriber:
    """On the 59-yuan plan (30 GB) using more every month; two bills."""
    subscriber = create_subscriber(session, number=number, name="王小明", plan="PLAN_59", district="南山区")
    months = months_back(now, 3)
    for month, gb in zip(months, data_gb, strict=True):
        add_usage(session, subscriber, month=month, data_mb=gb * GB, voice_minutes=300, sms=10)
    add_bill(session, subscriber, month=months[1], plan="PLAN_59", lines=[("data_overage", 3000, None)])
    add_bill(session, subscriber, month=months[2], plan="PLAN_59", status="unpaid")
    return subscriber


def subscriber_principal(subscriber: Subscriber) -> Principal:
    return Principal(kind="subscriber", name=f"subscriber {subscriber.id}", roles=frozenset({Role.SUBSCRIBER}),
                     subscriber_id=subscriber.id)


@dataclass
class Chat:
    """Talks to the robot through the service, as the API does (one commit per message)."""

    session: Session
    conversation_id: int
    by: Principal
    now: datetime

    def say(self, text: str):
        from kefu.robot import service

        conversation = service.get(self.session, self.conversation_id, by=self.by)
        reply = service.send(self.session, conversation, text, now=self.now)
        self.session.commit()
        return reply


def start_chat(session: Session, *, by: Principal, now: datetime, channel: str = "app") -> Chat:
    from kefu.robot import service

    conversation, _ = service.start(session, channel=channel, by=by, now=now)
    session.commit()
    return Chat(session, conversation.id, by, now)


def staff_tester() -> Principal:
    """A kb_editor trying the robot out: no customer behind the conversation."""
    return Principal(kind="staff", name="tester", roles=frozenset({Role.KB_EDITOR}), user_id=1)
