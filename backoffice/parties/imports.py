"""Customer import from .xlsx / .csv (DOMAIN §1; issue: preview first, errors per row and
column, a file with errors writes nothing, the same file twice adds nothing)."""

from dataclasses import dataclass, field
from decimal import InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from backoffice.accounts.models import Region
from backoffice.core.exceptions import ApplicationError
from backoffice.core.money import to_decimal
from backoffice.parties.models import Customer
from backoffice.parties.services import contact_create, customer_create
from backoffice.parties.validators import uscc_problem

# Column headers accepted, English or Chinese, for each field.
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


@dataclass
class RowError:
    row: int  # the spreadsheet's row number (the header is row 1)
    column: str
    message: str


@dataclass
class ImportResult:
    to_create: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    created: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


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


def _columns(headers: list[str]) -> dict[str, str]:
    found = {}
    for name, aliases in COLUMNS.items():
        for header in headers:
            if header.strip().lower() in {a.lower() for a in aliases}:
                found[name] = header
    return found


def customers_import(*, rows: list[dict[str, str]], by: Any, commit: bool) -> ImportResult:
    """Check every row; with commit=True and no errors, create all customers in one go."""
    result = ImportResult()
    columns = _columns(list(rows[0]) if rows else [])
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        result.errors.append(RowError(1, ", ".join(missing), _("Missing column.")))
        return result
    regions = {r.code: r for r in Region.objects.all()} | {r.name: r for r in Region.objects.all()}
    users = {u.username: u for u in get_user_model().objects.filter(is_active=True)}
    seen_codes, seen_tax_ids = set(), set()
    for number, raw in enumerate(rows, start=2):
        value = {name: raw.get(header, "").strip() for name, header in columns.items()}
        errors = []

        def error(column: str, message: str, _errors=errors, _n=number) -> None:
            _errors.append(RowError(_n, column, message))

        for name in REQUIRED:
            if not value.get(name):
                error(name, _("Required."))
        kind = choice_value(value.get("kind", ""), Customer.Kind) if value.get("kind") else None
        if value.get("kind") and kind is None:
            error("kind", _("Unknown kind “%s”.") % value["kind"])
        region = regions.get(value.get("region", ""))
        if value.get("region") and region is None:
            error("region", _("Unknown region “%s”.") % value["region"])
        owner = users.get(value.get("owner", "")) if value.get("owner") else by
        if owner is None:
            error("owner", _("Unknown user “%s”.") % value["owner"])
        tax_id = value.get("tax_id", "").upper().replace(" ", "")
        if tax_id and (problem := uscc_problem(tax_id)):
            error("tax_id", problem)
        invoice_type = Customer.InvoiceType.DIGITAL
        if value.get("invoice_type"):
            invoice_type = choice_value(value["invoice_type"], Customer.InvoiceType)
            if invoice_type is None:
                error("invoice_type", _("Unknown invoice type “%s”.") % value["invoice_type"])
        credit = "0"
        if value.get("credit_limit"):
            try:
                credit = str(to_decimal(value["credit_limit"]).quantize(to_decimal("0.01")))
            except (ValueError, InvalidOperation):
                error("credit_limit", _("Not an amount."))
        terms = value.get("payment_terms_days") or "30"
        if not terms.isdigit():
            error("payment_terms_days", _("Not a whole number of days."))
        code = value.get("code", "")
        existing = None
        if code:
            existing = Customer.objects.filter(code=code).first()
        if existing is None and tax_id:
            existing = Customer.objects.filter(tax_id=tax_id, is_branch=False).first()
        if existing is None and region is not None:
            existing = Customer.objects.filter(name=value.get("name", ""), region=region).first()
        if existing is None:
            if code and code in seen_codes:
                error("code", _("The code appears twice in this file."))
            if tax_id and tax_id in seen_tax_ids:
                error("tax_id", _("The tax id appears twice in this file."))
        seen_codes.add(code)
        seen_tax_ids.add(tax_id)
        if errors:
            result.errors.extend(errors)
            continue
        row = {"row": number, "name": value["name"], "code": code}
        if existing is not None:
            result.skipped.append({**row, "existing": existing.code})
            continue
        row["data"] = {
            "code": code,
            "name": value["name"],
            "kind": kind,
            "grade": value.get("grade") or "B",
            "region": region,
            "owner": owner,
            "credit_limit": credit,
            "payment_terms_days": int(terms),
            "legal_name": value.get("legal_name", ""),
            "tax_id": tax_id,
            "address": value.get("address", ""),
            "phone": value.get("phone", ""),
            "bank_name": value.get("bank_name", ""),
            "bank_account": value.get("bank_account", ""),
            "invoice_type": invoice_type,
            "invoice_email": value.get("invoice_email", ""),
        }
        row["contact"] = {
            "name": value.get("contact_name", ""),
            "title": value.get("contact_title", ""),
            "phone": value.get("contact_phone", ""),
        }
        result.to_create.append(row)
    if commit and result.ok:
        _create(result, by)
    return result


@transaction.atomic
def _create(result: ImportResult, by: Any) -> None:
    for row in result.to_create:
        try:
            customer = customer_create(by=by, **row["data"])
        except ApplicationError as error:
            # Checked above, but the services have the last word: report it, write nothing.
            fields = error.extra.get("fields") or {"": [error.message]}
            result.errors.extend(
                RowError(row["row"], column, str(m)) for column, ms in fields.items() for m in ms
            )
            transaction.set_rollback(True)
            result.created = 0
            return
        if row["contact"]["name"]:
            contact_create(customer=customer, by=by, is_primary=True, **row["contact"])
        result.created += 1
