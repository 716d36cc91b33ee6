"""Customer import from .xlsx / .csv (DOMAIN §1; issue: preview first, errors per row and
column, a file with errors writes nothing, the same file twice adds nothing; issue 15 §22: a
customer already there whose row differs is updated through customer_update, audited, and
each difference is shown, field by field; the terms that change only through a review —
credit limit, payment terms, region, status — are never changed by an import: their
differences are reported as refused), and the rules
of a customer row that every import of customers shares (this one and the historical
import in sales): customer_row_check, then customer_repeats_check for the new ones."""

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from decimal import InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.db.models import QuerySet
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from backoffice.accounts.models import Region
from backoffice.audit.models import AuditEvent
from backoffice.audit.services import audit_record
from backoffice.core.access import Actor, permission_required
from backoffice.core.exceptions import ApplicationError
from backoffice.core.filters import is_ascii_digits
from backoffice.core.imports import (
    already_imported_check,
    digest,
    import_file_drop,
    import_file_exists,
    import_file_keep,
    import_file_read,
    import_heartbeat,
    import_quota_check,
    import_retry,
    import_started,
    imports_fail_stale,
)
from backoffice.core.money import round_amount, to_decimal
from backoffice.core.tabular import numbered, read_table, table_format
from backoffice.parties.exceptions import DuplicateTaxId
from backoffice.parties.models import Customer, CustomerImport
from backoffice.parties.services import (
    check_customer,
    contact_create,
    customer_create,
    customer_update,
)
from backoffice.parties.services.terms import DEFAULT_TERMS, TERMS_PERMISSION
from backoffice.parties.validators import uscc_problem

# Column headers accepted, English or Chinese, for each field; and, for each, the header the
# customers' Excel export writes in the active language (column_label).
COLUMNS = {
    "code": ["code", "编码", "客户编码"],
    "name": ["name", "名称", "客户名称"],
    "kind": ["kind", "类别", "客户类别"],
    "grade": ["grade", "等级"],
    "region": ["region", "大区"],
    "owner": ["owner", "负责人"],
    "credit_limit": ["credit_limit", "信用额度"],
    "payment_terms_days": ["payment_terms_days", "账期", "账期（天）"],
    "legal_name": ["legal_name", "开票名称"],
    "tax_id": ["tax_id", "税号"],
    "address": ["address", "注册地址"],
    "phone": ["phone", "电话"],
    "bank_name": ["bank_name", "开户银行"],
    "bank_account": ["bank_account", "银行账号"],
    "invoice_type": ["invoice_type", "发票类型"],
    "invoice_email": ["invoice_email", "收票邮箱"],
    "contact_name": ["contact_name", "联系人"],
    "contact_title": ["contact_title", "联系人职务"],
    "contact_phone": ["contact_phone", "联系人电话"],
}
REQUIRED = ["name", "kind", "region"]
# The columns that are no field of the customer: its first contact.
CONTACT_LABELS = {
    "contact_name": gettext_lazy("contact"),
    "contact_title": gettext_lazy("contact's title"),
    "contact_phone": gettext_lazy("contact's phone"),
}


def column_label(name: str) -> str:
    """A column's header as people read it, in the active language: the field's name, as the
    customers' Excel export writes it (so an exported file imports back)."""
    if name in CONTACT_LABELS:
        return str(CONTACT_LABELS[name])
    return str(Customer._meta.get_field(name).verbose_name)


def import_columns() -> tuple[list[str], list[str]]:
    """The headers the import reads, as people read them: the required ones, and the rest."""
    labels = {name: column_label(name) for name in COLUMNS}
    return [labels[n] for n in REQUIRED], [v for n, v in labels.items() if n not in REQUIRED]


CODE_MAX, NAME_MAX = 32, 200  # Customer.code, Customer.name


@dataclass
class RowError:
    row: int  # the spreadsheet's row number (the header is row 1)
    column: str  # the field's code (the API's)
    message: str
    label: str = ""  # the column as people read it: the file's header, or the field's name


# What an import never changes on a customer already there: the other helpers' rule (issue
# 15 §3) lets only permitted users change them, through a review.
REFUSED_FIELDS = ("credit_limit", "payment_terms_days", "region", "status")


@dataclass
class Difference:
    """A field of a row that differs from the customer already there: `applied` by the
    import, or refused (a term changed only through a review)."""

    row: int
    code: str
    field: str
    label: str
    old: str
    new: str
    applied: bool


@dataclass
class ImportResult:
    to_create: list[dict[str, Any]] = field(default_factory=list)
    to_update: list[dict[str, Any]] = field(default_factory=list)
    unchanged: list[dict[str, Any]] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def refused(self) -> list[Difference]:
        return [d for d in self.differences if not d.applied]

    def counts(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": len(self.unchanged),
            "refused_differences": len(self.refused),
            "errors": len(self.errors),
        }


def choice_value(value: str, choices: Any) -> str | None:
    """The choice's code for a code, a label (in the active language) or a common Chinese
    name. Codes are tried first: translating every label costs more than the rest of a
    20,000-customer import's checks."""
    lowered = value.lower()
    for code in choices.values:
        if lowered == str(code).lower():
            return code
    for code, label in choices.choices:
        if value == str(label):
            return code
    chinese = {
        "医院": "hospital",
        "经销商": "distributor",
        "药店": "pharmacy",
        "终端": "pharmacy",
        "企业": "enterprise",
        "个人": "individual",
        "专票": "special_vat",
        "普票": "ordinary",
        "数电": "digital",
        "电子发票": "digital",
    }
    return chinese.get(value) if chinese.get(value) in dict(choices.choices) else None


@dataclass
class CustomerRules:
    """What the rows of one file are checked against: the regions (by code, or also by
    name) and the users who may own customers (by username, or by a name only one of them
    has), looked up once; the owner
    of a row that names none; whether a row must have a code; and the codes and tax ids
    of the file's new customers so far."""

    regions: Mapping[str, int]
    owners: Mapping[str, int]
    # the active users by the name people read (as the export writes it): their usernames
    owner_names: Mapping[str, list[str]] = field(default_factory=dict)
    default_owner_id: int | None = None
    # each owner's regions: the owner must be a rep of the row's region (None: not checked)
    owner_regions: Mapping[int, set[int]] | None = None
    code_required: bool = False
    seen_codes: set[str] = field(default_factory=set)
    seen_tax_ids: set[str] = field(default_factory=set)
    kinds: dict[tuple[str, str | None], str | None] = field(default_factory=dict)


@dataclass
class CustomerRow:
    """A row's customer fields as the services take them, and its problems as (field,
    message), the fields named code, name, kind, region, owner and tax_id."""

    values: dict[str, Any]
    errors: list[tuple[str, str]]


def customer_row_check(row: Mapping[str, str], *, rules: CustomerRules) -> CustomerRow:
    """The rules of a customer row: a code of at most 32 characters (required when the
    file must give one), a name of 1 to 200, a known kind (a code, a label or its common
    Chinese name), a known region, a known owner (or the default one), and a tax id that is
    a valid unified social credit code (spaces and dashes dropped). Reads nothing from the
    database: the lookups are in `rules`."""
    errors: list[tuple[str, str]] = []
    code, name = row.get("code", ""), row.get("name", "")
    if len(code) > CODE_MAX or (rules.code_required and not code):
        errors.append(("code", _("A code of 1 to 32 characters.")))
    if not name or len(name) > NAME_MAX:
        errors.append(("name", _("A name of 1 to 200 characters.")))
    kind = _kind(row.get("kind", ""), rules)
    if not row.get("kind"):
        errors.append(("kind", _("Required.")))
    elif kind is None:
        errors.append(("kind", _("Unknown kind “%s”.") % row["kind"]))
    region_id = rules.regions.get(row.get("region", ""))
    if not row.get("region"):
        errors.append(("region", _("Required.")))
    elif region_id is None:
        errors.append(("region", _("Unknown region “%s”.") % row["region"]))
    owner_id, owner_problem = _owner(row.get("owner", ""), rules)
    if owner_problem:
        errors.append(("owner", owner_problem))
    elif owner_id is None:
        errors.append(("owner", _("Required.")))
    elif (
        rules.owner_regions is not None
        and region_id is not None
        and kind != "supplier"
        and region_id not in rules.owner_regions.get(owner_id, set())
    ):
        errors.append(("owner", _("Name a rep of the customer's region as its owner.")))
    tax_id = row.get("tax_id", "").upper().replace(" ", "").replace("-", "")
    if tax_id and (problem := uscc_problem(tax_id)):
        errors.append(("tax_id", str(problem)))
    values = {
        "code": code,
        "name": name,
        "kind": kind or "",
        "region_id": region_id,
        "owner_id": owner_id,
        "tax_id": tax_id,
    }
    return CustomerRow(values, errors)


def _owner(text: str, rules: CustomerRules) -> tuple[int | None, str]:
    """The owner a row names: by username, or by the person's name when only one active user
    has it (the export writes the name); the default owner when the cell is empty."""
    if not text:
        return rules.default_owner_id, ""
    if text in rules.owners:
        return rules.owners[text], ""
    usernames = rules.owner_names.get(text, [])
    if len(usernames) == 1:
        return rules.owners[usernames[0]], ""
    if usernames:
        return None, _(
            "Several users are named “%(name)s”: give the login name (%(usernames)s)."
        ) % {
            "name": text,
            "usernames": ", ".join(sorted(usernames)),
        }
    return None, _("Unknown user “%s”.") % text


def owner_names(users: QuerySet) -> dict[str, list[str]]:
    """Each user's name as people read it (User.__str__) → the usernames that have it."""
    names: dict[str, list[str]] = {}
    fields = ("username", "full_name", "first_name", "last_name")
    for username, full_name, first, last in users.values_list(*fields):
        name = full_name or f"{first} {last}".strip()
        if name and name != username:
            names.setdefault(name, []).append(username)
    return names


def customer_repeats_check(checked: CustomerRow, *, rules: CustomerRules) -> CustomerRow:
    """A new customer's code and tax id, each at most once in a file (a customer that
    exists already is skipped, and may be named again)."""
    code, tax_id = checked.values["code"], checked.values["tax_id"]
    if code and code in rules.seen_codes:
        checked.errors.append(("code", _("The code appears twice in this file.")))
    if tax_id and tax_id in rules.seen_tax_ids:
        checked.errors.append(("tax_id", _("The tax id appears twice in this file.")))
    rules.seen_codes.add(code)
    rules.seen_tax_ids.add(tax_id)
    return checked


def _kind(text: str, rules: CustomerRules) -> str | None:
    """A handful of texts over thousands of rows: each looked up once per language."""
    key = (text, get_language())
    if key not in rules.kinds:
        rules.kinds[key] = choice_value(text, Customer.Kind) if text else None
    return rules.kinds[key]


def _columns(headers: list[str]) -> dict[str, str]:
    found = {}
    for name, aliases in COLUMNS.items():
        accepted = {a.lower() for a in [*aliases, column_label(name)]}
        for header in headers:
            if header.strip().lower() in accepted:
                found[name] = header
    return found


def _owner_regions() -> dict[int, set[int]]:
    regions: dict[int, set[int]] = {}
    memberships = get_user_model().regions.through.objects.filter(user__is_active=True)
    for user_id, region_id in memberships.values_list("user_id", "region_id"):
        regions.setdefault(user_id, set()).add(region_id)
    return regions


def customers_import(
    *,
    rows: list[dict[str, str]],
    by: Actor,
    commit: bool,
    beat: Callable[[], None] | None = None,
) -> ImportResult:
    """Check every row; with commit=True and no errors, create all customers in one go.
    `beat` is called every few hundred rows: the run's heartbeat (core.imports)."""
    result = ImportResult()
    columns = _columns(list(rows[0]) if rows else [])
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        result.errors.append(RowError(1, ", ".join(missing), _("Missing column.")))
        return result
    active = get_user_model().objects.filter(is_active=True)
    rules = CustomerRules(
        regions=dict(Region.objects.values_list("code", "pk"))
        | dict(Region.objects.values_list("name", "pk")),
        owners=dict(active.values_list("username", "pk")),
        owner_names=owner_names(active),
        default_owner_id=getattr(by, "pk", None),
        owner_regions=_owner_regions(),
    )
    for number, raw in numbered(rows):
        value = {name: raw.get(header, "").strip() for name, header in columns.items()}
        _import_row(result, number, value, rules, by)
        if beat is not None and number % 500 == 0:
            beat()
    if commit and result.ok:
        _write(result, by)
    for error in result.errors:  # for people: the column as the file names it, not its code
        error.label = ", ".join(_column_label(c.strip(), columns) for c in error.column.split(","))
    return result


def _column_label(name: str, columns: dict[str, str]) -> str:
    if name in columns:
        return columns[name]
    try:
        return str(Customer._meta.get_field(name.removesuffix("_id")).verbose_name)
    except FieldDoesNotExist:
        aliases = COLUMNS.get(name)
        return aliases[-1] if aliases else name


def _import_row(
    result: ImportResult, number: int, value: dict[str, str], rules: CustomerRules, by: Actor
) -> None:
    """One row: to create, to update (the customer exists and the row differs), unchanged,
    or its errors."""
    checked = customer_row_check(value, rules=rules)
    billing, billing_errors = _billing_check(value)
    checked.errors.extend(billing_errors)
    if not billing_errors and by is not None and not by.has_perm(TERMS_PERMISSION):
        # a rep takes customers on with the default terms (issue 15 §3)
        checked.errors.extend(
            (name, _("Only a clerk with the permission or a manager may set this field."))
            for name, default in DEFAULT_TERMS.items()
            if to_decimal(billing[name]) != default
        )
    existing = _existing(checked.values, value.get("name", ""))
    if existing is None:
        customer_repeats_check(checked, rules=rules)
        if problem := _tax_id_taken(checked.values, by):
            checked.errors.append(("tax_id", problem))
    if checked.errors:
        result.errors.extend(RowError(number, column, m) for column, m in checked.errors)
        return
    code = checked.values["code"]
    row: dict[str, Any] = {"row": number, "name": value["name"], "code": code}
    if existing is not None:
        changes = _compare(result, number, existing, value, checked.values | billing)
        target = result.to_update if changes else result.unchanged
        target.append({**row, "existing": existing.code, "pk": existing.pk, "changes": changes})
        return
    row["data"] = checked.values | billing
    row["contact"] = {
        "name": value.get("contact_name", ""),
        "title": value.get("contact_title", ""),
        "phone": value.get("contact_phone", ""),
    }
    result.to_create.append(row)


def _billing_check(value: dict[str, str]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The fields only this import reads: grade, credit, terms and the billing details."""
    errors = []
    invoice_type = Customer.InvoiceType.DIGITAL
    if value.get("invoice_type"):
        invoice_type = choice_value(value["invoice_type"], Customer.InvoiceType)
        if invoice_type is None:
            errors.append(("invoice_type", _("Unknown invoice type “%s”.") % value["invoice_type"]))
    credit = "0"
    if value.get("credit_limit"):
        try:
            credit = str(round_amount(to_decimal(value["credit_limit"])))
        except (ValueError, InvalidOperation):
            errors.append(("credit_limit", _("Not an amount.")))
    terms = value.get("payment_terms_days") or "30"
    if not is_ascii_digits(terms):
        errors.append(("payment_terms_days", _("Not a whole number of days.")))
    billing = {
        "grade": value.get("grade") or "B",
        "credit_limit": credit,
        "payment_terms_days": int(terms) if is_ascii_digits(terms) else 30,
        "invoice_type": invoice_type,
        **{
            name: value.get(name, "")
            for name in (
                "legal_name",
                "address",
                "phone",
                "bank_name",
                "bank_account",
                "invoice_email",
            )
        },
    }
    return billing, errors


def _existing(values: dict[str, Any], name: str) -> Customer | None:
    """The customer a row names already: by code, by head office tax id with the same name,
    by name in the region."""
    if values["code"]:
        found = Customer.objects.filter(code=values["code"]).first()
        if found is not None:
            return found
    if values["tax_id"]:
        found = Customer.objects.filter(tax_id=values["tax_id"], is_branch=False, name=name).first()
        if found is not None:
            return found
    if values["region_id"] is not None:
        return Customer.objects.filter(name=name, region_id=values["region_id"]).first()
    return None


def _tax_id_taken(values: dict[str, Any], by: Actor) -> str | None:
    """A new customer's tax id that a head office has: the services' refusal, naming that
    customer when the user may see it."""
    if not values["tax_id"] or uscc_problem(values["tax_id"]):
        return None
    customer = Customer(
        tax_id=values["tax_id"], region_id=values["region_id"], owner_id=values["owner_id"]
    )
    try:
        check_customer(customer, by=by, confirm_duplicate_name=True)
    except DuplicateTaxId as error:
        return str(error.message)
    except ApplicationError:
        return None  # the row's owner and region: refused, if at all, when it is written
    return None


def _shown(name: str, value: Any) -> str:
    """A value as people read it: a region's or owner's name, a choice's label, 2.5."""
    if value in (None, ""):
        return ""
    if name == "region_id":
        return str(Region.objects.filter(pk=value).first() or value)
    if name == "owner_id":
        owner = get_user_model().objects.filter(pk=value).first()
        return (owner.get_full_name() or owner.username) if owner else str(value)
    model_field = Customer._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if name == "credit_limit":
        return f"{to_decimal(str(value)).normalize():f}"
    return str(value)


def _compare(
    result: ImportResult, number: int, customer: Customer, value: dict[str, str], new: dict
) -> dict[str, Any]:
    """The row's differences from the customer already there, each recorded; returns
    those the import applies. Only cells the file fills are compared (an empty cell, or a
    column the file lacks, leaves the field as it is)."""
    given = {name for name, text in value.items() if text}
    fields = ["name", "kind", "region_id", "owner_id", "grade", "credit_limit"]
    fields += ["payment_terms_days", "invoice_type", "tax_id"]
    fields += ["legal_name", "address", "phone", "bank_name", "bank_account", "invoice_email"]
    changes = {}
    for name in fields:
        column = name.removesuffix("_id") if name in ("region_id", "owner_id") else name
        if column not in given:
            continue
        old, wanted = getattr(customer, name), new.get(name)
        if name == "credit_limit":
            same = to_decimal(str(old)) == to_decimal(str(wanted))
        else:
            same = str(old if old is not None else "") == str(wanted if wanted is not None else "")
        if same:
            continue
        applied = column not in REFUSED_FIELDS
        label = str(Customer._meta.get_field(column).verbose_name)
        result.differences.append(
            Difference(
                number,
                customer.code,
                column,
                label,
                _shown(name, old),
                _shown(name, wanted),
                applied,
            )
        )
        if applied:
            changes[name] = wanted
    return changes


@transaction.atomic
def _write(result: ImportResult, by: Actor) -> None:
    """The new customers created, the changed ones updated (each audited by its service);
    anything a service refuses is reported and nothing is written."""
    if not _update(result, by):
        return
    for row in result.to_create:
        try:
            # A name in another region is another customer: the import names its customers
            # by name within a region (_existing), and the preview lists them all.
            customer = customer_create(by=by, confirm_duplicate_name=True, **row["data"])
        except ApplicationError as error:
            # Checked above, but the services have the last word: report it, write nothing.
            fields = error.extra.get("fields") or {"": [error.message]}
            result.errors.extend(
                RowError(row["row"], column, str(m)) for column, ms in fields.items() for m in ms
            )
            transaction.set_rollback(True)
            result.created = result.updated = 0
            return
        if row["contact"]["name"]:
            contact_create(customer=customer, by=by, is_primary=True, **row["contact"])
        result.created += 1


def _update(result: ImportResult, by: Actor) -> bool:
    for row in result.to_update:
        customer = Customer.objects.get(pk=row["pk"])
        try:
            customer_update(customer=customer, by=by, confirm_duplicate_name=True, **row["changes"])
        except ApplicationError as error:
            fields = error.extra.get("fields") or {"": [error.message]}
            result.errors.extend(
                RowError(row["row"], column, str(m)) for column, ms in fields.items() for m in ms
            )
            transaction.set_rollback(True)
            result.updated = 0
            return False
        result.updated += 1
    return True


@permission_required("parties.add_customer")
def customer_import_run(
    *, content: bytes, filename: str, by: Actor, again: bool = False
) -> tuple[CustomerImport, ImportResult]:
    """Import a file of customers, with its record: the file's sha256 and size, the counts
    (created, updated, unchanged) and each difference (issue 15 §22). One import at a time
    per user within the day's limits; a file imported before is refused unless `again`."""
    record = _record(content=content, filename=filename, by=by, again=again)
    return record, _run(record, content, by)


def _record(*, content: bytes, filename: str, by: Actor, again: bool) -> CustomerImport:
    """The import's record, and its file kept until it succeeds: a failed import (or one
    whose worker was stopped) is retried from it (customer_import_retry)."""
    sha256, size = digest([content])
    import_quota_check(CustomerImport, by=by, size_bytes=size)
    already_imported_check(CustomerImport, sha256=sha256, again=again)
    record = CustomerImport.objects.create(
        created_by=by, filename=filename[:255], sha256=sha256, size_bytes=size
    )
    import_file_keep(import_file(record), content)
    return record


def _run(record: CustomerImport, content: bytes, by: Actor) -> ImportResult:
    import_started(record)
    try:
        rows = read_table(content, filename=record.filename)
        result = customers_import(
            rows=rows, by=by, commit=True, beat=lambda: import_heartbeat(record)
        )
    except ApplicationError as error:
        result = ImportResult(errors=[RowError(1, "", str(error.message))])
    record.status = CustomerImport.Status.SUCCEEDED if result.ok else CustomerImport.Status.FAILED
    record.counts = result.counts()
    record.differences = [asdict(d) for d in result.differences]
    record.errors = [asdict(e) for e in result.errors]
    record.finished_at = timezone.now()
    record.save(
        update_fields=["status", "counts", "differences", "errors", "finished_at", "updated_at"]
    )
    audit_record(by=by, action=AuditEvent.Action.IMPORT, obj=record, changes=record.counts)
    if result.ok:
        import_file_drop(import_file(record))
    return result


def import_file(record: CustomerImport) -> str:
    """Where an import's file waits for the worker, and stays until the import succeeds
    (its name in the shared storage: core.imports)."""
    suffix = Path(record.filename).suffix.lower()
    return f"imports/customers/{record.pk}{suffix}"


@permission_required("parties.add_customer")
def customer_import_queue(
    *, content: bytes, filename: str, by: Actor, again: bool = False
) -> CustomerImport:
    """A file above IMPORT_SYNC_MAX_BYTES: kept, and imported by the task worker (issue 15
    §8: no request holds a worker while thousands of rows are checked). Its record shows
    the progress and then the result, as customer_import_run's does."""
    table_format(filename)  # an unknown kind of file is refused now, not in the worker
    with transaction.atomic():
        record = _record(content=content, filename=filename, by=by, again=again)
        _enqueue(record)
    return record


def _enqueue(record: CustomerImport) -> None:
    # The task writes its problems in the language of the person who asked.
    language = translation.get_language() or settings.LANGUAGE_CODE
    transaction.on_commit(lambda: customer_import_task.enqueue(record.pk, language=language))


def _has_file(record: CustomerImport) -> bool:
    return import_file_exists(import_file(record))


@permission_required("parties.add_customer")
def customer_import_retry(*, customer_import: CustomerImport, by: Actor) -> CustomerImport:
    """A failed import (its file had errors, or its worker was stopped: issue 15 §16) run
    again from the file it kept, by the task worker, as the person who uploaded it."""
    with transaction.atomic():
        record = import_retry(customer_import, by=by, has_files=_has_file, clear=["differences"])
        _enqueue(record)
    return record


@task()
def customer_import_task(record_id: int, language: str = "") -> str:
    with translation.override(language or settings.LANGUAGE_CODE):
        record = CustomerImport.objects.select_related("created_by").get(pk=record_id)
        if record.status != CustomerImport.Status.QUEUED:
            return record.status  # run already (a task delivered twice)
        _run(record, import_file_read(import_file(record)), record.created_by)
        return record.status


def customer_import_visible_to(user: Any) -> QuerySet[CustomerImport]:
    """Whoever sees all customers sees every import; anyone else their own."""
    imports = CustomerImport.objects.all()
    if user.has_perm("parties.view_all_customers"):
        return imports
    return imports.filter(created_by=user)


def stale_customer_imports_fail() -> dict[str, int]:
    """The daily job: imports whose request died mid-run are marked failed (core.imports)."""
    return {"failed": imports_fail_stale(CustomerImport)}
