from django.db.models import CharField
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backoffice.audit.selectors import audit_event_list
from backoffice.core.access import access_object, require_perm, visibility_selector
from backoffice.core.api import paginate, paginated_schema
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
        actor_username = serializers.CharField(source="actor.username", default=None)
        action = serializers.CharField()
        model = serializers.CharField()
        object_id = serializers.CharField()
        object_repr = serializers.CharField()
        changes = serializers.JSONField()
        note = serializers.CharField()

        class Meta:
            ref_name = "AuditEvent"

    @extend_schema(
        parameters=[
            OpenApiParameter("model", str, description="record type, e.g. accounts.region"),
            OpenApiParameter("object_id", str, description="record id"),
        ],
        responses={200: paginated_schema(OutputSerializer, "AuditEvent")},
    )
    def get(self, request: Request) -> Response:
        require_perm(request.user, "audit.view_auditevent")
        model = request.query_params.get("model", "")
        object_id = request.query_params.get("object_id", "")
        if not model and not request.user.has_perm("audit.view_all_auditevents"):
            raise ValidationFailed(
                _("Say which record type: ?model=app_label.model"),
                extra={"fields": {"model": [_("This parameter is required.")]}},
            )
        events = audit_event_list(model=model, object_id=object_id)
        selector = visibility_selector(model) if model else None
        if selector is not None:
            visible = selector(request.user)
            if object_id:
                access_object(visible, object_id)
            else:
                ids = visible.annotate(id_text=Cast("pk", CharField())).values("id_text")
                events = events.filter(object_id__in=ids)
        return paginate(request, events, self.OutputSerializer, self)
