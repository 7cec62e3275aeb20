"""API auth: who am I. Tokens are created with `kefu token create --user NAME`."""

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from kefu.api.deps import STAFF, Authorize
from kefu.identity.roles import Principal, Role

router = APIRouter(prefix="/api/v1", tags=["auth"])


class Me(BaseModel):
    kind: str
    name: str
    roles: list[str]
    user_id: int | None
    subscriber_id: int | None


@router.get("/me", response_model=Me)
def me(principal: Principal = Depends(Authorize(*STAFF, Role.SUBSCRIBER))) -> Me:
    return Me(
        kind=principal.kind,
        name=principal.name,
        roles=sorted(r.value for r in principal.roles),
        user_id=principal.user_id,
        subscriber_id=principal.subscriber_id,
    )
