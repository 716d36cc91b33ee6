"""The monthly sums of each product over every region (SalesMonth's fifth grain: customer_id
−1, region 0), from its sums by region, for the reports by product of those who see every
region (issue 16): a sixth of the rows to sum."""

from django.db import migrations, models

KEY = "basis, product_id, customer_id, month, region_id, owner_id, customer_kind, category_id"
SUMS = "quantity, gross_amount, net_amount, orders"


class Migration(migrations.Migration):
    dependencies = [("sales", "0017_sales_month_statistics")]

    operations = [
        migrations.RunSQL(
            f"INSERT INTO sales_salesmonth ({KEY}, {SUMS}) SELECT basis, product_id, -1, month, "
            "0, 0, '', category_id, SUM(quantity), SUM(gross_amount), SUM(net_amount), "
            "SUM(orders) FROM sales_salesmonth WHERE product_id > 0 AND customer_id = 0 "
            "GROUP BY basis, product_id, month, category_id",
            "DELETE FROM sales_salesmonth WHERE product_id > 0 AND customer_id = -1",
            elidable=False,
        ),
        migrations.AddIndex(
            model_name="salesmonth",
            index=models.Index(
                condition=models.Q(("customer_id", -1)),
                fields=["basis", "month"],
                name="sales_month_every_region",
            ),
        ),
    ]
