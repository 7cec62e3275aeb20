"""Staff passwords, API tokens and subscribers' one-time codes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kefu.core.outbound import OutboundMessage
from kefu.identity import service as identity
from kefu.identity.errors import (
    BadCredentials,
    BadToken,
    LoginLocked,
    OtpRateLimited,
    UnknownRole,
    UserExists,
)
from tests.factories.identity import PASSWORD, create_staff


def test_password_is_stored_as_argon2_and_checked(session, now):
    user = create_staff(session, username="li.na", roles=("supervisor",), now=now)
    assert user.password_hash.startswith("$argon2")
    assert identity.check_password(session, username="li.na", password=PASSWORD, now=now).id == user.id
    with pytest.raises(BadCredentials):
        identity.check_password(session, username="li.na", password="wrong-password", now=now)
    with pytest.raises(BadCredentials):
        identity.check_password(session, username="nobody", password=PASSWORD, now=now)


def test_five_wrong_passwords_lock_the_name_for_fifteen_minutes_even_for_the_right_one(session, now):
    create_staff(session, username="zhao.liu", roles=("agent",), now=now)
    for minute in range(5):
        with pytest.raises(BadCredentials):
            identity.check_password(session, username="zhao.liu", password=f"guess-{minute}",
                                    now=now + timedelta(minutes=minute))
    with pytest.raises(LoginLocked) as locked:
        identity.check_password(session, username="zhao.liu", password=PASSWORD, now=now + timedelta(minutes=5))
    assert locked.value.status_code == 429
    # The oldest failures leave the 15-minute window one by one; then the right password works
    # and clears the count, so the next wrong one starts again from zero.
    later = now + timedelta(minutes=15, seconds=1)
    assert identity.check_password(session, username="zhao.liu", password=PASSWORD, now=later).username == "zhao.liu"
    with pytest.raises(BadCredentials):
        identity.check_password(session, username="zhao.liu", password="again-wrong", now=later)
    assert identity.check_password(session, username="zhao.liu", password=PASSWORD, now=later).username == "zhao.liu"


def test_unknown_role_and_duplicate_username_are_refused(session, now):
    with pytest.raises(UnknownRole):
        identity.create_user(session, username="x", display_name="x", password=PASSWORD, roles=["boss"], now=now)
    create_staff(session, username="wang.wu", now=now)
    with pytest.raises(UserExists):
        create_staff(session, username="wang.wu", now=now)


def test_api_token_works_until_it_expires(session, now):
    create_staff(session, username="api.bot", roles=("analyst",), now=now)
    token = identity.create_api_token(session, username="api.bot", name="t", now=now, days=1)
    assert identity.principal_for_token(session, token, now=now).roles == {"analyst"}
    with pytest.raises(BadToken):
        identity.principal_for_token(session, token, now=now + timedelta(days=2))
    with pytest.raises(BadToken):
        identity.principal_for_token(session, token + "x", now=now)


def test_login_code_goes_out_by_sms_and_works_once(session, now):
    identity.send_login_code(session, phone="13800001234", now=now, ttl_seconds=300, max_per_hour=5)
    sms = session.query(OutboundMessage).filter_by(recipient="13800001234").one()
    code = sms.body.split("验证码是 ")[1][:6]
    assert not identity.verify_login_code(session, phone="13800001234", code="000000" if code != "000000" else "111111", now=now, max_attempts=5)
    assert identity.verify_login_code(session, phone="13800001234", code=code, now=now, max_attempts=5)
    assert not identity.verify_login_code(session, phone="13800001234", code=code, now=now, max_attempts=5)


def test_expired_code_is_refused(session, now):
    identity.send_login_code(session, phone="13800001235", now=now, ttl_seconds=300, max_per_hour=5)
    code = session.query(OutboundMessage).filter_by(recipient="13800001235").one().body.split("验证码是 ")[1][:6]
    assert not identity.verify_login_code(
        session, phone="13800001235", code=code, now=now + timedelta(minutes=6), max_attempts=5
    )


def test_too_many_wrong_tries_burn_the_code(session, now):
    identity.send_login_code(session, phone="13800001236", now=now, ttl_seconds=300, max_per_hour=5)
    code = session.query(OutboundMessage).filter_by(recipient="13800001236").one().body.split("验证码是 ")[1][:6]
    wrong = "999999" if code != "999999" else "888888"
    for _ in range(3):
        assert not identity.verify_login_code(session, phone="13800001236", code=wrong, now=now, max_attempts=3)
    assert not identity.verify_login_code(session, phone="13800001236", code=code, now=now, max_attempts=3)


def test_codes_are_rate_limited_per_number(session, now):
    for _ in range(3):
        identity.send_login_code(session, phone="13800001237", now=now, ttl_seconds=300, max_per_hour=3)
    with pytest.raises(OtpRateLimited) as error:
        identity.send_login_code(session, phone="13800001237", now=now, ttl_seconds=300, max_per_hour=3)
    assert "分钟后再试" in error.value.zh
    identity.send_login_code(session, phone="13800001237", now=now + timedelta(hours=1, seconds=1),
                             ttl_seconds=300, max_per_hour=3)
