"""Writes of materials, one module per aggregate (decision 0007): the catalog and its
locations, the stock ledger, receipts, issues."""

from backoffice.materials.services.issues import (
    REVIEW_LEVELS,
    issue_cancel,
    issue_create,
    issue_release,
    issue_return,
    issue_return_to_draft,
    issue_submit,
    issue_update,
)
from backoffice.materials.services.items import bag_of, item_save, location_create
from backoffice.materials.services.printing import printing_cancel, printing_order, printing_receive
from backoffice.materials.services.receipts import receipt_create
from backoffice.materials.services.stock import (
    Movement,
    allocate,
    locations_open,
    move_between,
    stock_check,
    stock_post,
    take_out,
    taken_back,
)
from backoffice.materials.services.stocktakes import (
    STOCKTAKE_LEVELS,
    count_rows,
    stocktake_approve,
    stocktake_cancel,
    stocktake_count,
    stocktake_recount,
    stocktake_start,
    stocktake_submit,
    stocktake_variances,
)
from backoffice.materials.services.transfers import transfer_create

__all__ = [
    "REVIEW_LEVELS",
    "STOCKTAKE_LEVELS",
    "Movement",
    "allocate",
    "bag_of",
    "count_rows",
    "issue_cancel",
    "issue_create",
    "issue_release",
    "issue_return",
    "issue_return_to_draft",
    "issue_submit",
    "issue_update",
    "item_save",
    "location_create",
    "locations_open",
    "move_between",
    "printing_cancel",
    "printing_order",
    "printing_receive",
    "receipt_create",
    "stock_check",
    "stock_post",
    "stocktake_approve",
    "stocktake_cancel",
    "stocktake_count",
    "stocktake_recount",
    "stocktake_start",
    "stocktake_submit",
    "stocktake_variances",
    "take_out",
    "taken_back",
    "transfer_create",
]
