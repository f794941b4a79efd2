#!/usr/bin/env python3
"""How long a meter plan's next due takes to derive when its series has a long history: the real binary on SQLite
(127.0.0.1, port 8440 unless --port), 10 run-hours plans on one pump whose running state has a reading every 10 s
for 12 days (103,680 points), then GET /api/v1/maintenance/plans/{id} (5 times) and GET /api/v1/maintenance/plans (twice) timed,
then 60 more readings and the same again. Usage: meter_plan_timing.py --binary build/release/src/app/parkbrain"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "blackbox"))
from harness import Server, login, request  # noqa: E402

STEP_S = 10
POINTS = 12 * 86400 // STEP_S


def timed(base, token, path, n):
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        st, _, body = request(base, "GET", path, token=token, timeout=600)
        out.append((time.perf_counter() - t0) * 1000)
        assert st == 200, (st, body)
    return out, body


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--port", type=int, default=8440)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="meter-timing-")
    server = Server(os.path.abspath(args.binary), "sqlite", work)
    server.port = args.port
    server.seed_demo()
    server.start()
    try:
        base = server.base
        admin = login(base, "admin", "admin-demo-2026")
        _, _, ents = request(base, "GET", "/api/v1/enterprises?page_size=1", token=admin)
        ent = ents["items"][0]["id"]
        _, _, fac = request(base, "POST", "/api/v1/facilities", {"enterprise_id": ent, "name": "timing", "kind": "workshop"},
                            admin)
        _, _, eq = request(base, "POST", "/api/v1/equipment",
                           {"facility_id": fac["id"], "tag": "P-T", "name": "timing pump", "type": "pump"}, admin)
        key = f"timing{time.time_ns() % 10**9}.run"
        _, _, sensor = request(base, "POST", "/api/v1/sensors",
                               {"equipment_id": eq["id"], "key": key, "name": "run", "kind": "sensor",
                                "quantity": "state", "unit": "1"}, admin)
        _, _, dev = request(base, "POST", "/api/v1/tokens", {"label": "timing", "role": "device"}, admin)
        start = int(time.time()) - POINTS * STEP_S - 60
        for chunk in range(0, POINTS, 5000):
            lines = "\n".join(f"{key} value={1 if (i // 360) % 3 else 0} {start + i * STEP_S}"
                              for i in range(chunk, min(POINTS, chunk + 5000)))
            st, _, body = request(base, "POST", "/api/v1/write?precision=s", lines, None, content_type="text/plain",
                                  headers={"Authorization": "Bearer " + dev["token"]}, timeout=120)
            assert st == 204, (st, body)
        counted_from = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(start))
        plans = []
        for n in range(10):
            st, _, plan = request(base, "POST", "/api/v1/maintenance/plans",
                                  {"equipment_id": eq["id"], "name": f"timing {n}", "kind": "meter",
                                   "basis": "run_hours", "every": 10000, "sensor_id": sensor["id"],
                                   "counted_from": counted_from}, admin, timeout=120)
            assert st == 201, (st, plan)
            plans.append(plan)
        for label in ("history", "history + 60 new readings"):
            one, body = timed(base, admin, f"/api/v1/maintenance/plans/{plans[0]['id']}", 5)
            many, _ = timed(base, admin, f"/api/v1/maintenance/plans?equipment_id={eq['id']}", 2)
            print(f"{label}: used {body['next_due']['used']:.3f} h from {body['next_due']['samples']} samples; "
                  f"GET one plan median {statistics.median(one):.1f} ms (min {min(one):.1f}, max {max(one):.1f}); "
                  f"GET 10 plans median {statistics.median(many):.1f} ms")
            now = int(time.time())
            lines = "\n".join(f"{key} value=1 {now - 600 + i * STEP_S}" for i in range(60))
            request(base, "POST", "/api/v1/write?precision=s", lines, None, content_type="text/plain",
                    headers={"Authorization": "Bearer " + dev["token"]})
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
