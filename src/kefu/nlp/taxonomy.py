"""The default intake taxonomy of SPEC C4: category codes (stable), their Chinese names,
the default department, and the three root-cause classes of seed 002."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    code: str
    name_zh: str
    name_en: str
    department: str


CATEGORIES: tuple[Category, ...] = (
    Category("billing", "计费争议", "Billing dispute", "billing"),
    Category("vas", "增值业务扣费", "Value-added service charges", "vas"),
    Category("mobile_network", "移动网络", "Mobile network", "network"),
    Category("broadband", "宽带与装维", "Broadband and installation", "installation"),
    Category("plan", "套餐与合约", "Plans and contracts", "marketing"),
    Category("account", "号码与实名", "Numbers and real-name registration", "hall"),
    Category("payment", "缴费与退费", "Payments and refunds", "billing"),
    Category("marketing", "营销骚扰", "Unwanted marketing", "marketing"),
    Category("attitude", "服务态度与渠道", "Staff attitude and channels", "customer_service"),
    Category("other", "其他", "Other", "customer_service"),
)
CATEGORY_CODES: tuple[str, ...] = tuple(c.code for c in CATEGORIES)
BY_CODE: dict[str, Category] = {c.code: c for c in CATEGORIES}
OTHER = "other"

DEPARTMENTS: dict[str, str] = {
    "billing": "计费",
    "vas": "增值业务",
    "network": "网维",
    "installation": "装维",
    "marketing": "市场",
    "hall": "营业厅",
    "customer_service": "客服",
    "government_enterprise": "政企",
}

ROOT_CAUSES: dict[str, str] = {
    "service_process": "服务流程",
    "product_quality": "产品质量",
    "communication_misunderstanding": "沟通误解",
}
# Used when nothing better is known: most complaints in seed 002 are process failures.
DEFAULT_ROOT_CAUSE = "service_process"

EMOTIONS: dict[str, str] = {"calm": "平静", "anxious": "焦急", "angry": "愤怒"}
URGENCIES: dict[str, str] = {"normal": "一般", "high": "较急", "urgent": "紧急"}


def department_of(category: str) -> str:
    """The default department for a category code; unknown codes go to customer service."""
    found = BY_CODE.get(category)
    return found.department if found else "customer_service"
