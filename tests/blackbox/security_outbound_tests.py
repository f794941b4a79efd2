"""Black-box security tests of what leaves the server: webhook URLs (with their robots' tokens) shown only to
those who own them, webhook targets that must be public addresses unless the park admin allows a host, and CSV
exports whose text cells can never run as spreadsheet formulas. Registered into run.py's list."""
import csv
import io
import json
import socket
import time

from harness import check, login, request, test_registry, webhook_receiver
from telemetry_tests import device_token, restart_with_config, restore_defaults, sensors_of, write

TESTS, test = test_registry()


# --- Finding 6: webhook URLs carry robot tokens, and their targets are server-side requests -------------------------

SECRET = "0123456789abcdefSECRETTOKEN"
DINGTALK = f"https://oapi.dingtalk.com/robot/send?access_token={SECRET}"
DINGTALK_MASKED = "https://oapi.dingtalk.com/robot/send?access_token=***"
WECOM = f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={SECRET}"


def _rule_body(sensor_id, url, name, high=1e9):
    return {"name": name, "sensor_id": sensor_id, "kind": "threshold", "high": high, "deadband": 1,
            "webhook_url": url, "webhook_format": "dingtalk"}


def _token(base, admin, role, enterprise_id=None):
    body = {"label": f"sec-{role}-{time.time_ns()}", "role": role}
    if enterprise_id:
        body["enterprise_id"] = enterprise_id
    st, _, t = request(base, "POST", "/api/v1/tokens", body, admin)
    check(st == 201, f"token {role}: {st} {t}")
    return t["token"]


def _rules_seen(base, token):
    st, _, body = request(base, "GET", "/api/v1/alarm-rules", token=token)
    return st, body


@test
def webhook_urls_are_shown_only_to_admins_and_the_rules_enterprise(ctx):
    base = ctx.server.base
    admin = login(base, "admin", "admin-demo-2026")
    ent = login(base, "ent-user", "ent-demo-2026")
    sensor = sensors_of(base, admin, 1)[0]
    st, _, own = request(base, "POST", "/api/v1/alarm-rules", _rule_body(sensor["id"], DINGTALK, "sec masked own"), ent)
    check(st == 201 and own["webhook_url"] == DINGTALK and own["webhook_url_masked"] is False,
          f"the owner's create: {st} {own}")
    park_wide = {"name": "sec masked park", "equipment_type": "sec_type", "quantity": "sec_quantity",
                 "kind": "threshold", "high": 1e9, "webhook_url": WECOM, "webhook_format": "wecom"}
    st, _, park = request(base, "POST", "/api/v1/alarm-rules", park_wide, admin)
    check(st == 201 and park["enterprise_id"] is None and park["webhook_url"] == WECOM, f"park rule: {st} {park}")
    try:
        viewers = {
            "park_admin": admin,
            "park_staff": login(base, "staff", "staff-demo-2026"),
            "enterprise_user (own)": ent,
            "enterprise_user (other)": _token(base, admin, "enterprise_user", 2),
            "technician": login(base, "tech", "tech-demo-2026"),
            "integrator": login(base, "integrator", "integrator-demo-2026"),
            "viewer token": _token(base, admin, "viewer"),
            "device token": _token(base, admin, "device"),
            "driver": login(base, "driver", "driver-demo-2026"),
        }
        # (sees the own rule: "full", "masked" or None for not listed; sees the park rule; status)
        expect = {
            "park_admin": ("full", "full", 200),
            "park_staff": ("masked", "masked", 200),
            "enterprise_user (own)": ("full", "masked", 200),
            "enterprise_user (other)": (None, "masked", 200),
            "technician": ("masked", "masked", 200),
            "integrator": ("masked", "masked", 200),
            # Screen tokens may or may not read rules (the route's roles decide); if they do, only masked.
            "viewer token": ("masked", "masked", (200, 403)),
            "device token": (None, None, 403),
            "driver": (None, None, 403),
        }
        for who, token in viewers.items():
            want_own, want_park, want_status = expect[who]
            st, body = _rules_seen(base, token)
            allowed = want_status if isinstance(want_status, tuple) else (want_status,)
            check(st in allowed, f"{who}: GET /alarm-rules answered {st}, expected {want_status}")
            if st != 200:
                continue
            by_id = {r["id"]: r for r in body["items"]}
            for rule, want, full in ((own, want_own, DINGTALK), (park, want_park, WECOM)):
                got = by_id.get(rule["id"])
                if want is None:
                    check(got is None, f"{who} sees rule {rule['name']}: {got}")
                elif want == "full":
                    check(got and got["webhook_url"] == full and got["webhook_url_masked"] is False,
                          f"{who} should see the full URL of {rule['name']}: {got}")
                else:
                    check(got and got["webhook_url_masked"] is True and SECRET not in got["webhook_url"]
                          and got["webhook_url"].endswith("=***"), f"{who} should see {rule['name']} masked: {got}")
            if want_own != "full" and want_park != "full":
                check(SECRET not in json.dumps(body), f"{who}: the token leaks somewhere in the rule list")
        check(expect_masked_value(base, viewers["park_staff"], own["id"]) == DINGTALK_MASKED, "staff's masked view")

        # Someone who saw the mask edits the rule and sends the mask back: the stored URL stays.
        staff = viewers["park_staff"]
        st, _, out = request(base, "PUT", f"/api/v1/alarm-rules/{park['id']}",
                             dict(park_wide, high=2e9, webhook_url=WECOM.replace(SECRET, "***")), staff)
        check(st == 200 and out["webhook_url_masked"] is True and SECRET not in json.dumps(out), f"staff PUT: {st} {out}")
        got = {r["id"]: r for r in _rules_seen(base, admin)[1]["items"]}[park["id"]]
        check(got["webhook_url"] == WECOM and got["high"] == 2e9, f"the masked PUT changed the stored URL: {got}")
        # A mask edited into something else is not a URL to store.
        st, _, err = request(base, "PUT", f"/api/v1/alarm-rules/{park['id']}",
                             dict(park_wide, webhook_url="https://evil.example/cgi-bin/webhook/send?key=***"), staff)
        check(st == 400 and err["error"]["field"] == "webhook_url", f"an edited mask was accepted: {st} {err}")
        # The owner replaces the URL with a new one; clearing it works too.
        new_url = DINGTALK.replace(SECRET, "NEWTOKEN9876543210")
        st, _, out = request(base, "PUT", f"/api/v1/alarm-rules/{own['id']}",
                             _rule_body(sensor["id"], new_url, "sec masked own"), ent)
        check(st == 200 and out["webhook_url"] == new_url, f"owner PUT: {st} {out}")
        # An enterprise user cannot edit another enterprise's or the park's rule.
        st, _, _ = request(base, "PUT", f"/api/v1/alarm-rules/{park['id']}", park_wide, ent)
        check(st == 404, f"an enterprise user edited the park rule: {st}")
    finally:
        for rule in (own, park):
            request(base, "DELETE", f"/api/v1/alarm-rules/{rule['id']}", token=admin)


def expect_masked_value(base, token, rule_id):
    return {r["id"]: r for r in _rules_seen(base, token)[1]["items"]}[rule_id]["webhook_url"]


BAD_TARGETS = [
    "http://127.0.0.1:9000/robot", "http://169.254.169.254/latest/meta-data/", "http://[::1]:8080/",
    "http://0x7f000001/", "http://2130706433/", "http://127.1/", "http://user:pw@example.com/",
    "http://10.0.0.1/", "http://192.168.1.1/", "http://[::ffff:127.0.0.1]/", "http://224.0.0.1/",
    "http://100.64.0.1/", "http://0.0.0.0/", "http://[fd00::1]/", "http://0177.0.0.1/", "http://localhost:8080/",
]


def _loopback_name():
    """This machine's name when it resolves to loopback only (as /etc/hosts usually has it), else None."""
    name = socket.gethostname()
    try:
        infos = socket.getaddrinfo(name, 80, proto=socket.IPPROTO_TCP)
    except OSError:
        return None
    addrs = {i[4][0] for i in infos}
    ok = addrs and all(a.startswith("127.") or a == "::1" for a in addrs)
    return name if ok and name.lower() != "localhost" else None


def _raise_alarm(base, dev, sensor, value):
    check(write(base, dev, f"{sensor['key']} value={value} {int(time.time())}")[0] == 204, "write")


@test
def webhook_targets_must_be_public_unless_allowed(ctx):
    base = ctx.server.base
    admin = login(base, "admin", "admin-demo-2026")
    ent = login(base, "ent-user", "ent-demo-2026")
    sensor = sensors_of(base, admin, 1)[0]
    # Saving: every non-public literal, in any spelling, and credentials are refused naming webhook_url.
    for url in BAD_TARGETS:
        st, _, err = request(base, "POST", "/api/v1/alarm-rules", _rule_body(sensor["id"], url, "sec ssrf"), ent)
        check(st == 400 and err["error"]["field"] == "webhook_url" and err["error"]["message"],
              f"{url} was not refused: {st} {err}")
    # Delivery: a name that resolves to loopback is refused after resolution; nothing arrives, the log says why.
    hook = webhook_receiver()
    dev = device_token(base, admin)
    target = sensors_of(base, admin, 3)[0]
    name = _loopback_name()
    try:
        if name:
            url = f"http://{name}:{hook.server_port}/robot?access_token={SECRET}"
            st, _, rule = request(base, "POST", "/api/v1/alarm-rules", _rule_body(target["id"], url, "sec rebind", 100),
                                  admin)
            check(st == 201, f"a host name is checked at delivery, not refused at save: {st} {rule}")
            try:
                _raise_alarm(base, dev, target, 150)
                deadline = time.time() + 6
                log = ""
                while time.time() < deadline:
                    with open(ctx.server.log_path, errors="replace") as f:
                        log = f.read()
                    if "refused, dropped" in log and name in log:
                        break
                    time.sleep(0.3)
                check(not hook.received, f"a webhook reached loopback through {name}: {hook.received}")
                check("refused, dropped" in log and "loopback" in log, "the refusal is not logged: "
                      + ctx.server.tail_log())
                check(SECRET not in log, "the log shows the robot token")
                _raise_alarm(base, dev, target, 0)
            finally:
                request(base, "DELETE", f"/api/v1/alarm-rules/{rule['id']}", token=admin)
        else:
            print(f"    (skipped the DNS case: {socket.gethostname()} does not resolve to loopback only)")
    finally:
        hook.shutdown()

    # The park admin allows one host:port: deliveries reach it, other ports of that host stay refused.
    hook = webhook_receiver()
    restart_with_config(ctx, f'[alarms]\nwebhook_allow_hosts = ["127.0.0.1:{hook.server_port}"]\n')
    try:
        admin = login(base, "admin", "admin-demo-2026")
        dev = device_token(base, admin)
        st, _, err = request(base, "POST", "/api/v1/alarm-rules",
                             _rule_body(target["id"], f"http://127.0.0.1:{hook.server_port + 1}/", "sec other port"),
                             admin)
        check(st == 400 and err["error"]["field"] == "webhook_url", f"another port was accepted: {st} {err}")
        url = f"http://127.0.0.1:{hook.server_port}/robot?access_token={SECRET}"
        st, _, rule = request(base, "POST", "/api/v1/alarm-rules", _rule_body(target["id"], url, "sec allowed", 100),
                              admin)
        check(st == 201, f"the allowed host was refused: {st} {rule}")
        try:
            _raise_alarm(base, dev, target, 160)
            deadline = time.time() + 8
            while not hook.received and time.time() < deadline:
                time.sleep(0.2)
            check(hook.received and hook.received[0][0] == f"/robot?access_token={SECRET}"
                  and "sec allowed" in hook.received[0][1]["text"]["content"],
                  f"the allowed host got no webhook: {hook.received}")
            _raise_alarm(base, dev, target, 0)
        finally:
            request(base, "DELETE", f"/api/v1/alarm-rules/{rule['id']}", token=admin)
    finally:
        hook.shutdown()
        restore_defaults(ctx)


# --- Finding 7: spreadsheet formulas in CSV exports ----------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://x","Open")', "@SUM(1)", "+1", "-1+2", "\tTabbed"]


def _csv_rows(text):
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def _is_number(cell):
    try:
        float(cell)
        return True
    except ValueError:
        return False


@test
def csv_exports_neutralise_formulas(ctx):
    base = ctx.server.base
    admin = login(base, "admin", "admin-demo-2026")
    st, _, lists = request(base, "GET", "/api/v1/carbon/export/lists?year=2025", token=admin)
    check(st == 200, f"lists export: {st}")
    listed = [r for r in _csv_rows(lists)[1:] if len(r) > 1]
    check(listed, "no enterprise on the three lists in 2025")
    code = listed[0][1]
    st, _, found = request(base, "GET", "/api/v1/enterprises?size=100", token=admin)
    ent = [e for e in found["items"] if e["credit_code"] == code][0]
    original = ent["name"]
    try:
        for name in FORMULAS:
            st, _, body = request(base, "PATCH", f"/api/v1/enterprises/{ent['id']}", {"name": name}, admin)
            check(st == 200 and body["name"] == name, f"rename to {name!r}: {st} {body}")
            for table, name_col, code_col in (("inventory", 1, 0), ("lists", 2, 1), ("ratings", 1, 0)):
                st, hdrs, text = request(base, "GET", f"/api/v1/carbon/export/{table}?year=2025", token=admin)
                check(st == 200 and hdrs["content-type"].startswith("text/csv"), f"{table}: {st}")
                rows = _csv_rows(text)
                mine = [r for r in rows[1:] if len(r) > code_col and r[code_col] == code]
                check(mine, f"{table}: enterprise {code} missing")
                for r in mine:
                    check(r[name_col] == "'" + name, f"{table}: name cell {r[name_col]!r} for {name!r}")
                # No cell anywhere may start a formula; a leading '-' only in plain numbers we wrote.
                for r in rows:
                    for cell in r:
                        check(not cell[:1] in ("=", "+", "@", "\t", "\r"), f"{table}: live cell {cell!r}")
                        check(not cell.startswith("-") or _is_number(cell), f"{table}: live cell {cell!r}")
    finally:
        st, _, _ = request(base, "PATCH", f"/api/v1/enterprises/{ent['id']}", {"name": original}, admin)
        check(st == 200, f"restoring the name: {st}")
    # Numbers stay numbers: a negative reading exported as CSV is a plain -3.5, not '-3.5.
    sensor = sensors_of(base, admin, 2)[0]
    dev = device_token(base, admin)
    ts = int(time.time()) - 3600
    check(write(base, dev, f"{sensor['key']} value=-3.5 {ts}")[0] == 204, "write -3.5")
    st, _, series = request(base, "GET", f"/api/v1/series?sensor_id={sensor['id']}", token=admin)
    sid = series["items"][0]["id"]
    frm = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts - 1))
    to = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts + 1))
    st, _, text = request(base, "GET", f"/api/v1/series/{sid}/points?format=csv&from={frm}&to={to}", token=admin)
    check(st == 200 and _csv_rows(text)[1:] and _csv_rows(text)[1][1] == "-3.5", f"points CSV: {st} {text!r}")
