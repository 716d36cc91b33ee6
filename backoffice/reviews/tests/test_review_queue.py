""" "My reviews": filters (kind, customer, age) and the bulk approve, where each approval is
still its own decision under the four-eyes rules."""

import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from backoffice.parties.models import QualificationType
from backoffice.parties.services import customer_create, qualification_create, qualification_submit
from backoffice.parties.tests.conftest import pdf_upload
from backoffice.reviews.models import ReviewRequest
from backoffice.reviews.selectors import review_request_for
from backoffice.reviews.services import review_approve_many, review_decide

QUEUE = "/reviews/reviewrequest/pending/"


def _paper(customer, by, number: str):
    paper = qualification_create(
        customer=customer,
        by=by,
        qualification_type=QualificationType.objects.get(code="business_licence"),
        number=number,
        valid_from=date(2020, 1, 1),
        valid_to=date(2099, 1, 1),
        scan=pdf_upload(),
    )
    qualification_submit(qualification=paper, by=by)
    return review_request_for(paper)


@pytest.fixture
def clinic(rep_wang, region_north):
    return customer_create(by=rep_wang, name="朝阳社区诊所", kind="hospital", region=region_north)


@pytest.fixture
def queue(hospital, clinic, rep_wang, clerk):
    """Three papers waiting: two of the hospital (one a week old), one of the clinic, and
    one the clerk uploaded herself (so she may not approve it)."""
    fresh = _paper(hospital, rep_wang, "H-2")
    old = _paper(hospital, rep_wang, "H-3")
    ReviewRequest.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - timedelta(days=7))
    middle = _paper(clinic, rep_wang, "C-1")
    ReviewRequest.objects.filter(pk=middle.pk).update(
        submitted_at=timezone.now() - timedelta(days=2)
    )
    own = _paper(clinic, clerk, "C-2")
    return {"fresh": fresh, "old": old, "middle": middle, "own": own}


def _zh(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def _shown(client, query: str = "") -> list[int]:
    response = client.get(f"{QUEUE}?{query}")
    assert response.status_code == 200, response.content.decode()[:500]
    return [row["review"].pk for row in response.context["rows"]]


@pytest.mark.django_db
def test_the_queue_filters_by_kind_customer_and_age(queue, clerk, hospital, clinic):
    client = _zh(clerk)
    fresh, old, middle = queue["fresh"].pk, queue["old"].pk, queue["middle"].pk
    assert _shown(client) == [old, middle, fresh]  # oldest first; not her own paper
    assert _shown(client, "kind=parties.qualification") == [old, middle, fresh]
    assert _shown(client, "kind=sales.delivery") == []
    assert _shown(client, f"customer={hospital.pk}") == [old, fresh]
    assert _shown(client, f"customer={clinic.pk}") == [middle]
    assert _shown(client, "age=lt1") == [fresh]
    assert _shown(client, "age=1to3") == [middle]
    assert _shown(client, "age=gt3") == [old]
    assert _shown(client, f"customer={hospital.pk}&age=gt3") == [old]
    page = client.get(QUEUE).content.decode()
    # the customers of the queue are offered by name, and each row names its customer
    assert f'<option value="{hospital.pk}">北京医院</option>' in page
    assert "朝阳社区诊所" in page
    assert "超过 3 天" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["kind=nothing", "customer=abc", "customer=-1", "age=forever", "customer=" + "9" * 30]
)
def test_a_bad_filter_is_a_message_not_an_error(queue, clerk, query):
    response = _zh(clerk).get(f"{QUEUE}?{query}")
    assert response.status_code == 400
    assert 'data-testid="filter-error"' in response.content.decode()
    assert len(response.context["rows"]) == 3  # the whole queue, unfiltered


@pytest.mark.django_db
def test_bulk_approve_decides_each_one_and_reports_the_refused(
    queue, clerk, second_clerk, third_clerk
):
    fresh, old, middle, own = queue["fresh"], queue["old"], queue["middle"], queue["own"]
    review_decide(request=middle, by=clerk, verdict="approve")  # she already decided this one
    client = _zh(clerk)
    response = client.post(
        QUEUE + "?age=",
        {"reviews": [fresh.pk, old.pk, middle.pk, own.pk], "note": "资料齐全"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == QUEUE + "?age="
    notes = [str(m) for m in response.context["messages"]]
    assert "已批准 2 份单据。" in notes
    assert any(n.startswith(str(middle.object_repr)) and "本轮" in n for n in notes), notes
    assert any(n.startswith(str(own.object_repr)) and "双人复核" in n for n in notes), notes
    for review in (fresh, old):  # one approval each, with the common comment; two required
        decisions = list(ReviewRequest.objects.get(pk=review.pk).decisions.all())
        assert [(d.reviewer, d.note) for d in decisions] == [(clerk, "资料齐全")]
    assert ReviewRequest.objects.get(pk=middle.pk).decisions.count() == 1
    assert ReviewRequest.objects.get(pk=own.pk).decisions.count() == 0
    # A second reviewer completes the two of them in one more click.
    response = _zh(second_clerk).post(QUEUE, {"reviews": [fresh.pk, old.pk]}, follow=True)
    assert "已批准 2 份单据。" in [str(m) for m in response.context["messages"]]
    for review in (fresh, old):
        assert ReviewRequest.objects.get(pk=review.pk).state == ReviewRequest.State.APPROVED
    assert _shown(_zh(third_clerk)) == [middle.pk, own.pk]


@pytest.mark.django_db
def test_a_failed_approval_does_not_undo_the_others(queue, clerk, second_clerk):
    fresh, own = queue["fresh"], queue["own"]
    outcome = review_approve_many(requests=[own, fresh], by=clerk)
    assert outcome.approved == [fresh]
    assert [review for review, _ in outcome.failed] == [own]
    assert ReviewRequest.objects.get(pk=fresh.pk).decisions.get().reviewer == clerk


@pytest.mark.django_db
def test_someone_without_the_review_permission_approves_nothing(queue, finance):
    response = _zh(finance).post(QUEUE, {"reviews": [queue["fresh"].pk]}, follow=True)
    notes = [str(m) for m in response.context["messages"]]
    assert not any("已批准" in n for n in notes)
    assert ReviewRequest.objects.get(pk=queue["fresh"].pk).decisions.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("reviews", [[], ["abc"], ["999999"]])
def test_a_bad_selection_is_a_message(queue, clerk, reviews):
    response = _zh(clerk).post(QUEUE, {"reviews": reviews}, follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


@pytest.mark.django_db
def test_bulk_approve_needs_the_csrf_token(queue, clerk):
    client = Client(enforce_csrf_checks=True)
    client.force_login(clerk)
    response = client.post(QUEUE, {"reviews": [queue["fresh"].pk]})
    assert response.status_code == 403
    assert ReviewRequest.objects.get(pk=queue["fresh"].pk).decisions.count() == 0


@pytest.mark.django_db
def test_a_reviewer_approves_only_documents_they_may_see(queue, rep_li):
    """A rep of the east holding the review permission still cannot approve the north's
    papers by sending their ids."""
    from django.contrib.auth.models import Permission

    rep_li.user_permissions.add(Permission.objects.get(codename="review_qualification"))
    outcome = review_approve_many(
        requests=[queue["fresh"]], by=type(rep_li).objects.get(pk=rep_li.pk)
    )
    assert outcome.approved == []
    assert [review for review, _ in outcome.failed] == [queue["fresh"]]
    assert ReviewRequest.objects.get(pk=queue["fresh"].pk).decisions.count() == 0


@pytest.mark.django_db
def test_the_type_filter_names_the_types_as_the_rows_do_and_never_echoes_a_bad_one(queue, clerk):
    client = _zh(clerk)
    response = client.get(QUEUE)
    form = response.context["filter_form"]
    offered = dict(form.fields["kind"].choices)
    rows = {str(row["kind_label"]) for row in response.context["rows"]}
    assert rows and rows <= set(map(str, offered.values()))
    assert "订单审核" not in map(str, offered.values())
    assert "销售订单" in map(str, offered.values())
    bad = client.get(f"{QUEUE}?kind=salesorder&age=forever").content.decode()
    errors = re.findall(r'data-testid="filter-error">([^<]*)<', bad)
    assert len(errors) == 2 and not any("salesorder" in e or "forever" in e for e in errors)
    assert "请从列表中选择类型。" in errors[0]
