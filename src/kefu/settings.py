"""Environment settings: few, read once by whoever builds the app (never at import)."""

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KEFU_", extra="ignore")

    database_url: str = "sqlite:///./kefu.db"
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
    # Staff sign-in: this many wrong passwords within the window lock the username for the window.
    login_max_failures: int = 5
    login_lock_minutes: int = 15

    smtp_host: str = ""
    smtp_port: int = 25
    smtp_sender: str = "kefu@localhost"
    sms_gateway_url: str = ""

    # Tickets: attachment limit and types (checked against the file's bytes), repeat-complaint
    # window, and how long after closing a customer may still reopen.
    ticket_attachment_max_bytes: int = 5 * 1024 * 1024
    ticket_attachment_types: str = "application/pdf,image/png,image/jpeg,text/plain"
    ticket_repeat_window_days: int = 30
    ticket_reopen_window_days: int = 7
    # Intake classification: at or above this confidence a ticket is categorised and dispatched
    # automatically; texts at least this similar (0 … 1) to a recent ticket of the same
    # subscriber make a repeat complaint; "similar open tickets" in the district look back this far.
    nlp_auto_threshold: float = 0.6
    ticket_repeat_similarity: float = 0.28
    intake_similar_days: int = 7

    # TMF621 hub: the hosts listeners may be registered at (comma-separated, * wildcards), so a
    # supervisor's account cannot make kefu POST ticket data to arbitrary internal addresses.
    tmf_listener_hosts: str = "localhost,127.0.0.1"

    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
