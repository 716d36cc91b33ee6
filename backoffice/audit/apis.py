from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backoffice.audit.filters import AuditEventFilter
from backoffice.audit.selectors import audit_event_list
from backoffice.core.access import require_perm
from backoffice.core.api import filtered, paginate, paginated_schema
from backoffice.core.exceptions import ValidationFailed


class AuditEventListApi(APIView):
    """The audit trail of a record: `?model=app_label.model&object_id=…`.

    Needs `audit.view_auditevent`; where the record type has a visibility rule, the record
    itself must be visible too (otherwise 404, as if it did not exist).
    """

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        occurred_at = serializers.DateTimeField()
        actor = serializers.IntegerField(source="actor_id", allow_null=True)
        actor_username = serializers.CharField(
            source="actor.username", default=None, allow_null=True
        )
        action = serializers.CharField()
        model = serializers.CharField()
        object_id = serializers.CharField()
        object_repr = serializers.CharField()
        changes = serializers.JSONField()
        note = serializers.CharField()

        class Meta:
            ref_name = "AuditEvent"

    filterset_class = AuditEventFilter

    @extend_schema(responses={200: paginated_schema(OutputSerializer, "AuditEvent")})
    def get(self, request: Request) -> Response:
        require_perm(request.user, "audit.view_auditevent")
        if not request.query_params.get("model") and not request.user.has_perm(
            "audit.view_all_auditevents"
        ):
            raise ValidationFailed(
                _("Say which record type: ?model=app_label.model"),
                extra={"fields": {"model": [_("This parameter is required.")]}},
            )
        events = filtered(request, self.filterset_class, audit_event_list())
        return paginate(request, events, self.OutputSerializer, self)
