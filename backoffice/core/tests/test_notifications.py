import pytest


@pytest.mark.django_db
def test_opening_a_notification_marks_it_read_and_follows_its_link(client, clerk, rep_wang):
    from backoffice.core.models import Notification
    from backoffice.core.notifications import notify

    notify(recipients=[clerk], title="请审核", url="/parties/customer/")
    note = Notification.objects.get()
    client.force_login(rep_wang)
    assert client.get(f"/notifications/{note.pk}/").status_code == 404  # not theirs
    client.force_login(clerk)
    response = client.get(f"/notifications/{note.pk}/")
    assert response.status_code == 302 and response["Location"] == "/parties/customer/"
    note.refresh_from_db()
    assert note.is_read
    evil = Notification.objects.create(recipient=clerk, title="x", url="https://evil.example/")
    assert client.get(f"/notifications/{evil.pk}/")["Location"] == "/"


@pytest.mark.django_db
def test_email_goes_out_only_after_commit_and_only_when_configured(
    clerk, settings, django_capture_on_commit_callbacks, mailoutbox
):
    from backoffice.core.notifications import notify

    clerk.email = "clerk@example.com"
    settings.EMAIL_ENABLED = False
    notify(recipients=[clerk], title="不发邮件")
    assert mailoutbox == []
    settings.EMAIL_ENABLED = True
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(recipients=[clerk], title="请审核：样品单")
    assert mailoutbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert [m.subject for m in mailoutbox] == ["请审核：样品单"]
    assert mailoutbox[0].to == ["clerk@example.com"]
