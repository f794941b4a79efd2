#!/usr/bin/env python3
"""Black-box tests of the parkbrain binary: scenario files plus the tests that need more than requests
(crashes, WebSocket, limits, the CLI). Prints one line per test and closes with 'N passed, N failed'.

    run.py --binary build/asan/src/app/parkbrain --backend sqlite|postgres [--only NAME[,NAME...]]
"""
import argparse
import glob
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, WebSocket, check, kill9_rounds, login, request, rmtree, tempdir, test_registry  # noqa: E402
from scenario import Runner  # noqa: E402
import telemetry_tests  # noqa: E402
import security_tests  # noqa: E402
import security_telemetry_tests  # noqa: E402
import security_outbound_tests  # noqa: E402
import layout_tests  # noqa: E402
import text_tests  # noqa: E402
import home_tests  # noqa: E402
import alarm_tests  # noqa: E402
import energy_tests  # noqa: E402
import report_tests  # noqa: E402
import isotope_tests  # noqa: E402
import maintenance_tests  # noqa: E402
import modbus_tests  # noqa: E402
import performance_tests  # noqa: E402
import rounds_tests  # noqa: E402
import logistics_tests  # noqa: E402
import dispatch_tests  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SKIP = 77  # CTest SKIP_RETURN_CODE


TESTS, test = test_registry()


@test
def scenarios(ctx):
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "scenarios", "*.scn"))):
        Runner(ctx.server).run_file(path)


@test
def openapi_describes_every_route_and_is_committed(ctx):
    status, _, doc = request(ctx.server.base, "GET", "/api/openapi.json")
    check(status == 200 and doc["openapi"].startswith("3."), f"no OpenAPI document: {status}")
    admin = login(ctx.server.base, "admin", "admin-demo-2026")
    count = 0
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            count += 1
            where = f"{method.upper()} {path}"
            check(op.get("summary") and op.get("tags"), f"{where}: no summary or tag")
            check("responses" in op, f"{where}: no responses")
            if method in ("post", "patch", "put") and path not in ("/api/v1/auth/logout",):
                check("requestBody" in op, f"{where}: no request body schema")
            if path in ("/api/v1/auth/logout", "/api/v1/live"):
                continue
            # Every documented operation must be served: a 404 "no such endpoint" or a 405 would mean drift.
            concrete = path.replace("{id}", "999999")
            body = "{}" if method in ("post", "patch", "put") else None
            st, _, resp = request(ctx.server.base, method.upper(), concrete, body, admin)
            msg = json.dumps(resp)[:200]
            check("no such endpoint" not in msg and "is not allowed here" not in msg, f"{where} is not served: {msg}")
    check(count >= 30, f"only {count} operations documented")
    out = subprocess.run([ctx.binary, "openapi"], capture_output=True, text=True, check=True).stdout
    with open(os.path.join(ROOT, "docs", "openapi.json"), encoding="utf-8") as f:
        committed = json.load(f)
    check(json.loads(out) == committed,
          "docs/openapi.json is out of date: regenerate it with `parkbrain openapi > docs/openapi.json`")


@test
def acknowledged_writes_survive_kill9(ctx):
    """Writers create facilities as fast as they can; the server is SIGKILLed mid-stream five times. Every
    creation that was acknowledged (201) must be there after the restart."""
    admin = login(ctx.server.base, "admin", "admin-demo-2026")
    acknowledged = []
    lock = threading.Lock()

    def writer(round_no, n, stop):
        i = 0
        while not stop.is_set():
            i += 1
            try:
                st, _, body = request(ctx.server.base, "POST", "/api/v1/facilities",
                                      {"enterprise_id": 2, "name": f"crash-{round_no}-{n}-{i}",
                                       "kind": "warehouse"}, admin, timeout=5)
            except OSError:
                return  # the server died mid-request: that write was never acknowledged
            if st == 201:
                with lock:
                    acknowledged.append(body["id"])
    kill9_rounds(ctx.server, writer)
    check(len(acknowledged) > 20, f"too few writes to prove anything: {len(acknowledged)}")
    missing = [i for i in acknowledged
               if request(ctx.server.base, "GET", f"/api/v1/facilities/{i}", token=admin)[0] != 200]
    check(not missing, f"{len(missing)} of {len(acknowledged)} acknowledged writes were lost: {missing[:10]}")
    ctx.note(f"{len(acknowledged)} acknowledged writes over 5 kill -9 rounds, none lost")


@test
def limits_and_malformed_http(ctx):
    admin = login(ctx.server.base, "admin", "admin-demo-2026")
    # The server refuses an oversized body from its Content-Length, before reading it.
    with socket.create_connection(ctx.server.base.split(":"), timeout=5) as s:
        s.sendall((f"POST /api/v1/enterprises HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {admin}\r\n"
                   f"Content-Type: application/json\r\nContent-Length: {16 << 20}\r\n\r\n").encode())
        s.sendall(b'{"name":"' + b"x" * 65536)
        reply = s.recv(4096).decode(errors="replace")
    check(reply.startswith("HTTP/1.1 413") and "payload_too_large" in reply, f"oversized body: {reply[:300]}")
    st, _, body = request(ctx.server.base, "GET", "/api/v1/enterprises", token=admin,
                          headers={"X-Filler": "y" * 20000})
    check(st == 413, f"oversized headers: {st}")
    with socket.create_connection(ctx.server.base.split(":"), timeout=5) as s:
        s.sendall(b"THIS IS NOT HTTP\r\n\r\n")
        reply = s.recv(4096).decode(errors="replace")
    check(reply.startswith("HTTP/1.1 400"), f"garbage request: {reply[:100]}")
    st, _, body = request(ctx.server.base, "GET", "/api/v1/enterprises?page=%zz", token=admin)
    check(st == 400 and body["error"]["field"] == "query", f"bad escape: {st} {body}")
    st, _, body = request(ctx.server.base, "PUT", "/api/v1/enterprises/1", "{}", admin)
    check(st == 400 and body["error"]["field"] == "method", f"wrong method: {st} {body}")
    st, _, body = request(ctx.server.base, "GET", "/api/v1/nothing-here", token=admin)
    check(st == 404 and body["error"]["code"] == "not_found", f"unknown path: {st} {body}")


@test
def bad_input_changes_nothing(ctx):
    admin = login(ctx.server.base, "admin", "admin-demo-2026")

    def snapshot():
        _, _, ents = request(ctx.server.base, "GET", "/api/v1/enterprises?page_size=200", token=admin)
        _, _, audit = request(ctx.server.base, "GET", "/api/v1/audit?page_size=1&action=update", token=admin)
        return json.dumps(ents["items"], sort_keys=True), audit["total"]

    before = snapshot()
    bad = [
        ("POST", "/api/v1/enterprises", '{"name":"A","credit_code":"91350100M000100Y44","sector":"2710"}'),
        ("POST", "/api/v1/enterprises", '{"name":"A","credit_code":"91350100M000100Y43","sector":"2710","x":1}'),
        ("POST", "/api/v1/enterprises", '{"name":"A",'),
        ("POST", "/api/v1/enterprises", '[]'),
        ("PATCH", "/api/v1/enterprises/1", '{"land_area_mu":"big"}'),
        ("PATCH", "/api/v1/enterprises/1", '{"credit_code":"123"}'),
        ("PATCH", "/api/v1/enterprises/1", '{"id":5}'),
        ("PATCH", "/api/v1/enterprises/1", '{"contacts":[{"name":"x","email":"nope"}]}'),
        ("DELETE", "/api/v1/enterprises/1", None),
    ]
    for method, path, body in bad:
        st, _, resp = request(ctx.server.base, method, path, body, admin)
        check(400 <= st < 500, f"{method} {path} {body}: expected a 4xx, got {st}")
        check({"code", "message", "field"} <= set(resp["error"]) <= {"code", "message", "field", "reason", "params", "errors"},
              f"error shape: {resp}")
    check(snapshot() == before, "a refused request changed data")


@test
def live_feed_is_scoped(ctx):
    admin = login(ctx.server.base, "admin", "admin-demo-2026")
    ent = login(ctx.server.base, "ent-user", "ent-demo-2026")
    _, _, me = request(ctx.server.base, "GET", "/api/v1/auth/me", token=ent)
    own = me["enterprise_id"]
    anon = WebSocket(ctx.server.base, "/api/v1/live")
    check(anon.status == 401, f"WebSocket without a token: {anon.status}")
    anon.close()
    ws_admin = WebSocket(ctx.server.base, f"/api/v1/live?token={admin}")
    ws_ent = WebSocket(ctx.server.base, f"/api/v1/live?token={ent}")
    check(ws_admin.status == 101 and ws_ent.status == 101, f"upgrade failed: {ws_admin.header}")
    check(ws_admin.recv()["type"] == "hello" and ws_ent.recv()["type"] == "hello", "no hello")
    other = 3 if own != 3 else 4
    st, _, _ = request(ctx.server.base, "POST", "/api/v1/facilities",
                       {"enterprise_id": other, "name": "live-other", "kind": "warehouse"}, admin)
    check(st == 201, "create in another enterprise failed")
    st, _, _ = request(ctx.server.base, "POST", "/api/v1/facilities",
                       {"enterprise_id": own, "name": "live-own", "kind": "warehouse"}, ent)
    check(st == 201, "create in own enterprise failed")
    first, second = ws_admin.recv(), ws_admin.recv()
    check(first["type"] == "audit" and first["entry"]["after"]["name"] == "live-other", f"admin got {first}")
    check(second["entry"]["after"]["name"] == "live-own", f"admin got {second}")
    # Audit entries are for the audit log's readers (park admins), even those of the user's own enterprise; values
    # follow GET /api/v1/latest, scoped to the user's enterprise.
    sensors = {}
    for ent_id in (own, other):
        _, _, page = request(ctx.server.base, "GET", f"/api/v1/sensors?enterprise_id={ent_id}&page_size=1", token=admin)
        sensors[ent_id] = page["items"][0]["key"]
    _, _, dev = request(ctx.server.base, "POST", "/api/v1/tokens", {"label": "live scope", "role": "device"}, admin)
    now = int(time.time())
    body = "\n".join(f"{key} value={i + 1} {now}" for i, key in enumerate((sensors[other], sensors[own])))
    st, _, _ = request(ctx.server.base, "POST", "/api/v1/write?precision=s", body, dev["token"],
                       content_type="text/plain")
    check(st == 204, f"write failed: {st}")
    got = []
    deadline = time.time() + 2
    while time.time() < deadline:
        try:
            got.append(ws_ent.recv(timeout=max(0.05, deadline - time.time())))
        except (socket.timeout, TimeoutError):
            break
    check(not [m for m in got if m["type"] == "audit"], f"the enterprise user was sent audit entries: {got}")
    keys = [v["key"] for m in got if m["type"] == "telemetry" for v in m["values"]]
    check(keys == [sensors[own]], f"the enterprise user got values of {keys}, not only its own {sensors[own]}")
    ws_admin.close()
    ws_ent.close()


@test
def login_rate_limit(ctx):
    for _ in range(5):
        st, _, _ = request(ctx.server.base, "POST", "/api/v1/auth/login", {"name": "staff", "password": "wrong-1234"})
        check(st == 401, f"wrong password gave {st}")
    st, _, body = request(ctx.server.base, "POST", "/api/v1/auth/login",
                          {"name": "staff", "password": "staff-demo-2026"})
    check(st == 429 and body["error"]["code"] == "resource_exhausted", f"sixth attempt gave {st}: {body}")
    check(body["error"]["reason"] == "auth.locked_out" and body["error"]["params"]["minutes"] >= 1,
          f"the lockout says how long, as a code: {body['error']}")
    admin = login(ctx.server.base, "admin", "admin-demo-2026")
    # User and token forms get every mistake in one answer.
    st, _, body = request(ctx.server.base, "POST", "/api/v1/users",
                          {"name": "X", "role": "park_staff", "enterprise_id": 1, "password": "short"}, admin)
    got = {e["field"]: e["code"] for e in body["error"].get("errors", [])} if st == 400 else {}
    check(got == {"name": "auth.name_length", "enterprise_id": "auth.enterprise_forbidden",
                  "password": "auth.password_short"}, f"a user with three mistakes: {st} {body}")
    forbidden = next(e for e in body["error"]["errors"] if e["field"] == "enterprise_id")
    check(forbidden["params"] == {"role": {"code": "auth.role_name.park_staff"}}, f"the role is a text: {forbidden}")
    st, _, body = request(ctx.server.base, "POST", "/api/v1/tokens",
                          {"label": "", "role": "park_admin", "expires_in_days": 0}, admin)
    got = {e["field"]: e["code"] for e in body["error"].get("errors", [])} if st == 400 else {}
    check(got == {"label": "field.empty", "role": "auth.token_not_admin", "expires_in_days": "field.integer_range"},
          f"a token with three mistakes: {st} {body}")
    _, _, audit = request(ctx.server.base, "GET", "/api/v1/audit?action=login_failed&actor=staff", token=admin)
    check(audit["total"] >= 5, f"failed logins not audited: {audit['total']}")


@test
def cli_user_add_and_backup(ctx):
    out = subprocess.run([ctx.binary, "user", "add", "--name", "tech2", "--role", "technician", "--db",
                          ctx.server.db, "--password-stdin"], input="tech2-secret-77\n", capture_output=True,
                         text=True, timeout=120)
    check(out.returncode == 0, f"user add failed: {out.stderr}")
    login(ctx.server.base, "tech2", "tech2-secret-77")
    out = subprocess.run([ctx.binary, "user", "add", "--name", "ent2x", "--role", "enterprise_user", "--db",
                          ctx.server.db, "--password-stdin"], input="long-enough-22\n", capture_output=True,
                         text=True, timeout=120)
    check(out.returncode == 2 and "enterprise_id" in out.stderr, f"scope not enforced: {out.returncode} {out.stderr}")
    if ctx.backend != "sqlite":
        out = subprocess.run([ctx.binary, "backup", "--db", ctx.server.db, "--out", "/tmp/x"], capture_output=True,
                             text=True)
        check(out.returncode != 0 and "pg_dump" in out.stderr, f"PostgreSQL backup advice missing: {out.stderr}")
        return
    dest = os.path.join(ctx.workdir, "backup.db")
    out = subprocess.run([ctx.binary, "backup", "--db", ctx.server.db, "--out", dest], capture_output=True, text=True)
    check(out.returncode == 0, f"backup failed: {out.stderr}")
    with sqlite3.connect(dest) as db:
        n = db.execute("SELECT COUNT(*) FROM enterprises").fetchone()[0]
        check(n >= 30, f"backup holds {n} enterprises")


def make_xlsx(rows):
    """A minimal workbook (inline strings, deflated) written with the standard library only."""
    import io
    import zipfile
    from xml.sax.saxutils import escape

    def col(i):
        return chr(ord("A") + i)
    sheet_rows = "".join(
        f'<row r="{r + 1}">' + "".join(f'<c r="{col(c)}{r + 1}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'
                                       for c, v in enumerate(row)) + "</row>" for r, row in enumerate(rows))
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    files = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
        '+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
        'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
        f'</Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0"?><workbook {ns} xmlns:r="{rel}"><sheets><sheet name="activity" '
        f'sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.'
        f'org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" '
        f'Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0"?><worksheet {ns}><sheetData>{sheet_rows}</sheetData>'
        f'</worksheet>',
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text)
    return buf.getvalue()


@test
def carbon_cli_and_xlsx(ctx):
    admin = login(ctx.server.base, "admin", "admin-demo-2026")
    _, _, e3 = request(ctx.server.base, "GET", "/api/v1/enterprises/3", token=admin)
    code = e3["credit_code"]
    header = "enterprise_code,period,item,amount,unit,use,note\n"
    good = os.path.join(ctx.workdir, "good.csv")
    with open(good, "w", encoding="utf-8") as f:
        f.write(header + f"{code},2026-05,electricity,321.5,MWh,,\n{code},2026-05,steam_imaginary,1,t,,\n")
    out = subprocess.run([ctx.binary, "carbon", "import", "--db", ctx.server.db, good], capture_output=True,
                         text=True, timeout=120)
    check(out.returncode == 2 and "good.csv:3: item" in out.stderr, f"bad file: {out.returncode} {out.stderr[-300:]}")
    with open(good, "w", encoding="utf-8") as f:
        f.write(header + f"{code},2026-05,electricity,321.5,MWh,,\n{code},2026-05,diesel,2,t,,\n")
    out = subprocess.run([ctx.binary, "carbon", "import", "--db", ctx.server.db, good], capture_output=True,
                         text=True, timeout=120)
    check(out.returncode == 0 and "imported 2 rows" in out.stdout, f"CLI import while serving: {out.stderr[-300:]}")
    _, _, rows = request(ctx.server.base, "GET", "/api/v1/enterprises/3/activity?year=2026", token=admin)
    check(len(rows["items"]) == 2, f"the server does not see the CLI import: {rows}")
    _, _, e1 = request(ctx.server.base, "GET", "/api/v1/enterprises/1", token=admin)
    out = subprocess.run([ctx.binary, "carbon", "report", "--db", ctx.server.db, "--enterprise", e1["credit_code"],
                          "--year", "2025"], capture_output=True, text=True, timeout=120)
    check(out.returncode == 0, f"report failed: {out.stderr[-300:]}")
    report = json.loads(out.stdout)
    check(abs(report["intensity_t_co2_per_10k_yuan_output"] - 0.54) < 0.0005, f"report: {out.stdout[:300]}")

    xlsx = make_xlsx([["enterprise_code", "period", "item", "amount", "unit", "use", "note"],
                      [code, "2026-06", "heat", "4500", "GJ", "", "蒸汽 from the park CHP"]])
    mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    st, _, body = request(ctx.server.base, "POST", "/api/v1/carbon/import/xlsx", xlsx, admin, content_type=mime)
    check(st == 200 and body["rows"] == 1, f"xlsx import: {st} {body}")
    bad = make_xlsx([["enterprise_code", "period", "item", "amount", "unit", "use", "note"],
                     [code, "2026-07", "heat", "lots", "GJ", "", ""]])
    st, _, body = request(ctx.server.base, "POST", "/api/v1/carbon/import/xlsx", bad, admin, content_type=mime)
    check(st == 400 and body["rows"][0]["line"] == 2 and body["rows"][0]["field"] == "amount", f"bad xlsx: {body}")
    st, _, body = request(ctx.server.base, "POST", "/api/v1/carbon/import/xlsx", b"not a zip at all", admin,
                          content_type=mime)
    check(st == 400 and body["error"]["field"] == "file", f"garbage xlsx: {st} {body}")
    _, _, rows = request(ctx.server.base, "GET", "/api/v1/enterprises/3/activity?year=2026", token=admin)
    check([r["note"] for r in rows["items"] if r["period"] == "2026-06"] == ["蒸汽 from the park CHP"],
          f"xlsx rows: {rows}")

    import io
    import zipfile
    conn_status, headers, _ = request(ctx.server.base, "GET", "/api/v1/carbon/export/inventory?year=2025&format=xlsx",
                                      token=admin)
    check(conn_status == 200 and headers["content-type"] == mime, f"export: {conn_status} {headers}")
    raw = __import__("urllib.request").request.urlopen(
        __import__("urllib.request").request.Request(
            f"http://{ctx.server.base}/api/v1/carbon/export/inventory?year=2025&format=xlsx",
            headers={"Authorization": "Bearer " + admin})).read()
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    check("绿源原料药股份有限公司" in sheet, "the exported workbook lacks the enterprises")
    st, headers, csv = request(ctx.server.base, "GET", "/api/v1/carbon/export/lists?year=2025", token=admin)
    check(st == 200 and "重点碳排放单位" in csv, f"csv export (zh-CN by default): {st} {csv[:200]}")


@test
def graceful_shutdown(ctx):
    code = ctx.server.stop(signal.SIGTERM)
    check(code == 0, f"SIGTERM exit code {code}")
    check("server: stopped" in ctx.server.tail_log(), "no clean stop in the log")
    ctx.server.start()


TESTS.extend(telemetry_tests.TESTS)
TESTS.extend(security_tests.TESTS)
TESTS.extend(security_telemetry_tests.TESTS)
TESTS.extend(security_outbound_tests.TESTS)
TESTS.extend(layout_tests.TESTS)
TESTS.extend(text_tests.TESTS)
TESTS.extend(home_tests.TESTS)
TESTS.extend(alarm_tests.TESTS)
TESTS.extend(energy_tests.TESTS)
TESTS.extend(report_tests.TESTS)
TESTS.extend(isotope_tests.TESTS)
TESTS.extend(maintenance_tests.TESTS)
TESTS.extend(modbus_tests.TESTS)
TESTS.extend(performance_tests.TESTS)
TESTS.extend(rounds_tests.TESTS)
TESTS.extend(logistics_tests.TESTS)
TESTS.extend(dispatch_tests.TESTS)


class Context:
    def __init__(self, binary, backend):
        self.binary = binary
        self.backend = backend
        self.workdir = tempdir("parkbrain-blackbox-")
        self.server = Server(binary, backend, self.workdir)
        self.notes = []

    def note(self, text):
        self.notes.append(text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--only")
    args = ap.parse_args()
    if args.backend == "postgres" and not os.environ.get("PARKBRAIN_TEST_PG_BLACKBOX"):
        if os.environ.get("PARKBRAIN_REQUIRE_PG") == "1":
            print("PARKBRAIN_TEST_PG_BLACKBOX is not set")
            return 1
        print("skipped: no PostgreSQL (run under scripts/with-postgres)")
        return SKIP
    ctx = Context(os.path.abspath(args.binary), args.backend)
    passed = failed = 0
    try:
        ctx.server.reset_database()
        ctx.server.seed_demo()
        ctx.server.start()
        for fn in TESTS:
            if args.only and fn.__name__ not in args.only.split(","):
                continue
            t0 = time.time()
            ctx.notes = []
            try:
                if ctx.server.proc is None:
                    ctx.server.start()
                fn(ctx)
                passed += 1
                extra = ("  (" + "; ".join(ctx.notes) + ")") if ctx.notes else ""
                print(f"ok   {args.backend}: {fn.__name__} ({time.time() - t0:.1f}s){extra}", flush=True)
            except Exception as e:  # noqa: BLE001 - report every failure and go on
                failed += 1
                print(f"FAIL {args.backend}: {fn.__name__}: {e}", flush=True)
                if not isinstance(e, AssertionError):
                    traceback.print_exc()
                print("---- server log ----\n" + ctx.server.tail_log(), flush=True)
    finally:
        ctx.server.stop()
        rmtree(ctx.workdir)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
