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

Then the same runs against two gunicorn servers on two ports (issue 19 §4), each with half
the workers, so that the machine does the same work: every user logs in through the login
form of one server and then alternates between the two, request by request. They share the
sessions (in the database), the cache (Redis when it answers on LOAD_REDIS_URL, else the
file cache of the shared var folder), the login lockouts (the database) and the uploads
(Django's storage). A page answered with the login form counts as a session lost, an error.

Environment: BENCH_DATABASE_URL, LOAD_USERS (20), LOAD_SECONDS (60), LOAD_THINK_SECONDS (1),
LOAD_SATURATION_SECONDS (30; 0 skips the run), LOAD_SINGLE_REQUESTS (200),
LOAD_WORKERS/LOAD_THREADS (gunicorn, 4 × 4), LOAD_PORT (8765; the second server the next),
LOAD_REDIS_URL (redis://127.0.0.1:6379/14), LOAD_SERVERS ("1,2": which runs), LOAD_VAR_DIR
(var/load: the SQLite file, uploads and static files of the served app). The exit status is
1 when a goal is missed or a session lost.
"""

import http.client
import json
import os
import queue
import random
import re
import socket
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode, urlparse

if __package__ in (None, ""):  # run as a file: the project's root on the path, for `bench`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import server as http_server

ROOT = http_server.ROOT
VAR = Path(os.environ.get("LOAD_VAR_DIR", ROOT / "var" / "load"))
PORT = int(os.environ.get("LOAD_PORT", "8765"))
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{VAR / 'backoffice.sqlite3'}"
REDIS_URL = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/14")
GOALS = {"read": 0.300, "write": 0.500}
PASSWORD = "demo1234"  # noqa: S105 - the demo company's published logins (seed_demo)


def _redis_answers(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


SERVER_ENV = http_server.server_env(DATABASE_URL, VAR)
if _redis_answers(REDIS_URL):  # the cache every server shares
    SERVER_ENV["REDIS_URL"] = REDIS_URL


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


def serve(servers: int = 1) -> list:
    """`servers` gunicorn processes on consecutive ports, sharing LOAD_WORKERS among them."""
    workers = max(1, int(os.environ.get("LOAD_WORKERS", "4")) // servers)
    return [
        http_server.serve(
            SERVER_ENV,
            PORT + number,
            workers=str(workers),
            threads=os.environ.get("LOAD_THREADS", "4"),
        )
        for number in range(servers)
    ]


def stop(servers: list) -> None:
    for server in servers:
        http_server.stop(server)


class User:
    """One simulated person: a keep-alive connection to each server, and the traffic mix.
    With several servers each request goes to the next one in turn."""

    def __init__(self, data: dict, approvals: queue.Queue, seed: int, servers: int = 1) -> None:
        self.data, self.approvals = data, approvals
        self.rng = random.Random(seed)
        self.connections = [
            http.client.HTTPConnection("127.0.0.1", PORT + number, timeout=60)
            for number in range(servers)
        ]
        self.turn = 0
        self.session = data["session"]
        self.samples: list[tuple[str, str, int, float]] = []
        self.sessions_lost = 0

    def _next(self) -> http.client.HTTPConnection:
        self.turn = (self.turn + 1) % len(self.connections)
        return self.connections[self.turn]

    def _send(self, connection, method: str, path: str, payload, headers: dict):
        for attempt in range(2):
            try:
                connection.request(method, path, body=payload, headers=headers)
                response = connection.getresponse()
                return response.status, response.read(), response
            except (OSError, http.client.HTTPException):
                # gunicorn closes a connection idle for more than 2 s (`--keep-alive`): the
                # first attempt on it fails at once, the second opens a new one, as a browser
                # does (bench.server.Client)
                connection.close()
                if attempt:
                    return 0, b"", None
        return 0, b"", None

    def login(self) -> None:
        """The login form of one server, as a browser fills it: the session it opens is
        then used on every server."""
        connection = self._next()
        status, body, response = self._send(connection, "GET", "/login/", None, {})
        csrf = _cookie(response, "csrftoken")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        form = urlencode(
            {
                "csrfmiddlewaretoken": token.group(1).decode() if token else "",
                "username": "sales_manager",
                "password": PASSWORD,
                "next": "/",
            }
        ).encode()
        headers = {
            "Cookie": f"csrftoken={csrf}",
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://127.0.0.1:{PORT + self.turn}/login/",
        }
        start = time.perf_counter()
        status, _body, response = self._send(connection, "POST", "/login/", form, headers)
        session = _cookie(response, "sessionid")
        # logged in: a redirect with the session's cookie (else the form again, an error)
        ok = status == 302 and bool(session)
        # its own kind: a password hashed on purpose slowly is no write to hold to 500 ms
        self.samples.append(
            ("login", "POST login form", 200 if ok else status or 599, time.perf_counter() - start)
        )
        if session:
            self.session = session

    def call(self, kind: str, name: str, method: str, path: str, *, user: str, body=None):
        headers = {"Accept": "application/json"}
        if user == "session":
            headers["Cookie"] = f"sessionid={self.session}"
            headers["Accept"] = "text/html"
        else:
            headers["Authorization"] = f"Token {self.data['tokens'][user]}"
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        start = time.perf_counter()
        status, content, response = self._send(self._next(), method, path, payload, headers)
        if user == "session" and status == 302 and "login" in response.getheader("Location", ""):
            self.sessions_lost += 1  # this server did not know the session
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


def _cookie(response, name: str) -> str:
    for header in response.headers.get_all("Set-Cookie") or [] if response else []:
        if header.startswith(f"{name}="):
            return header.split(";", 1)[0].split("=", 1)[1]
    return ""


class Samples(list):
    """The samples of a run, how many sessions it lost, and its time (logins left out)."""

    sessions_lost = 0
    elapsed = 0.0


def run(
    data: dict,
    *,
    users: int,
    seconds: float | None,
    requests: int | None,
    think: float = 0,
    servers: int = 1,
) -> Samples:
    approvals: queue.Queue = queue.Queue()
    people = [User(data, approvals, seed, servers) for seed in range(users)]
    if servers > 1:  # each through the login form, before the clock starts (a slow hash)
        for person in people:
            person.login()
    started = time.perf_counter()
    deadline = started + (seconds or 1e9)

    def work(person: User) -> None:
        if think:  # users do not all start at the same instant
            time.sleep(person.rng.uniform(0, think))
        while time.perf_counter() < deadline:
            if requests is not None and len(person.samples) >= requests:
                break
            person.step()
            if think:
                time.sleep(person.rng.uniform(0.5 * think, 1.5 * think))
        for connection in person.connections:
            connection.close()

    threads = [threading.Thread(target=work, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    samples = Samples(sample for person in people for sample in person.samples)
    samples.sessions_lost = sum(person.sessions_lost for person in people)
    samples.elapsed = time.perf_counter() - started
    return samples


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
    timed = sum(1 for kind, *_ in samples if kind != "login")  # the logins came before
    print(f"\n== {label}: {timed} requests in {elapsed:.0f} s ({timed / elapsed:.1f}/s)")
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
    summary["sessions_lost"] = getattr(samples, "sessions_lost", 0)
    summary["rate"] = timed / elapsed
    print(f"errors: {sum(errors.values())}" + "".join(f"\n  {k}: {v}" for k, v in errors.items()))
    if getattr(samples, "sessions_lost", None) is not None:
        print(f"sessions lost: {samples.sessions_lost}")
    for name, times in sorted(by_name.items(), key=lambda item: -percentile(item[1], 0.95)):
        print(
            f"  {name:<22} n={len(times):<5} p50 {percentile(times, 0.5) * 1000:6.0f} ms"
            f"  p95 {percentile(times, 0.95) * 1000:6.0f} ms"
        )
    return summary


def measure(data: dict, servers: int) -> dict:
    """The three runs against `servers` app servers; the summary of the run with goals."""
    users = int(os.environ.get("LOAD_USERS", "20"))
    think = float(os.environ.get("LOAD_THINK_SECONDS", "1"))
    saturation = float(os.environ.get("LOAD_SATURATION_SECONDS", "30"))
    running = serve(servers)
    workers = max(1, int(os.environ.get("LOAD_WORKERS", "4")) // servers)
    try:
        print(
            f"\n#### {servers} gunicorn server{'s' if servers > 1 else ''} on {VENDOR} "
            f"(port {PORT}{f'–{PORT + servers - 1}' if servers > 1 else ''}), each {workers} "
            f"workers × {os.environ.get('LOAD_THREADS', '4')} threads, {os.cpu_count()} cores, "
            f"cache: {'Redis' if 'REDIS_URL' in SERVER_ENV else 'files in the shared var folder'}"
        )
        run(data, users=1, seconds=None, requests=20, servers=servers)  # warm every worker
        single = run(
            data,
            users=1,
            seconds=None,
            requests=int(os.environ.get("LOAD_SINGLE_REQUESTS", "200")),
            servers=servers,
        )
        report("1 user, back to back", single, single.elapsed, goals=False)
        many = run(
            data,
            users=users,
            seconds=float(os.environ.get("LOAD_SECONDS", "60")),
            requests=None,
            think=think,
            servers=servers,
        )
        label = f"{users} users, think time {think:g} s (± half)"
        summary = report(label, many, many.elapsed)
        if saturation:
            flat_out = run(data, users=users, seconds=saturation, requests=None, servers=servers)
            capacity = report(
                f"{users} users, no think time (saturation: capacity, no goal)",
                flat_out,
                flat_out.elapsed,
                goals=False,
            )
            summary["capacity"] = capacity["rate"]
            summary["errors"] += capacity["errors"]
            summary["sessions_lost"] += capacity["sessions_lost"]
    finally:
        stop(running)
    return summary


VENDOR = "PostgreSQL" if DATABASE_URL.startswith("postgres") else "SQLite"


def main() -> int:
    data = prepare()
    users = int(os.environ.get("LOAD_USERS", "20"))
    results = {
        servers: measure(data, servers)
        for servers in (int(n) for n in os.environ.get("LOAD_SERVERS", "1,2").split(","))
    }
    print(f"\n#### one server and two, {users} users ({VENDOR})")
    print("| servers | reads p50 / p95 | writes p50 / p95 | capacity | errors | sessions lost |")
    print("| --- | --- | --- | --- | --- | --- |")
    for servers, summary in results.items():
        reads = summary.get("read", (0, 0))
        writes = summary.get("write", (0, 0))
        print(
            f"| {servers} | {reads[0] * 1000:.0f} / {reads[1] * 1000:.0f} ms | "
            f"{writes[0] * 1000:.0f} / {writes[1] * 1000:.0f} ms | "
            f"{summary.get('capacity', 0):.1f}/s | {summary['errors']} | "
            f"{summary['sessions_lost']} |"
        )
    met = all(
        summary["errors"] == 0
        and summary["sessions_lost"] == 0
        and all(summary[kind][1] <= goal for kind, goal in GOALS.items() if kind in summary)
        for summary in results.values()
    )
    print(f"\ngoals at {users} users: {'met' if met else 'MISSED'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
