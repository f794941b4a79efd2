#!/usr/bin/env python3
"""Gate events end to end (issue 13: a decision in < 5 ms at the 99th percentile under 200 events per second).

Starts parkbrain on a fresh SQLite demo park (or a PostgreSQL URL with --db), books N vehicles for today at a
24-hour dock through the API, then fires gate events from the camera's API token at a constant rate, open loop: the
i-th event is due at start + i / rate whatever the answers before it did, and its latency counts from when it was due
(so a slow answer delays nobody's clock). Events: each vehicle in, and 40 events later out; the answers are real
decisions (checked in with a zone, waiting when no zone fits, checked out). Prints one RESULT line.

    python3 bench/logistics/gate_load.py --binary build/release/src/app/parkbrain --vehicles 2000 --rate 200
"""
import argparse
import http.client
import json
import os
import queue
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

MIN = 60_000
OFFSET = 8 * 3_600_000


def call(conn, method, path, body=None, token=None):
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = "Bearer " + token
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    r = conn.getresponse()
    raw = r.read()
    return r.status, (json.loads(raw) if raw else None)


def must(res, want, what):
    if res[0] != want:
        sys.exit(f"bench: {what}: {res}")
    return res[1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default="build/release/src/app/parkbrain")
    ap.add_argument("--db", default="", help="postgresql:// URL (default: a fresh SQLite file)")
    ap.add_argument("--port", type=int, default=8405)
    ap.add_argument("--vehicles", type=int, default=2000)
    ap.add_argument("--rate", type=float, default=200.0)
    ap.add_argument("--workers", type=int, default=32)
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="parkbrain-gate-")
    db = args.db or os.path.join(work, "park.db")
    server = None
    try:
        # Only the park and its admin login are needed: the login below fails if seeding did not get that far.
        subprocess.run([args.binary, "demo", "--seed-only", "--db", db, "--web-root", ""],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        server = subprocess.Popen([args.binary, "serve", "--db", db, "--listen", f"127.0.0.1:{args.port}",
                                   "--web-root", ""], stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "log"), "w"))
        for _ in range(400):
            try:
                socket.create_connection(("127.0.0.1", args.port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
        admin = must(call(conn, "POST", "/api/v1/auth/login", {"name": "admin", "password": "admin-demo-2026"}), 200,
                     "login")["token"]
        must(call(conn, "PUT", "/api/v1/logistics/settings", {"lead_time_min": 0, "park_vehicle_cap": 10000, "class_caps": []}, admin),
             200, "settings")
        for i in range(20):
            must(call(conn, "POST", "/api/v1/logistics/zones", {"name": f"压测{i}", "capacity": 100}, admin), 201, "zone")
        stamp = time.time_ns() % 10**8
        ent = must(call(conn, "POST", "/api/v1/enterprises",
                        {"name": f"压测物流{stamp}", "credit_code": credit_code(stamp), "sector": "2614"}, admin),
                   201, "enterprise")
        fac = must(call(conn, "POST", "/api/v1/facilities",
                        {"enterprise_id": ent["id"], "name": "压测站台", "kind": "loading_dock"}, admin), 201, "dock")
        must(call(conn, "PUT", f"/api/v1/logistics/docks/{fac['id']}",
                  {"open": "00:00", "close": "24:00", "slot_minutes": 5, "parallel_capacity": 100,
                   "labels": ["2", "3", "4", "5", "6.1", "8"], "loading_minutes": 5, "unloading_minutes": 5}, admin),
             200, "dock config")
        carrier = must(call(conn, "POST", "/api/v1/logistics/carriers", {"name": f"压测运输{stamp}"}, admin), 201, "c")["id"]
        people = {}
        for kind in ("driver", "escort"):
            people[kind] = must(call(conn, "POST", "/api/v1/logistics/people",
                                     {"kind": kind, "name": kind, "carrier_id": carrier, "qualification_no": "Q",
                                      "qualification_expires": "2099-12-31"}, admin), 201, kind)["id"]
        token = must(call(conn, "POST", "/api/v1/tokens", {"label": "bench gate", "role": "gate", "expires_in_days": 1},
                          admin), 201, "gate token")["token"]
        goods = ["UN1203", "UN1830", "UN1090", "UN1005", "UN1789", "UN1547", "UN2014", "UN1402"]
        now = int(time.time() * 1000)
        first = (now // (5 * MIN) + 1) * (5 * MIN)
        plates, slots = [], []
        setup = time.time()
        for k in range(args.vehicles):
            plate = f"浙G{k:05d}"
            slot = first + (k // 100) * 5 * MIN
            must(call(conn, "POST", "/api/v1/logistics/vehicles",
                      {"plate": plate, "carrier_id": carrier, "tank": False, "permit_no": f"P{k}",
                       "permit_expires": "2099-12-31"}, admin), 201, "vehicle")
            must(call(conn, "POST", "/api/v1/logistics/bookings",
                      {"plate": plate, "dock_id": fac["id"], "slot_start": slot, "operation": "loading",
                       "goods": [{"un_number": goods[k % len(goods)], "quantity_kg": 1000}],
                       "driver_id": people["driver"], "escort_id": people["escort"]}, admin), 201, "booking")
            plates.append(plate)
            slots.append(slot)
        setup = time.time() - setup

        events = []
        for k in range(args.vehicles):
            events.append((plates[k], "in", slots[k]))
            if k >= 40:
                events.append((plates[k - 40], "out", slots[k - 40] + MIN))
        for k in range(max(0, args.vehicles - 40), args.vehicles):
            events.append((plates[k], "out", slots[k] + MIN))

        jobs = queue.Queue()
        latencies, decisions, errors = [], {}, []
        lock = threading.Lock()

        def worker():
            c = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
            while True:
                job = jobs.get()
                if job is None:
                    return
                due, (plate, direction, at) = job
                wait = due - time.perf_counter()
                if wait > 0:
                    time.sleep(wait)
                st, out = call(c, "POST", "/api/v1/logistics/gate/events",
                               {"plate": plate, "direction": direction, "gate": "bench", "at": at}, token)
                done = time.perf_counter()
                with lock:
                    latencies.append((done - due) * 1000)
                    key = out.get("decision") if st == 200 else f"http {st}"
                    decisions[key] = decisions.get(key, 0) + 1
                    if st != 200:
                        errors.append(out)

        threads = [threading.Thread(target=worker) for _ in range(args.workers)]
        for t in threads:
            t.start()
        buckets_before = gate_buckets(args.port)
        cpu_before = server_cpu_ms(server.pid)
        start = time.perf_counter() + 0.5
        for i, e in enumerate(events):
            jobs.put((start + i / args.rate, e))
        for _ in threads:
            jobs.put(None)
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - start
        cpu_per_event = (server_cpu_ms(server.pid) - cpu_before) / max(1, len(latencies))
        # The server's own view (request read to response written, its /metrics histogram): what the client's
        # figures add on top is the Python client's share of the same two cores.
        after = gate_buckets(args.port)
        served = {le: after[le] - buckets_before.get(le, 0) for le in after}
        total = served.get("+Inf", 0) or 1
        server_view = " ".join(f"<={float(le) * 1000:g}ms:{100 * served[le] / total:.2f}%"
                               for le in ("0.0025", "0.005", "0.01") if le in served)
        latencies.sort()
        pct = lambda p: latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))]  # noqa: E731
        print(f"RESULT gate_events events={len(latencies)} rate_target={args.rate:.0f}/s "
              f"rate_achieved={len(latencies) / elapsed:.1f}/s p50={pct(50):.2f}ms p99={pct(99):.2f}ms "
              f"max={latencies[-1]:.2f}ms server_cpu={cpu_per_event:.3f}ms/event server_answered[{server_view}] decisions={json.dumps(decisions, ensure_ascii=False)} "
              f"setup={setup:.1f}s backend={'postgres' if args.db else 'sqlite'}")
        if errors:
            print("first error:", errors[0], file=sys.stderr)
    finally:
        if server:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


def gate_buckets(port):
    """The gate route's latency histogram from /metrics: {le: count} (cumulative, as Prometheus keeps it)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/metrics")
    text = conn.getresponse().read().decode()
    out = {}
    for line in text.splitlines():
        if line.startswith("parkbrain_http_request_duration_seconds_bucket{") and \
                'route="/api/v1/logistics/gate/events"' in line:
            le = line.split('le="', 1)[1].split('"', 1)[0]
            out[le] = int(line.rsplit(" ", 1)[1])
    return out


def server_cpu_ms(pid):
    """The server's CPU time so far (user + system, all threads): what an event costs it, whatever else runs."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def credit_code(serial):
    first17 = f"91330200{serial % 10**9:09d}"
    total, weight = 0, 1
    for c in first17:
        total += CREDIT_CHARS.index(c) * weight
        weight = weight * 3 % 31
    return first17 + CREDIT_CHARS[(31 - total % 31) % 31]


if __name__ == "__main__":
    main()
