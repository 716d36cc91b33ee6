from typing import Any

from django.conf import settings
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from backoffice.core import deletion
from backoffice.core.prepared import row_insert, row_update
from backoffice.core.versions import VersionedManager, touch_parents_of


def _msgid(value: Any) -> str | None:
    """The message id behind a lazy translation (gettext_lazy("…")), else None."""
    if isinstance(value, Promise) and getattr(value, "_args", None):
        return str(value._args[0])
    return None


class Text(str):
    """A message without a language yet: a msgid and its parameters. As a str it reads in
    the language active when it was made (for a mail, a log); stored on a Notification it is
    rendered again in each reader's language when they read it.

        Text(gettext_noop("Sent back: %(document)s"), document=order.number)

    A parameter that is itself a lazy translation (a status label) is translated too."""

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: Any, /, **params: Any) -> "Text":
        key = _msgid(msgid) or str(msgid)
        stored = {
            name: {"msgid": _msgid(v)} if _msgid(v) else v if isinstance(v, int) else str(v)
            for name, v in params.items()
        }
        text = super().__new__(cls, cls.render(key, stored))
        text.msgid, text.params = key, stored
        return text

    @staticmethod
    def render(msgid: str, params: dict[str, Any]) -> str:
        values = {
            name: gettext(v["msgid"]) if isinstance(v, dict) else v for name, v in params.items()
        }
        text = gettext(msgid)
        try:
            return text % values if values else text
        except (KeyError, TypeError, ValueError):  # a translation that lost a placeholder
            return msgid % values if values else msgid

    @staticmethod
    def stored(**texts: Any) -> dict[str, Any]:
        """The msgids and parameters of those texts that are Text, to store as JSON."""
        return {
            name: {"msgid": text.msgid, "params": text.params}
            for name, text in texts.items()
            if isinstance(text, Text)
        }


class BaseModel(models.Model):
    """Every business record knows when it was created and last changed.

    `updated_at` is also the record's version (core.versions: the API's ETag, the change
    form's check against lost updates): every save writes it, even a save of a few fields,
    and so does every `update()` and `bulk_update()` (VersionedQuerySet)."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = VersionedManager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields and "updated_at" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "updated_at"]
        super().save(*args, **kwargs)

    def _do_update(
        self,
        base_qs: models.QuerySet,
        using: str,
        pk_val: Any,
        values: list[tuple],
        update_fields: Any,
        forced_update: bool,
        returning_fields: list,
    ) -> list:
        """A save's UPDATE, its statement written once per model and set of fields
        (core.prepared.row_update) rather than built by the ORM each time, when nothing is
        asked back of it; otherwise the ORM's."""
        plain = not (returning_fields or self._meta.select_on_save or base_qs.query.where)
        if values and plain:  # `where`: a base manager that would hide rows is the ORM's
            updated = row_update(base_qs.model, using, pk_val, values)
            if updated is not None:
                return [()] if updated else []
        return super()._do_update(
            base_qs, using, pk_val, values, update_fields, forced_update, returning_fields
        )

    def _do_insert(
        self, manager: Any, using: str, fields: list, returning_fields: list, raw: bool
    ) -> list:
        """A save's INSERT, its statement written once per model and set of columns
        (core.prepared.row_insert) rather than built by the ORM each time; the ORM's for a
        raw save (fixtures), or when anything but the id is asked back."""
        if not raw:
            inserted = row_insert(manager.model, self, using, fields, returning_fields)
            if inserted is not None:
                return inserted
        return super()._do_insert(manager, using, fields, returning_fields, raw)


class DocumentPart(models.Model):
    """A document's own row (a line): part of the document's version (core.versions), so
    that its save and its deletion, like its `update()`, make the document's ETag new. The
    document is the one its DELETION rule names (`deletion.with_parent("order")`)."""

    objects = VersionedManager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        touch_parents_of([self])

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        touch_parents_of([self])
        return super().delete(*args, **kwargs)


class DocumentCounter(models.Model):
    """The last number given to a document kind in a year (see numbering.py)."""

    DELETION = deletion.NEVER

    kind = models.CharField(_("document kind"), max_length=16)
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("document counter")
        verbose_name_plural = _("document counters")
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="core_counter_kind_year_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind}-{self.year}: {self.last_number}"


class Notification(models.Model):
    """A message to one user in the app (and by email when email is configured)."""

    DELETION = deletion.ALWAYS

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.PROTECT,
        related_name="notifications",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    # {"title": {"msgid": …, "params": {…}}, "body": …}: rendered in the reader's language.
    # Empty on rows written before (and for plain strings): title and body are shown as is.
    message = models.JSONField(_("message in any language"), default=dict, blank=True)
    is_read = models.BooleanField(_("read"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "is_read", "created_at"])]

    def __str__(self) -> str:
        return self.title_text

    def _text(self, name: str, written: str) -> str:
        stored = (self.message or {}).get(name)
        if not stored:
            return written
        return Text.render(stored["msgid"], stored.get("params") or {})

    @property
    def title_text(self) -> str:
        """The title in the language of whoever reads it now."""
        return self._text("title", self.title)[:200]

    @property
    def body_text(self) -> str:
        return self._text("body", self.body)


class Attachment(models.Model):
    """A file attached to any record (DOMAIN §11). Downloads check that the record is visible."""

    DELETION = deletion.NEVER

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField()
    file = models.FileField(_("file"), upload_to="attachments/%Y/%m/")
    original_name = models.CharField(_("name"), max_length=200)
    mime_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return self.original_name


def validate_image(upload) -> None:
    """A logo or seal: a real PNG or JPEG image (read by Pillow), at most 2 MB, so that every
    print (HTML and PDF) can embed it."""
    from django.core.exceptions import ValidationError
    from PIL import Image, UnidentifiedImageError

    if upload.size is not None and upload.size > 2 * 1024 * 1024:
        raise ValidationError(_("The image is larger than 2 MB."), code="too_large")
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(_("Upload a PNG or JPEG image."), code="invalid_image") from exc
    finally:
        upload.seek(position)
    if kind not in {"PNG", "JPEG"}:
        raise ValidationError(_("Upload a PNG or JPEG image."), code="invalid_image")


class CompanySettings(BaseModel):
    """The seller on every print (letterhead: name, address, phone, tax id, bank, logo) and
    the seal stamped on sealed documents. One row, changed by administrators only."""

    DELETION = deletion.NEVER

    SINGLETON_ID = 1

    legal_name = models.CharField(_("registered company name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    tax_id = models.CharField(_("tax id"), max_length=32, blank=True)
    bank_name = models.CharField(_("bank"), max_length=200, blank=True)
    bank_account = models.CharField(_("bank account"), max_length=64, blank=True)
    logo = models.ImageField(
        _("logo"), upload_to="company/", blank=True, validators=[validate_image]
    )
    seal = models.ImageField(
        _("seal image"),
        upload_to="company/",
        blank=True,
        validators=[validate_image],
        help_text=_("printed on delivery notes, statements and contracts"),
    )

    class Meta:
        verbose_name = _("company settings")
        verbose_name_plural = _("company settings")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="core_company_settings_one_row")
        ]

    def __str__(self) -> str:
        return self.legal_name or str(_("company settings"))


class IdempotencyKey(models.Model):
    """The first answer to a POST sent with an Idempotency-Key (core.idempotency): a retry
    with the same key and body gets it back instead of doing the work again. The row is
    written before the work starts (status_code empty while it runs): the unique key makes a
    second request in flight wait for the first. `created_at` is when the request now
    running claimed it: a retry takes over a claim left without an answer for
    IDEMPOTENCY_STALE_SECONDS (its request died), and claims it anew. Expired rows go in
    the daily jobs."""

    DELETION = deletion.ALWAYS  # expired keys are removed by a daily job

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    key = models.CharField(max_length=255)
    # sha256 of method, path and body: the same key with another request is refused
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    body = models.BinaryField(default=b"", blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="core_idempotency_user_key")
        ]

    def __str__(self) -> str:
        return self.key


class TaskBeat(models.Model):
    """A running task's sign of life (core.workers): written when a worker starts it and
    every WORKER_BEAT_SECONDS while it runs, removed when it ends. A task still RUNNING whose
    beat stopped belongs to a worker that died (SIGKILL, a lost machine): it is put back in
    the queue, to be run again."""

    DELETION = deletion.ALWAYS  # removed when its task ends

    task_id = models.UUIDField(primary_key=True)
    worker_id = models.CharField(max_length=64)
    beat_at = models.DateTimeField()

    class Meta:
        verbose_name = _("task heartbeat")
        verbose_name_plural = _("task heartbeats")

    def __str__(self) -> str:
        return f"{self.task_id} @ {self.worker_id}"


class DailyRun(models.Model):
    """The daily jobs of one local day, claimed by the first scheduler that starts them
    (core.jobs): a second one the same day finds the claim and does nothing. A claim left
    unfinished past DAILY_JOBS_STALE_SECONDS (its process died) is taken over; the jobs may
    run twice a day without harm."""

    DELETION = deletion.ALWAYS  # a record of when the jobs ran, nothing depends on it

    day = models.DateField(_("day"), unique=True)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)

    class Meta:
        verbose_name = _("daily jobs run")
        verbose_name_plural = _("daily jobs runs")
        ordering = ["-day"]

    def __str__(self) -> str:
        return self.day.isoformat()
