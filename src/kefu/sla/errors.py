"""SLA errors: each tells an administrator or agent what to do, in Chinese and English."""

from __future__ import annotations

from kefu.core.errors import Conflict, InvalidInput, NotFound


class BadCalendar(InvalidInput):
    default_code = "sla_bad_calendar"


class HolidayDataMissing(InvalidInput):
    default_code = "sla_holiday_data_missing"

    def __init__(self, year: int, supported: tuple[int, int], *, calendar: str) -> None:
        lo, hi = supported
        super().__init__(
            f"日历 {calendar} 需要 {year} 年的法定节假日与调休数据，但已安装的 chinese-calendar 只支持 {lo}–{hi} 年；"
            "请升级 chinese-calendar，或把该日历设为不按节假日",
            f"Calendar {calendar} needs the public holidays of {year}, but the installed chinese-calendar only "
            f"covers {lo}–{hi}; upgrade chinese-calendar or set the calendar not to observe holidays",
            year=year,
            supported=[lo, hi],
        )


class UnknownCalendar(InvalidInput):
    default_code = "sla_unknown_calendar"

    def __init__(self, code: str) -> None:
        super().__init__(
            f"未知的营业日历 “{code}”，请先创建该日历或选择已有日历",
            f"Unknown business calendar '{code}'; create it first or pick an existing one",
            calendar=code,
        )


class BadPolicy(InvalidInput):
    default_code = "sla_bad_policy"


class PolicyNotFound(NotFound):
    default_code = "sla_policy_not_found"

    def __init__(self, code: str) -> None:
        super().__init__(f"找不到时效策略 {code}", f"No SLA policy {code}", policy=code)


class PolicyExists(Conflict):
    default_code = "sla_policy_exists"

    def __init__(self, code: str) -> None:
        super().__init__(
            f"时效策略 {code} 已存在，请修改它（会生成新版本）或换一个代码",
            f"SLA policy {code} exists; edit it (a new version is made) or choose another code",
            policy=code,
        )


class ClocksNotStarted(Conflict):
    """A ticket event arrived before TicketOpened was handled; delivery retries it."""

    default_code = "sla_clocks_not_started"

    def __init__(self, ticket_id: int) -> None:
        super().__init__(
            f"工单 {ticket_id} 的时效计时尚未开始，稍后会自动重试",
            f"Ticket {ticket_id} has no SLA clocks yet; the event will be retried",
            ticket_id=ticket_id,
        )


class BadHolidayYear(InvalidInput):
    default_code = "sla_bad_holiday_year"

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(zh, en)
