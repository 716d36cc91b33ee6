"""Who may do what, where separation of duties matters (issue 15 §3, §20): the role ×
action table. Data only (this layer imports no domain app); each app grants the permission
behind each action in its AppConfig.ready(), the README shows the table, and
tests/platform/test_role_actions.py tries every service as every role against it.

"Ask" actions take effect only once reviewed (never by the asker): a customer's credit limit
or status by one reviewer with parties.review_customer_terms; an approved order's,
contract's or expense application's undo, or an issued invoice's red letter, with the
original's own review levels.
"""

ROLE_ACTIONS: dict[str, frozenset[str]] = {
    # change a customer's credit limit, payment terms, status (blocks) and region
    "change_customer_terms": frozenset({"clerk", "sales_manager", "regional_manager", "admin"}),
    # decide on a change of credit limit or status (one reviewer)
    "review_customer_terms": frozenset(
        {"sales_manager", "regional_manager", "general_manager", "finance", "admin"}
    ),
    # ask to cancel an approved, numbered sales order
    "ask_order_cancellation": frozenset({"rep", "clerk", "sales_manager", "admin"}),
    # ask to cancel an approved contract, or to terminate one in force
    "ask_contract_end": frozenset({"rep", "sales_manager", "admin"}),
    # ask to cancel an approved expense application (its commitment goes back to the budget)
    "ask_expense_cancellation": frozenset({"rep", "sales_manager", "admin"}),
    # let an expense application exceed its budget, saying why
    "override_budget": frozenset({"general_manager", "admin"}),
    # record a contract's signature (it binds the company)
    "sign_contract": frozenset({"sales_manager", "admin"}),
    # ask for a red letter reversing an issued invoice (issued once reviewed with the
    # invoice's own levels: two reviewers)
    "ask_red_letter": frozenset({"finance", "admin"}),
    # release materials and samples out of stock (one of the two reviews of an issue; never
    # the one who asked, entered it or receives it)
    "review_material_issue": frozenset({"clerk", "warehouse", "admin"}),
    # approve a stocktake's variances, which adjusts the stock (never whoever counted); its
    # review level names the role: the administrator is not a sales manager
    "approve_stocktake": frozenset({"sales_manager"}),
    # settle a carrier's monthly bill: its fees written to the register, the month locked
    "settle_carrier_bill": frozenset({"clerk", "admin"}),
}
