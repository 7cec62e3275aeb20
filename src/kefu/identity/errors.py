from kefu.core.errors import Conflict, InvalidInput, NotFound, TooManyRequests, Unauthenticated


class BadCredentials(Unauthenticated):
    default_code = "bad_credentials"

    def __init__(self) -> None:
        super().__init__("用户名或密码错误，请重新输入", "Wrong username or password, please try again")


class SessionExpired(Unauthenticated):
    default_code = "session_expired"

    def __init__(self) -> None:
        super().__init__("登录已过期，请重新登录", "Your session has expired, please log in again")


class BadToken(Unauthenticated):
    default_code = "bad_token"

    def __init__(self) -> None:
        super().__init__("访问令牌无效、已过期或已吊销", "The API token is invalid, expired or revoked")


class BadOtp(Unauthenticated):
    default_code = "bad_otp"

    def __init__(self) -> None:
        super().__init__(
            "验证码错误或已过期，请重新获取", "The code is wrong or has expired, please request a new one"
        )


class OtpRateLimited(TooManyRequests):
    default_code = "otp_rate_limited"

    def __init__(self, minutes: int) -> None:
        super().__init__(
            f"验证码发送过于频繁，请 {minutes} 分钟后再试",
            f"Too many codes requested; try again in {minutes} minutes",
        )


class UserExists(Conflict):
    default_code = "user_exists"

    def __init__(self, username: str) -> None:
        super().__init__(f"用户名 {username} 已存在", f"Username {username} is already taken")


class UserNotFound(NotFound):
    default_code = "user_not_found"

    def __init__(self, username: str) -> None:
        super().__init__(f"找不到用户 {username}", f"No user named {username}")


class UnknownRole(InvalidInput):
    default_code = "unknown_role"

    def __init__(self, role: str) -> None:
        super().__init__(f"未知角色：{role}", f"Unknown role: {role}")


class WeakPassword(InvalidInput):
    default_code = "weak_password"

    def __init__(self) -> None:
        super().__init__("密码至少 8 位", "The password must have at least 8 characters")


class LoginLocked(TooManyRequests):
    default_code = "login_locked"

    def __init__(self, minutes: int) -> None:
        super().__init__(
            f"密码错误次数过多，账号已锁定，请 {minutes} 分钟后再试或联系管理员",
            f"Too many wrong passwords: this account is locked; try again in {minutes} minutes or ask an administrator",
        )
