from fastapi import APIRouter, Depends
from sqlalchemy import text

from kefu.api.deps import DbSession, public

router = APIRouter(tags=["health"])


@router.get("/healthz", dependencies=[Depends(public)])
def healthz(session: DbSession) -> dict[str, str]:
    session.execute(text("SELECT 1"))
    return {"status": "ok"}
