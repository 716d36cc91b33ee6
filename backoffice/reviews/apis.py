"""Review endpoints: my queue, and the submit / review bases each document's API extends.

class QualificationSubmitApi(DocumentSubmitApi):
    access = staticmethod(access_qualification)
    def submit(self, obj, by): qualification_submit(qualification=obj, by=by)
"""

from collections.abc import Callable
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backoffice.core.access import Actor
from backoffice.core.api import filtered, paginate, paginated_schema
from backoffice.reviews.filters import ReviewRequestFilter
from backoffice.reviews.selectors import review_pending_for, review_request_for, review_status
from backoffice.reviews.services import review_decide


class ReviewStateSerializer(serializers.Serializer):
    state = serializers.CharField()
    round = serializers.IntegerField()
    level = serializers.IntegerField()
    levels = serializers.IntegerField()
    approvals = serializers.IntegerField()
    required = serializers.IntegerField()
    reviewers = serializers.ListField(child=serializers.CharField())


class DocumentReviewOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    review = ReviewStateSerializer(allow_null=True)


class ReviewDecisionInputSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=["approve", "reject"])
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


def document_review_payload(obj: Any, review: Any = None, *, just_submitted: bool = False) -> dict:
    """The document's status and its review's; `review`: its review request, when in hand.
    `just_submitted`: its round opened in this request, so nobody has decided in it yet (the
    answer shows only the round's decisions)."""
    review = review if review is not None else review_request_for(obj)
    opened = just_submitted and review is not None and review.state == review.State.OPEN
    status = review_status(review, decisions=[] if opened and review.level_index == 0 else None)
    return {"id": obj.pk, "status": obj.status, "review": status.as_dict() if status else None}


class DocumentSubmitApi(APIView):
    """POST …/{id}/submit/: the document goes to review (its own service moves it)."""

    access: Callable[[Any, Any], Any]

    def submit(self, obj: Any, by: Actor) -> None:
        raise NotImplementedError

    @extend_schema(request=None, responses={200: DocumentReviewOutputSerializer})
    def post(self, request: Request, pk: int) -> Response:
        obj = type(self).access(request.user, pk)
        self.submit(obj, request.user)
        obj.refresh_from_db(fields=["status"])  # all the answer shows of it
        payload = document_review_payload(obj, just_submitted=True)
        return Response(DocumentReviewOutputSerializer(payload).data)


class DocumentReviewApi(APIView):
    """POST …/{id}/review/ {"verdict": "approve"|"reject", "note": "…"}."""

    access: Callable[[Any, Any], Any]

    @extend_schema(
        request=ReviewDecisionInputSerializer, responses={200: DocumentReviewOutputSerializer}
    )
    def post(self, request: Request, pk: int) -> Response:
        obj = type(self).access(request.user, pk)
        data = ReviewDecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = review_decide(  # reads the review, locked, or refuses with NotSubmitted
            document=obj,
            by=request.user,
            verdict=data.validated_data["verdict"],
            note=data.validated_data["note"],
        )
        obj.refresh_from_db(fields=["status"])  # all the answer shows of it
        return Response(DocumentReviewOutputSerializer(document_review_payload(obj, review)).data)


class ReviewPendingListApi(APIView):
    """GET /api/v1/reviews/pending/: what waits for my decision, oldest first."""

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        kind = serializers.CharField()
        document_id = serializers.IntegerField(source="object_id")
        document = serializers.CharField(source="object_repr")
        author = serializers.CharField(source="author.username")
        submitted_at = serializers.DateTimeField()
        waiting_seconds = serializers.SerializerMethodField()
        round = serializers.IntegerField()
        level = serializers.SerializerMethodField()

        class Meta:
            ref_name = "PendingReview"

        def get_waiting_seconds(self, review) -> int:
            return int((timezone.now() - review.submitted_at).total_seconds())

        def get_level(self, review) -> int:
            return review.level_index + 1

    filterset_class = ReviewRequestFilter

    @extend_schema(responses={200: paginated_schema(OutputSerializer, "PendingReview")})
    def get(self, request: Request) -> Response:
        pending = filtered(request, self.filterset_class, review_pending_for(request.user))
        return paginate(request, pending, self.OutputSerializer, self)


class ReversalRequestOutputSerializer(serializers.Serializer):
    """A request to undo an approved document (issue 15 §20), waiting for its review."""

    id = serializers.IntegerField()
    action = serializers.CharField()
    action_label = serializers.CharField()
    document_id = serializers.IntegerField(source="object_id")
    document = serializers.CharField(source="object_repr")
    reason = serializers.CharField()
    status = serializers.CharField()
    requested_by = serializers.CharField(source="requested_by.username")
    created_at = serializers.DateTimeField()

    class Meta:
        ref_name = "ReversalRequest"


def reversal_response(asked: Any) -> Response:
    """202: asked, not yet done; it takes effect once reviewed (POST
    /api/v1/reviews/reversals/{id}/review/)."""
    return Response(ReversalRequestOutputSerializer(asked).data, status=202)


def _access_reversal(by: Actor, pk: Any) -> Any:
    from backoffice.core.access import access_object
    from backoffice.reviews.reversals import reversal_visible_to

    return access_object(reversal_visible_to(by), pk)


class ReversalReviewApi(DocumentReviewApi):
    """POST /api/v1/reviews/reversals/{id}/review/: decide on a request to undo."""

    access = staticmethod(_access_reversal)
