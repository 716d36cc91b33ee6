"""A deterministic synthetic history in the import format (issue #6): regions, reps,
customers, products, orders and order lines over three years, and opening balances.

    python -m bench.dataset DIR [--orders N]

The same seed and size always give the same files, byte for byte. The default is 200,000
orders (about a million lines, 20,000 customers, 500 products, 60 reps, 6 regions); smaller
sizes scale customers and products down with the orders, for a quick run or a test.
"""

import argparse
import csv
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import accumulate
from pathlib import Path

REGIONS = [
    ("E", "华东"),
    ("N", "华北"),
    ("S", "华南"),
    ("W", "西部"),
    ("C", "华中"),
    ("NE", "东北"),
]
KINDS = ["hospital", "distributor", "pharmacy", "enterprise"]
FIRST_DAY = date(2023, 1, 1)
DAYS = 3 * 365  # 2023-01-01 … 2025-12-31


@dataclass(frozen=True)
class Size:
    orders: int
    customers: int
    products: int
    reps: int

    @classmethod
    def for_orders(cls, orders: int) -> "Size":
        """200,000 orders → 20,000 customers, 500 products, 60 reps; smaller runs shrink."""
        return cls(
            orders=orders,
            customers=max(20, min(20_000, orders // 10)),
            products=max(10, min(500, orders // 400)),
            reps=max(6, min(60, orders // 3_000)),
        )


def generate(
    directory: Path, size: Size, *, seed: int = 2026, first_day: date = FIRST_DAY, prefix: str = "H"
) -> dict[str, int]:
    """Writes the CSV files into `directory`; returns how many rows each has. The orders are
    numbered <prefix>0000001…, over the three years from `first_day`; with the same seed the
    master data and the orders are the same whatever those two."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}

    def write(name: str, header: list[str], rows) -> None:
        with (directory / name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            count = 0
            for row in rows:
                writer.writerow(row)
                count += 1
        counts[name] = count

    write("regions.csv", ["code", "name"], REGIONS)
    reps = [(f"R{n:03d}", f"代表{n:03d}", REGIONS[n % len(REGIONS)][0]) for n in range(size.reps)]
    write("reps.csv", ["code", "name", "region_code"], reps)
    customers = []
    for n in range(size.customers):
        rep = reps[rng.randrange(len(reps))]
        kind = KINDS[rng.randrange(len(KINDS))]
        customers.append((f"C{n:05d}", f"客户{n:05d}号", kind, rep[2], rep[0], ""))
    write("customers.csv", ["code", "name", "kind", "region_code", "rep_code", "tax_id"], customers)
    products = []
    for n in range(size.products):
        price = Decimal(rng.randrange(500, 200_000)) / 100
        products.append((f"P{n:04d}", f"产品{n:04d}", "盒", str(price)))
    write("products.csv", ["code", "name", "unit", "list_price"], products)
    # Popular products and busy customers: a skew, as in real sales.
    cumulative = list(accumulate(1 / (1 + n) ** 0.6 for n in range(size.products)))
    indexes = range(size.products)
    order_rows: list[tuple] = []

    def orders():
        for n in range(size.orders):
            customer = customers[min(int(rng.paretovariate(1.2)) - 1, size.customers - 1)]
            if rng.random() < 0.7:
                customer = customers[rng.randrange(size.customers)]
            day = first_day + timedelta(days=rng.randrange(DAYS))
            number = f"{prefix}{n + 1:07d}"
            order_rows.append((number, n))
            yield (number, day.isoformat(), customer[0], customer[4])

    def lines():
        for number, _n in order_rows:
            chosen = set()
            for line_no in range(1, rng.randint(1, 9) + 1):
                index = rng.choices(indexes, cum_weights=cumulative)[0]
                if index in chosen:
                    continue
                chosen.add(index)
                list_price = Decimal(products[index][3])
                price = (list_price * Decimal(rng.randrange(80, 101)) / 100).quantize(
                    Decimal("0.01")
                )
                quantity = rng.randrange(1, 60)
                yield (number, line_no, products[index][0], quantity, str(price))

    write("orders.csv", ["number", "date", "customer_code", "rep_code"], orders())
    write(
        "order_lines.csv",
        ["order_number", "line_no", "product_code", "quantity", "unit_price"],
        lines(),
    )
    balances = []
    for customer in customers[:: max(1, size.customers // 1000)]:
        amount = Decimal(rng.randrange(10_000, 5_000_000)) / 100
        balances.append((customer[0], str(amount), "2025-12-31"))
    write("opening_balances.csv", ["customer_code", "amount", "as_of"], balances)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("directory", type=Path)
    parser.add_argument("--orders", type=int, default=200_000)
    args = parser.parse_args()
    counts = generate(args.directory, Size.for_orders(args.orders))
    for name, count in counts.items():
        print(f"{name}: {count:,} rows")


if __name__ == "__main__":
    main()
