"""Customer errors: each says in Chinese and English what a person should do next."""

from __future__ import annotations

from typing import Any

from kefu.core.errors import Conflict, InvalidInput, NotFound


class SubscriberNotFound(NotFound):
    default_code = "subscriber_not_found"

    def __init__(self, subscriber: int | str) -> None:
        super().__init__(
            f"找不到用户 {subscriber}，请核对号码或编号后重试",
            f"No subscriber {subscriber}; check the number or id and try again",
        )


class ProductNotFound(NotFound):
    default_code = "product_not_found"

    def __init__(self, code: str) -> None:
        super().__init__(
            f"产品目录中没有编码为 {code} 的产品，请先导入或核对产品编码",
            f"No product with code {code} in the catalogue; import it first or check the code",
        )


class ServiceProviderNotFound(NotFound):
    default_code = "service_provider_not_found"

    def __init__(self, code: str) -> None:
        super().__init__(f"找不到 SP 商 {code}，请核对 SP 编码", f"No service provider {code}; check the SP code")


class SubscriptionNotFound(NotFound):
    default_code = "subscription_not_found"

    def __init__(self, code: str) -> None:
        super().__init__(
            f"该用户当前没有订购 {code}，无需退订",
            f"The subscriber has no active subscription to {code}; nothing to end",
        )


class NotAPlan(InvalidInput):
    default_code = "not_a_plan"

    def __init__(self, code: str) -> None:
        super().__init__(
            f"{code} 不是可办理的手机套餐，请选择目录中在售的套餐",
            f"{code} is not a mobile plan on sale; choose a plan from the catalogue",
        )


class PlanUnchanged(Conflict):
    default_code = "plan_unchanged"

    def __init__(self, code: str) -> None:
        super().__init__(f"用户已经在使用套餐 {code}，无需变更", f"The subscriber is already on plan {code}")


class LineStateConflict(Conflict):
    default_code = "line_state_conflict"

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(zh, en)


class InvalidCredit(InvalidInput):
    default_code = "invalid_credit"

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(zh, en)


class WeakServicePassword(InvalidInput):
    default_code = "weak_service_password"

    def __init__(self) -> None:
        super().__init__(
            "服务密码须为 6 位数字，且不能是相同或连续的数字（如 111111、123456）",
            "The service password must be 6 digits, not all the same or consecutive (e.g. 111111, 123456)",
        )


class InvalidBankAccount(InvalidInput):
    default_code = "invalid_bank_account"

    def __init__(self) -> None:
        super().__init__(
            "请填写开户银行和 12 到 19 位数字的银行卡号",
            "Give the bank and a card or account number of 12 to 19 digits",
        )


class ImportRejected(InvalidInput):
    """A file had bad rows; nothing was written. `details["errors"]` lists every problem."""

    default_code = "import_rejected"

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(
            f"导入文件有 {len(errors)} 处错误，未写入任何数据；请修改后重新导入",
            f"The file has {len(errors)} problem(s); nothing was imported. Fix them and import again",
            errors=errors,
        )
