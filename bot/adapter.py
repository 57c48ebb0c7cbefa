"""botbuilder's CloudAdapter, with its outbound path replaced by our pooled connector.

Inbound stays botbuilder's: the activity model and the JWT checks Azure Bot Service
requires. Outbound, CloudAdapter would build an msrest connector client and a user token
client on every turn (~10 ms of CPU, a new TCP connection); this adapter builds neither
and sends through `bot.connector.Connector`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, ActivityTypes, ResourceResponse
from botframework.connector.auth import BotFrameworkAuthentication

from bot.connector import Connector
from bot.convert import tenant_of

log = logging.getLogger(__name__)


class ForeignTenant(Exception):
    """An authenticated activity from a tenant this bot does not serve (HTTP 403)."""


class PejlingAdapter(CloudAdapter):
    def __init__(
        self,
        auth: BotFrameworkAuthentication,
        connector: Connector,
        home_tenant: str | None = None,
    ) -> None:
        super().__init__(auth)
        self.connector = connector
        # A single-tenant bot (or managed identity) serves this one tenant; None: any.
        self.home_tenant = home_tenant

    async def process_activity(
        self,
        auth_header: str | None,
        activity: Activity,
        logic: Callable[[TurnContext], Awaitable[None]],
    ) -> InvokeResponse | None:
        """Authenticate, then run `logic`. Any authentication failure is a PermissionError
        (401): botbuilder itself lets an expired or forged token escape as a 500. A valid
        token from outside the tenant served is a ForeignTenant (403)."""
        try:
            result = await self.bot_framework_authentication.authenticate_request(
                activity, auth_header
            )
        except Exception as refused:
            raise PermissionError(type(refused).__name__) from refused
        if result is None or result.claims_identity is None:
            raise PermissionError("no identity")
        self._check_tenant(activity, result.claims_identity.claims or {})
        activity.caller_id = result.caller_id
        context = self._create_turn_context(
            activity, result.claims_identity, result.audience, None, None, logic, None
        )
        # botbuilder's middleware pipeline, without the middleware: Pejling adds none.
        try:
            await logic(context)
        except Exception as error:
            if self.on_turn_error is None:
                raise
            await self.on_turn_error(context, error)
        return self._process_turn_results(context)

    def _check_tenant(self, activity: Activity, claims: dict[str, Any]) -> None:
        """The activity's tenant must be the token's (`tid`, when it names one) and the
        bot's own when it serves one: a token for one municipality is no pass to another's
        data. Teams' channel tokens name no tenant; Azure already keeps a single-tenant bot
        to its tenant, and this keeps Pejling there should a request get past it."""
        tenant = tenant_of(activity).lower()
        for expected in (claims.get("tid"), self.home_tenant):
            if expected and str(expected).lower() != tenant:
                raise ForeignTenant(tenant)

    async def send_activities(
        self, context: TurnContext, activities: list[Activity]
    ) -> list[ResourceResponse]:
        responses = []
        for activity in activities:
            if activity.type == ActivityTypes.invoke_response:
                context.turn_state[self._INVOKE_RESPONSE_KEY] = activity
                responses.append(ResourceResponse(id=""))
                continue
            message_id = await self.connector.send(
                activity.service_url or context.activity.service_url,
                activity.conversation.id,
                activity.serialize(),
                reply_to_id=activity.reply_to_id,
                tenant_id=tenant_of(context.activity),
            )
            responses.append(ResourceResponse(id=message_id or ""))
        return responses

    async def update_activity(self, context: TurnContext, activity: Activity) -> ResourceResponse:
        await self.connector.update(
            activity.service_url or context.activity.service_url,
            activity.conversation.id,
            activity.id,
            activity.serialize(),
            tenant_id=tenant_of(context.activity),
        )
        return ResourceResponse(id=activity.id)

    async def delete_activity(self, context: TurnContext, reference: Any) -> None:
        raise NotImplementedError("Pejling never deletes messages; it updates them")

    @staticmethod
    def set_invoke_response(context: TurnContext, status: int, body: Any) -> None:
        """The HTTP answer to an invoke (e.g. the card that replaces a clicked one)."""
        context.turn_state[CloudAdapter._INVOKE_RESPONSE_KEY] = Activity(
            type=ActivityTypes.invoke_response, value=InvokeResponse(status=status, body=body)
        )
