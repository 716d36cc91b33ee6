"""`make bench-load`: mixed traffic against a real server (issue 15, Load).

Serves the demo company with gunicorn (PostgreSQL when BENCH_DATABASE_URL names one, else the
SQLite file var/load/backoffice.sqlite3), then runs the traffic three times:

1. one user, back to back: what one request costs with nothing else going on;
2. LOAD_USERS (20) concurrent users, each pausing between two actions for a think time drawn
   uniformly from 0.5 to 1.5 × LOAD_THINK_SECONDS (1 s): the goals apply here;
3. the same users with no think time at all (a saturation run): the server's capacity on
   this machine, in requests per second, and the latency when every user is always waiting.
   No goal: a closed loop of N users with no pause answers in N ÷ throughput on average,
   whatever the code does, so this run tells how far the machine is from its limit.

A person at the back office reads a screen before the next click: one action a second per
user is several times a busy clerk's pace, so 20 such users load the server like a large
office. Each user is a thread with its own keep-alive connection; each request is timed from
send to the last byte of the answer.

Traffic, by weight: 70 % reads (order and customer lists and details, receipts, the sales
report, AR aging, pending reviews, the dashboard page), 20 % creates through the API (an order
with its submission for review, or a receipt), 10 % approvals (a sales manager approves a
submitted order). Goals at 20 users: reads p95 ≤ 300 ms, writes p95 ≤ 500 ms, 0 errors.

Environment: BENCH_DATABASE_URL, LOAD_USERS (20), LOAD_SECONDS (60), LOAD_THINK_SECONDS (1),
LOAD_SATURATION_SECONDS (30; 0 skips the run), LOAD_SINGLE_REQUESTS (200),
LOAD_WORKERS/LOAD_THREADS (gunicorn, 4 × 4), LOAD_PORT (8765), LOAD_VAR_DIR (var/load: the
SQLite file, uploads and static files of the served app). The exit status is 1 when a goal
is missed.
"""

import http.client
import json
import os
import queue
import random
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

if __package__ in (None, ""):  # run as a file: the project's root on the path, for `bench`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import server as http_server

ROOT = http_server.ROOT
VAR = Path(os.environ.get("LOAD_VAR_DIR", ROOT / "var" / "load"))
PORT = int(os.environ.get("LOAD_PORT", "8765"))
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{VAR / 'backoffice.sqlite3'}"
SERVER_ENV = http_server.server_env(DATABASE_URL, VAR)
GOALS = {"read": 0.300, "write": 0.500}


def prepare() -> dict:
    """Migrate, load the demo company, collect static files; tokens and a session for the
    bench's users; the ids the traffic picks from."""
    http_server.django_setup(SERVER_ENV)
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from backoffice.accounts.models import User
    from backoffice.catalog.models import Product
    from backoffice.parties.models import Customer
    from backoffice.sales.models import SalesOrder

    VAR.mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    if not User.objects.filter(username="clerk").exists():
        print("loading the demo company (a few minutes, once)")
        call_command("seed_demo", verbosity=0)
    http_server.collect_static(VAR)
    tokens = {
        name: Token.objects.get_or_create(user=User.objects.get(username=name))[0].key
        for name in ("clerk", "clerk2", "finance", "sales_manager", "gm", "manager_north")
    }
    manager = User.objects.get(username="sales_manager")
    customers = list(
        Customer.objects.filter(status="active").order_by("id").values_list("id", flat=True)[:200]
    )
    return {
        "tokens": tokens,
        "session": http_server.session_key(manager),
        "customers": customers,
        "products": list(Product.objects.order_by("id").values_list("id", flat=True)[:50]),
        "orders": list(SalesOrder.objects.order_by("-id").values_list("id", flat=True)[:300]),
    }


def serve():
    return http_server.serve(
        SERVER_ENV,
        PORT,
        workers=os.environ.get("LOAD_WORKERS", "4"),
        threads=os.environ.get("LOAD_THREADS", "4"),
    )


def stop(server) -> None:
    http_server.stop(server)


class User:
    """One simulated person: a keep-alive connection and the traffic mix."""

    def __init__(self, data: dict, approvals: queue.Queue, seed: int) -> None:
        self.data, self.approvals = data, approvals
        self.rng = random.Random(seed)
        self.connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        self.samples: list[tuple[str, str, int, float]] = []

    def call(self, kind: str, name: str, method: str, path: str, *, user: str, body=None):
        headers = {"Accept": "application/json"}
        if user == "session":
            headers["Cookie"] = f"sessionid={self.data['session']}"
            headers["Accept"] = "text/html"
        else:
            headers["Authorization"] = f"Token {self.data['tokens'][user]}"
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        start = time.perf_counter()
        try:
            self.connection.request(method, path, body=payload, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            self.connection.close()
            content, status = b"", 0
        self.samples.append((kind, name, status, time.perf_counter() - start))
        if status in (200, 201) and content[:1] == b"{":
            return json.loads(content)
        return None

    def read(self) -> None:
        rng, data = self.rng, self.data
        reader = rng.choice(["clerk", "sales_manager", "finance", "manager_north"])
        choice = rng.randrange(9)
        if choice == 0:
            self.call(
                "read", "GET order list", "GET", "/api/v1/sales/orders/?limit=50", user=reader
            )
        elif choice == 1:
            order = rng.choice(data["orders"])
            self.call("read", "GET order", "GET", f"/api/v1/sales/orders/{order}/", user="clerk")
        elif choice == 2:
            self.call("read", "GET customer list", "GET", "/api/v1/parties/customers/", user=reader)
        elif choice == 3:
            customer = rng.choice(data["customers"])
            path = f"/api/v1/parties/customers/{customer}/"
            self.call("read", "GET customer", "GET", path, user="clerk")
        elif choice == 4:
            self.call("read", "GET receipt list", "GET", "/api/v1/ledger/receipts/", user="finance")
        elif choice == 5:
            path = "/api/v1/reports/sales/?period=month&group_by=region"
            self.call("read", "GET sales report", "GET", path, user="sales_manager")
        elif choice == 6:
            self.call("read", "GET aging", "GET", "/api/v1/ledger/aging/", user="finance")
        elif choice == 7:
            path = "/api/v1/reviews/pending/"
            self.call("read", "GET pending reviews", "GET", path, user="sales_manager")
        else:
            self.call("read", "GET dashboard page", "GET", "/", user="session")

    def create(self) -> None:
        rng, data = self.rng, self.data
        if rng.random() < 0.5:
            body = {
                "customer": rng.choice(data["customers"]),
                "lines": [
                    {"product": product, "quantity": str(rng.randint(1, 5))}
                    for product in rng.sample(data["products"], rng.randint(1, 3))
                ],
            }
            order = self.call(
                "write", "POST order", "POST", "/api/v1/sales/orders/", user="clerk", body=body
            )
            if order:
                path = f"/api/v1/sales/orders/{order['id']}/submit/"
                if self.call("write", "POST order submit", "POST", path, user="clerk", body={}):
                    self.approvals.put(order["id"])
        else:
            body = {
                "customer": rng.choice(data["customers"]),
                "amount": f"{rng.randint(100, 99999)}.{rng.randint(0, 99):02d}",
                "received_on": time.strftime("%Y-%m-%d"),
                "bank_reference": f"LOAD-{rng.randrange(10**9)}",
            }
            self.call(
                "write",
                "POST receipt",
                "POST",
                "/api/v1/ledger/receipts/",
                user="finance",
                body=body,
            )

    def approve(self) -> None:
        try:
            order = self.approvals.get_nowait()
        except queue.Empty:
            self.create()  # nothing waits yet: make something to approve
            return
        path = f"/api/v1/sales/orders/{order}/review/"
        body = {"verdict": "approve", "note": "load test"}
        self.call("write", "POST order approval", "POST", path, user="sales_manager", body=body)

    def step(self) -> None:
        roll = self.rng.random()
        if roll < 0.70:
            self.read()
        elif roll < 0.90:
            self.create()
        else:
            self.approve()


def run(
    data: dict, *, users: int, seconds: float | None, requests: int | None, think: float = 0
) -> list:
    approvals: queue.Queue = queue.Queue()
    people = [User(data, approvals, seed) for seed in range(users)]
    deadline = time.perf_counter() + (seconds or 1e9)

    def work(person: User) -> None:
        if think:  # users do not all start at the same instant
            time.sleep(person.rng.uniform(0, think))
        while time.perf_counter() < deadline:
            if requests is not None and len(person.samples) >= requests:
                return
            person.step()
            if think:
                time.sleep(person.rng.uniform(0.5 * think, 1.5 * think))
        person.connection.close()

    threads = [threading.Thread(target=work, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [sample for person in people for sample in person.samples]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def report(label: str, samples: list, elapsed: float, *, goals: bool = True) -> dict:
    by_kind, by_name, errors = defaultdict(list), defaultdict(list), defaultdict(int)
    for kind, name, status, seconds in samples:
        by_kind[kind].append(seconds)
        by_name[name].append(seconds)
        if not 200 <= status < 300:
            errors[f"{name} → {status}"] += 1
    print(
        f"\n== {label}: {len(samples)} requests in {elapsed:.0f} s ({len(samples) / elapsed:.1f}/s)"
    )
    summary = {}
    for kind in ("read", "write"):
        times = by_kind.get(kind, [])
        if times:
            p50, p95 = percentile(times, 0.5), percentile(times, 0.95)
            verdict = (
                "met" if p95 <= GOALS[kind] else f"MISSED by {(p95 - GOALS[kind]) * 1000:.0f} ms"
            )
            print(
                f"{kind + 's':<7} n={len(times):<5} p50 {p50 * 1000:6.0f} ms  "
                f"p95 {p95 * 1000:6.0f} ms"
                + (f"  (goal ≤ {GOALS[kind] * 1000:.0f} ms: {verdict})" if goals else "")
            )
            summary[kind] = (p50, p95)
    summary["errors"] = sum(errors.values())
    print(f"errors: {sum(errors.values())}" + "".join(f"\n  {k}: {v}" for k, v in errors.items()))
    for name, times in sorted(by_name.items(), key=lambda item: -percentile(item[1], 0.95)):
        print(
            f"  {name:<22} n={len(times):<5} p50 {percentile(times, 0.5) * 1000:6.0f} ms"
            f"  p95 {percentile(times, 0.95) * 1000:6.0f} ms"
        )
    return summary


def main() -> int:
    data = prepare()
    vendor = "PostgreSQL" if DATABASE_URL.startswith("postgres") else "SQLite"
    users = int(os.environ.get("LOAD_USERS", "20"))
    think = float(os.environ.get("LOAD_THINK_SECONDS", "1"))
    saturation = float(os.environ.get("LOAD_SATURATION_SECONDS", "30"))
    server = serve()
    try:
        print(
            f"gunicorn on {vendor}, {os.environ.get('LOAD_WORKERS', '4')} workers × "
            f"{os.environ.get('LOAD_THREADS', '4')} threads, {os.cpu_count()} cores"
        )
        run(data, users=1, seconds=None, requests=20)  # warm every worker's caches a little
        started = time.perf_counter()
        single = run(
            data, users=1, seconds=None, requests=int(os.environ.get("LOAD_SINGLE_REQUESTS", "200"))
        )
        report("1 user, back to back", single, time.perf_counter() - started, goals=False)
        started = time.perf_counter()
        many = run(
            data,
            users=users,
            seconds=float(os.environ.get("LOAD_SECONDS", "60")),
            requests=None,
            think=think,
        )
        label = f"{users} users, think time {think:g} s (± half)"
        summary = report(label, many, time.perf_counter() - started)
        if saturation:
            started = time.perf_counter()
            flat_out = run(data, users=users, seconds=saturation, requests=None)
            report(
                f"{users} users, no think time (saturation: capacity, no goal)",
                flat_out,
                time.perf_counter() - started,
                goals=False,
            )
    finally:
        stop(server)
    met = summary["errors"] == 0 and all(
        summary[kind][1] <= goal for kind, goal in GOALS.items() if kind in summary
    )
    print(f"\ngoals at {users} users: {'met' if met else 'MISSED'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
