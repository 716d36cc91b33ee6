"""The read side of reports: one module per report (sales, billing, contracts, the
dashboard's KPIs, the report pack's sections). Nothing writes here (decision 0007)."""
