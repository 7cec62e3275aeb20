"""Environment settings: few, read once by whoever builds the app (never at import)."""

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KEFU_", extra="ignore")

    database_url: str = "sqlite:///./kefu.db"
    # Empty means: keep a random key in instance_dir so sessions survive restarts.
    secret_key: str = ""
    instance_dir: str = "./instance"
    timezone: str = "Asia/Shanghai"
    default_language: str = "zh"
    # Demo mode shows outbound messages (one-time codes) to admins instead of sending them.
    demo_mode: bool = True
    run_worker: bool = True
    worker_poll_seconds: float = 2.0

    web_session_minutes: int = 480
    api_token_days: int = 365
    otp_ttl_seconds: int = 300
    otp_max_per_hour: int = 5
    otp_max_attempts: int = 5

    smtp_host: str = ""
    smtp_port: int = 25
    smtp_sender: str = "kefu@localhost"
    sms_gateway_url: str = ""

    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
