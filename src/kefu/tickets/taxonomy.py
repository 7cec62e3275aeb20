"""The ticket vocabulary (SPEC C2/C4): types, channels, categories with their default
department, root-cause classes, departments, emotions, remedy kinds. Codes are stable;
labels are shown to people."""

from __future__ import annotations

TYPES: dict[str, str] = {
    "consultation": "咨询",
    "service_request": "业务受理",
    "fault": "故障申报",
    "complaint": "投诉",
    "suggestion": "建议",
    "cross_region": "跨省/跨区协同",
    "external": "外部申诉（12315/工信部）",
}

CHANNELS: dict[str, str] = {
    "hotline": "热线",
    "app": "APP",
    "wechat": "微信",
    "web": "网厅",
    "hall": "营业厅",
    "email": "电子邮件",
    "sms": "短信",
    "12315": "12315 转办",
    "miit": "工信部申诉",
}

# code → (label, default department)
CATEGORIES: dict[str, tuple[str, str]] = {
    "billing": ("计费争议", "billing"),
    "vas": ("增值业务扣费", "vas"),
    "mobile_network": ("移动网络", "network"),
    "broadband": ("宽带与装维", "installation"),
    "plan": ("套餐与合约", "marketing"),
    "account": ("号码与实名", "hall"),
    "payment": ("缴费与退费", "billing"),
    "marketing": ("营销骚扰", "marketing"),
    "attitude": ("服务态度与渠道", "customer_service"),
    "other": ("其他", "customer_service"),
}

ROOT_CAUSES: dict[str, str] = {
    "service_process": "服务流程",
    "product_quality": "产品质量",
    "communication_misunderstanding": "沟通误解",
}

DEPARTMENTS: dict[str, str] = {
    "hall": "营业厅",
    "network": "网维",
    "billing": "计费",
    "vas": "增值业务",
    "installation": "装维",
    "marketing": "市场",
    "government_enterprise": "政企",
    "customer_service": "客服",
}

EMOTIONS: dict[str, str] = {"calm": "平静", "anxious": "焦急", "angry": "愤怒"}

PRIORITY_LABELS: dict[str, str] = {"low": "低", "normal": "普通", "high": "高", "urgent": "紧急"}

# Compensation makes good a loss; optimisation removes its cause. Both need consent.
COMPENSATIONS = ("bill_credit", "data_gift", "voucher", "refund")
OPTIMISATIONS = ("plan_change", "bandwidth_upgrade", "unsubscribe")
REMEDY_KINDS: dict[str, str] = {
    "bill_credit": "话费减免",
    "data_gift": "流量赠送",
    "voucher": "礼品券",
    "refund": "退费",
    "plan_change": "套餐调整",
    "bandwidth_upgrade": "带宽升级",
    "unsubscribe": "退订",
}

# How a refund is computed from the bills (never typed by hand).
REFUND_BASES: dict[str, str] = {
    "overcharges": "按账单逐月退还多收费用",
    "vas_charges": "按账单退还增值业务费用",
}

LINK_KINDS: dict[str, str] = {
    "repeat_of": "重复投诉",
    "duplicate": "重复工单",
    "related": "相关",
    "merged_into": "已合并至",
    "split_from": "拆分自",
}

EXTERNAL_SOURCES = {"12315": "12315 消费维权", "miit": "工信部申诉"}


def default_department(category: str) -> str:
    return CATEGORIES[category][1]


def remedy_class(kind: str) -> str:
    return "compensation" if kind in COMPENSATIONS else "optimisation"
