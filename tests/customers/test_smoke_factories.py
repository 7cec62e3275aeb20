from datetime import date

from tests.factories.customers import add_bill, add_usage, create_product, create_subscriber


def test_factories_build_a_subscriber_with_plan_bill_and_usage(session):
    plan = create_product(session, code="P19", fee_fen=1900)
    sub = create_subscriber(session, number="13812341234", plan=plan, charged_fee_fen=2900)
    bill = add_bill(session, sub, month=date(2026, 10, 1), plan="P19", plan_fee_fen=2900)
    add_usage(session, sub, month=date(2026, 10, 1), data_mb=100)
    assert bill.total_fen == 2900
    assert sub.number_reversed == "43214321831"
