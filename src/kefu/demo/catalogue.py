"""The demo operator's service providers and catalogue (fees in fen, data in MB)."""

from __future__ import annotations

from dataclasses import dataclass

# Charges outside a plan's allowance, per started unit.
DATA_OVERAGE_FEN_PER_GB = 300
DATA_OVERAGE_CAP_FEN = 6000  # then throttled, not charged: no bill shock beyond 60 yuan
VOICE_OVERAGE_FEN_PER_MINUTE = 15
SMS_OVERAGE_FEN = 10
_RATES = "套餐外国内流量3元/GB（每月60元封顶，之后限速），国内通话0.15元/分钟，短信0.1元/条"

GB = 1024


@dataclass(frozen=True)
class Sp:
    code: str
    name: str


@dataclass(frozen=True)
class Item:
    """One catalogue entry; `use_ratio` is the median share of the allowance its users consume."""

    code: str
    name: str
    kind: str  # mobile_plan | broadband | vas
    fee_fen: int
    data_mb: int = 0
    voice_minutes: int = 0
    sms: int = 0
    bandwidth_mbps: int = 0
    sp_code: str | None = None
    description: str = ""
    use_ratio: float = 0.45


SERVICE_PROVIDERS: tuple[Sp, ...] = (
    Sp("SP_LEXIANG", "深圳市乐享互动科技有限公司"),
    Sp("SP_XINGHE", "北京星河视讯文化传媒有限公司"),
    Sp("SP_CAIYUN", "云南彩云信息服务有限公司"),
    Sp("SP_YUEDU", "杭州悦读文化传播有限公司"),
    Sp("SP_AILE", "广州爱乐铃音科技有限公司"),
)


def _plan(code: str, name: str, yuan: int, gb: int, minutes: int, sms: int, ratio: float, bw: int = 0) -> Item:
    parts = [f"国内通用流量{gb}GB", f"国内通话{minutes}分钟", f"短信{sms}条"]
    if bw:
        parts.insert(0, f"含{bw}M光宽带")
    return Item(
        code, name, "mobile_plan", yuan * 100, data_mb=gb * GB, voice_minutes=minutes, sms=sms,
        bandwidth_mbps=bw, description="，".join(parts) + "；" + _RATES, use_ratio=ratio,
    )


def _broadband(mbps: int, yuan: int) -> Item:
    return Item(
        f"BB_{mbps}M", f"{mbps}M光宽带", "broadband", yuan * 100, bandwidth_mbps=mbps,
        description=f"下行{mbps}Mbps光纤宽带，包月不限时长，含光猫",
    )


def _vas(code: str, name: str, yuan: int, sp_code: str, what: str) -> Item:
    return Item(code, name, "vas", yuan * 100, sp_code=sp_code, description=f"{what}，{yuan}元/月，可随时退订")


PRODUCTS: tuple[Item, ...] = (
    _plan("PLAN_19", "天翼畅享19元套餐", 19, 3, 100, 50, 0.35),
    _plan("PLAN_29", "天翼畅享29元套餐", 29, 10, 200, 50, 0.45),
    _plan("PLAN_59", "天翼畅享59元套餐", 59, 30, 500, 100, 0.45),
    _plan("PLAN_99", "5G畅享99元套餐", 99, 50, 800, 100, 0.42),
    _plan("PLAN_199", "5G畅享199元套餐", 199, 150, 2000, 200, 0.3),
    _plan("PLAN_5G_129", "5G畅享129元套餐", 129, 80, 1000, 100, 0.38),
    _plan("PLAN_5G_169", "5G畅享169元套餐", 169, 100, 1500, 200, 0.36),
    _plan("PLAN_5G_239", "5G尊享239元套餐", 239, 200, 3000, 300, 0.25),
    _plan("FUSION_99", "融合99元套餐（含200M宽带）", 99, 40, 500, 100, 0.42, bw=200),
    _plan("FUSION_129", "融合129元套餐（含300M宽带）", 129, 60, 1000, 100, 0.4, bw=300),
    _plan("FUSION_169", "融合169元套餐（含500M宽带）", 169, 100, 1500, 200, 0.34, bw=500),
    _plan("FUSION_229", "融合229元套餐（含1000M宽带）", 229, 150, 2000, 300, 0.3, bw=1000),
    _broadband(100, 50),
    _broadband(200, 70),
    _broadband(300, 90),
    _broadband(500, 120),
    _broadband(1000, 199),
    _vas("VAS_CRBT", "爱乐彩铃", 5, "SP_AILE", "个性化回铃音（彩铃），每月可换10首"),
    _vas("VAS_MUSIC", "爱乐音乐包", 8, "SP_AILE", "正版音乐无限畅听与下载"),
    _vas("VAS_VIDEO", "星河视频会员", 15, "SP_XINGHE", "影视会员，免广告，含定向流量"),
    _vas("VAS_GAME", "乐享游戏包", 15, "SP_LEXIANG", "手机游戏道具与会员特权"),
    _vas("VAS_READ", "悦读书城包月", 5, "SP_YUEDU", "网络文学与杂志包月阅读"),
    _vas("VAS_NEWS", "彩云手机报", 3, "SP_CAIYUN", "每日早晚两期彩信新闻"),
)


@dataclass(frozen=True)
class Product:
    """A catalogue item with the database ids it was written with."""

    id: int
    item: Item
    sp_id: int | None
    sp_name: str | None
    bill_text: str  # how its monthly fee reads on a bill


def _bill_text(item: Item, sp_name: str | None) -> str:
    if item.kind == "vas":
        return f"{item.name}（{sp_name}）"
    return f"{item.name} {'月基本费' if item.kind == 'mobile_plan' else '月使用费'}"


class Catalogue:
    """The catalogue as written: products by code, with their ids."""

    def __init__(self, *, sp_first_id: int, product_first_id: int) -> None:
        self.sp_ids = {sp.code: sp_first_id + i for i, sp in enumerate(SERVICE_PROVIDERS)}
        sp_names = {sp.code: sp.name for sp in SERVICE_PROVIDERS}
        self.by_code: dict[str, Product] = {}
        for i, item in enumerate(PRODUCTS):
            sp_id = self.sp_ids[item.sp_code] if item.sp_code else None
            sp_name = sp_names[item.sp_code] if item.sp_code else None
            self.by_code[item.code] = Product(product_first_id + i, item, sp_id, sp_name, _bill_text(item, sp_name))

    def __getitem__(self, code: str) -> Product:
        return self.by_code[code]

    def of_kind(self, kind: str) -> list[Product]:
        return [p for p in self.by_code.values() if p.item.kind == kind]

    def sp_rows(self) -> list[dict[str, object]]:
        return [
            {"id": self.sp_ids[sp.code], "code": sp.code, "name": sp.name, "flagged": False, "flag_reason": None}
            for sp in SERVICE_PROVIDERS
        ]

    def product_rows(self) -> list[dict[str, object]]:
        return [
            {
                "id": p.id, "code": p.item.code, "name": p.item.name, "kind": p.item.kind,
                "monthly_fee_fen": p.item.fee_fen, "data_mb": p.item.data_mb,
                "voice_minutes": p.item.voice_minutes, "sms": p.item.sms,
                "bandwidth_mbps": p.item.bandwidth_mbps, "sp_id": p.sp_id, "active": True,
                "description": p.item.description,
            }
            for p in self.by_code.values()
        ]
