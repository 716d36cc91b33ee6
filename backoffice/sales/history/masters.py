"""Master data: regions, reps, products and customers, from the small files. Each row is
checked in Python (customers by the rules every customer import shares,
parties.imports.customer_row_check), and the new ones are written through their own apps'
bulk services, which audit each; rows that exist already (by code) are left alone. With a
problem anywhere nothing is written, but the codes still count as known, so that the
orders' checks report only their own problems."""

import re
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from backoffice.accounts.models import Region
from backoffice.accounts.services import region_bulk_create, user_bulk_create
from backoffice.catalog.models import Product
from backoffice.catalog.services import product_bulk_create
from backoffice.core.exceptions import ApplicationError
from backoffice.parties.imports import CustomerRules, customer_repeats_check, customer_row_check
from backoffice.parties.models import Customer
from backoffice.parties.services import customer_bulk_create
from backoffice.sales.history.context import (
    DEFAULT_VAT,
    PRICE_RE,
    HistoryImportFailed,
    Run,
    number_pattern,
)
from backoffice.sales.history.files import parse_decimal, records

# The customers file's columns, as the customer rules name them.
CUSTOMER_FIELDS = {"region_code": "region", "rep_code": "owner"}
CUSTOMER_COLUMNS = {field: column for column, field in CUSTOMER_FIELDS.items()}


def regions(run: Run) -> None:
    existing = dict(Region.objects.values_list("code", "pk"))
    run.region_ids = dict(existing)
    new = []
    if "regions" in run.sources:
        for line, row in records(run, "regions"):
            code = row["code"]
            if not re.match(r"^[-a-zA-Z0-9_]{1,32}$", code):
                run.problem("regions", line, "code", _("Use 1 to 32 letters, digits, - or _."))
                continue
            if not row["name"] or len(row["name"]) > 100:
                run.problem("regions", line, "name", _("A name of 1 to 100 characters."))
            if code in run.region_ids:
                if code not in existing:
                    run.problem("regions", line, "code", _("This code is in the file twice."))
                continue
            run.region_ids[code] = 0
            new.append({"code": code, "name": row["name"]})
    if not run.problems:
        if new:
            _write(run, "regions", region_bulk_create, rows=new)
        run.counts["regions"] = len(new)
    run.region_ids.update(dict(Region.objects.values_list("code", "pk")))


def reps(run: Run) -> None:
    run.rep_ids = dict(get_user_model().objects.values_list("username", "pk"))
    if "reps" not in run.sources:
        return
    validator = UnicodeUsernameValidator()
    new: dict[str, dict[str, Any]] = {}
    for line, row in records(run, "reps"):
        code = row["code"]
        try:
            validator(code)
        except ValidationError:
            run.problem("reps", line, "code", _("Letters, digits and @ . + - _ only."))
            continue
        if not code or len(code) > 150:
            run.problem("reps", line, "code", _("Required."))
            continue
        if row["region_code"] not in run.region_ids:
            run.problem("reps", line, "region_code", _("Unknown region “%s”.") % row["region_code"])
        if code in run.rep_ids:
            if code in new:
                run.problem("reps", line, "code", _("This code is in the file twice."))
            continue
        new[code] = {
            "username": code,
            "full_name": row["name"][:100],
            "region_codes": [row["region_code"]],
        }
        run.rep_ids[code] = 0
    if run.problems:
        return
    if new:
        users = _write(run, "reps", user_bulk_create, rows=list(new.values()), role="rep")
        run.rep_ids.update({user.username: user.pk for user in users})
    run.counts["reps"] = len(new)


def products(run: Run) -> None:
    existing = set(Product.objects.values_list("code", flat=True))
    run.product_codes = existing
    if "products" not in run.sources:
        return
    new: dict[str, dict[str, Any]] = {}
    for line, row in records(run, "products"):
        code = row["code"]
        if not code or len(code) > 32:
            run.problem("products", line, "code", _("A code of 1 to 32 characters."))
            continue
        if not row["name"] or len(row["name"]) > 200:
            run.problem("products", line, "name", _("A name of 1 to 200 characters."))
        if len(row["unit"]) > 20:
            run.problem("products", line, "unit", _("At most 20 characters."))
        price = parse_decimal(row["list_price"], PRICE_RE)
        if price is None:
            run.problem("products", line, "list_price", _("A price of 0 or more, like 12.50."))
        rate = _vat_rate(row.get("vat_rate", ""))
        if rate is None:
            run.problem(
                "products", line, "vat_rate", _("A rate such as 0.13, or 13 with a percent sign.")
            )
            continue
        if code in new:
            run.problem("products", line, "code", _("This code is in the file twice."))
            continue
        if code in existing:
            continue
        new[code] = {
            "code": code,
            "name": row["name"],
            "unit": row["unit"] or "盒",
            "list_price": price or 0,
            "vat_rate": rate,
        }
    if not run.problems:
        if new:
            _write(run, "products", product_bulk_create, rows=list(new.values()))
        run.counts["products"] = len(new)
    run.product_codes = existing | set(new)


def _vat_rate(text: str) -> Any:
    """0.13 or 13%; none given is the usual 13%; None when it is not a rate."""
    if not text:
        return DEFAULT_VAT
    rate = parse_decimal(text.rstrip("%"), number_pattern(2, 4))
    if rate is not None and text.endswith("%"):
        rate = rate / 100
    return None if rate is None or rate >= 1 else rate


def customers(run: Run) -> list[dict[str, Any]]:
    """The customers file checked: its new customers' rows, to write (customers_write)
    once the orders' checks may start; their codes are known from here on."""
    run.customer_ids = dict(Customer.objects.values_list("code", "pk"))
    if "customers" not in run.sources:
        return []
    rules = CustomerRules(regions=run.region_ids, owners=run.rep_ids, code_required=True)
    new: dict[str, dict[str, Any]] = {}
    for line, row in records(run, "customers"):
        checked = customer_row_check(
            {CUSTOMER_FIELDS.get(name, name): value for name, value in row.items()},
            rules=rules,
        )
        code = checked.values["code"]
        if code not in run.customer_ids:
            customer_repeats_check(checked, rules=rules)
        for field, message in checked.errors:
            run.problem("customers", line, CUSTOMER_COLUMNS.get(field, field), message)
        if checked.errors or code in run.customer_ids:
            continue
        tax_id = checked.values["tax_id"]
        new[code] = checked.values | {
            "status": Customer.Status.ACTIVE,
            "legal_name": row["name"] if tax_id else "",
        }
    run.customer_ids.update(dict.fromkeys(new, 0))  # known to the orders' checks
    return list(new.values())


def customers_write(run: Run, rows: list[dict[str, Any]]) -> None:
    """The new customers, when no file had a problem."""
    if "customers" not in run.sources or run.problems:
        return
    if rows:
        created = _write(run, "customers", customer_bulk_create, rows=rows)
        run.customer_ids.update({customer.code: customer.pk for customer in created})
    run.counts["customers"] = len(rows)


def _write(run: Run, name: str, service: Callable[..., Any], **arguments: Any) -> Any:
    """The owning app's bulk service, which has the last word: what it refuses (a code
    taken meanwhile, say) is the file's problem, and nothing is written."""
    try:
        return service(by=run.by, note=run.note, **arguments)
    except ApplicationError as exc:
        column = next(iter(exc.extra.get("fields") or {"": None}))
        run.problem(name, 0, column, exc.message)
        raise HistoryImportFailed(run.problems) from exc
