"""Black-box security tests: the role x endpoint matrix and the live feed generated from the routes, the access
table in docs/ARCHITECTURE.md, static files that never leave the web root, security headers, request smuggling
and malformed HTTP, strict JSON and media types, LIKE wildcards, the connection flood at the descriptor limit,
live connections closed when their token dies, and the bound on password hashing. Registered into run.py's list.
Each test asserts what must happen, not only that the server survived."""
import json
import os
import random
import re
import resource
import socket
import statistics
import subprocess
import threading
import time

import access_table
from harness import DEMO_LOGINS, Server, WebSocket, check, login, read_until_closed, request, rmtree, tempdir, test_registry



TESTS, test = test_registry()


def api_token(base, admin, role, label, enterprise_id=None):
    body = {"label": label, "role": role, "expires_in_days": 1}
    if enterprise_id is not None:
        body["enterprise_id"] = enterprise_id
    status, _, out = request(base, "POST", "/api/v1/tokens", body, admin)
    check(status == 201, f"cannot create a {role} token: {status} {out}")
    return out["token"], out["id"]


def tokens_by_role(base):
    """A token for every role and token kind: users sign in, screens and devices get API tokens."""
    out = {role: login(base, *cred) for role, cred in DEMO_LOGINS.items()}
    out["viewer"], _ = api_token(base, out["park_admin"], "viewer", "matrix screen")
    out["device"], _ = api_token(base, out["park_admin"], "device", "matrix device", 1)
    out["gate"], _ = api_token(base, out["park_admin"], "gate", "matrix gate camera")
    return out


def raw_exchange(base, data, timeout=5):
    """Sends raw bytes and reads until the server closes (or the timeout); returns what came back."""
    host, port = base.split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as s:
        s.sendall(data)
        return read_until_closed(s, timeout)


def responses_in(raw):
    return re.findall(rb"^HTTP/1\.[01] (\d{3})", raw, flags=re.M)


# ---- access: the routes, the table in ARCHITECTURE and the live feed -------------------------------------------

@test
def access_table_in_architecture_matches_the_routes(ctx):
    out = subprocess.run([ctx.binary, "openapi"], capture_output=True, text=True, check=True).stdout
    routes = access_table.parse(access_table.render(json.loads(out)))
    table, _ = access_table.committed()
    check(table is not None, "docs/ARCHITECTURE.md has no generated access table")
    documented = access_table.parse(table)
    missing = sorted(set(routes) - set(documented))
    stale = sorted(set(documented) - set(routes))
    differ = sorted(k for k in routes if k in documented and routes[k] != documented[k])
    check(not missing and not stale and not differ,
          f"ARCHITECTURE's access table and the routes disagree: undocumented {missing}, no longer served {stale}, "
          f"roles differ on {differ}; regenerate with tests/blackbox/access_table.py --write")
    # The rules the table must encode, whatever else changes.
    for (method, path), roles in routes.items():
        if roles is None:
            check(path in ("/api/v1/auth/login", "/healthz", "/metrics", "/api/openapi.json"),
                  f"{method} {path} is public")
            continue
        check("device" not in roles or path in ("/write", "/api/v1/write", "/api/v1/telemetry"),
              f"device tokens may only write telemetry, yet {method} {path} admits them")
        if "viewer" in roles and not path.startswith("/api/v1/auth/"):
            check(method == "GET" and path in ("/api/v1/park", "/api/v1/alarms", "/api/v1/latest", "/api/v1/lists",
                                               "/api/v1/carbon/park", "/api/v1/carbon/ratings", "/api/v1/live",
                                               "/api/v1/park/layout", "/api/v1/screen/today",
                                               "/api/v1/isotopes/shipments", "/api/v1/maintenance/screen",
                                               "/api/v1/logistics/screen", "/api/v1/dispatch/screen"),
                  f"a screen token reads {method} {path}, which the big screen does not show")
        if path.startswith(("/api/v1/audit", "/api/v1/users", "/api/v1/tokens")):
            check(roles == {"park_admin"}, f"{method} {path} must be for park admins only: {roles}")


@test
def role_endpoint_matrix_is_enforced_for_every_route_and_token_kind(ctx):
    """Generated from the served routes: each role and token kind calls each operation; the route-level check
    must refuse exactly the roles the route does not list (403 naming the role), and let the others through."""
    base = ctx.server.base
    status, _, doc = request(base, "GET", "/api/openapi.json")
    check(status == 200, "no OpenAPI document")
    tokens = tokens_by_role(base)
    calls = 0
    for method, path, op in access_table.operations(doc):
        allowed = access_table.roles_of(op)
        if allowed is None or path == "/api/v1/auth/logout":
            continue  # public; logout would end the session the rest of the matrix needs (tested below)
        concrete = (path.replace("{id}", "999999").replace("{period}", "2025-01").replace("{table}", "inventory"))
        body = "{}" if method in ("POST", "PATCH", "PUT") else None
        for role, token in tokens.items():
            st, _, resp = request(base, method, concrete, body, token)
            calls += 1
            # Refused for the role (a coded text naming the role), not for anything else about the request.
            denied = (st == 403 and "request.role_denied" in json.dumps(resp)
                      and f"auth.role_name.{role}" in json.dumps(resp))
            where = f"{role} {method} {path}"
            if role in allowed:
                check(st != 401 and not denied, f"{where}: the route lists the role but it was refused: {st} {resp}")
            else:
                check(denied, f"{where}: the route does not list the role, yet it answered {st} "
                              f"{json.dumps(resp)[:160]}")
    ctx.note(f"{calls} calls")
    check(calls > 400, f"only {calls} calls made")


def subscribe(base, token):
    ws = WebSocket(base, "/api/v1/live?token=" + token)
    check(ws.status == 101, f"live feed refused: {ws.status}")
    hello = ws.recv()
    check(hello["type"] == "hello", f"no hello: {hello}")
    return ws


def drain(ws, seconds):
    """Every message that arrives within `seconds`."""
    got = []
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            got.append(ws.recv(timeout=max(0.05, deadline - time.time())))
        except (socket.timeout, TimeoutError):
            break
    return got


@test
def live_events_reach_exactly_the_readers_of_their_rest_twins(ctx):
    """audit events are for the readers of GET /api/v1/audit (park admins); telemetry and alarm events for the
    readers of GET /api/v1/latest and /api/v1/alarms, within their enterprise scope. Every role and token kind
    listens while an enterprise user changes its own records (audit) and a device writes a value (telemetry)."""
    base = ctx.server.base
    tokens = tokens_by_role(base)
    _, _, doc = request(base, "GET", "/api/openapi.json")
    twin = {"audit": "/api/v1/audit", "telemetry": "/api/v1/latest", "alarm": "/api/v1/alarms"}
    readers = {k: set(access_table.roles_of(doc["paths"][p]["get"])) for k, p in twin.items()}
    _, _, me = request(base, "GET", "/api/v1/auth/me", None, tokens["enterprise_user"])
    ent = me["user"]["enterprise_id"] if "user" in me else me["enterprise_id"]
    # A device token of the user's enterprise and one of its sensors.
    dev, _ = api_token(base, tokens["park_admin"], "device", "live matrix device", ent)
    _, _, sensors = request(base, "GET", f"/api/v1/sensors?enterprise_id={ent}&page_size=1", None,
                            tokens["park_admin"])
    key = sensors["items"][0]["key"]
    listeners = {role: subscribe(base, tok) for role, tok in tokens.items() if role != "device"}
    try:
        # An audit event inside the user's enterprise: a facility it creates (and deletes again).
        st, _, fac = request(base, "POST", "/api/v1/facilities",
                             {"enterprise_id": ent, "name": "实时权限测试库房", "kind": "warehouse"},
                             tokens["enterprise_user"])
        check(st == 201, f"facility not created: {st} {fac}")
        st, _, _ = request(base, "POST", "/api/v1/write?precision=s", f"{key} value=1.5 {int(time.time())}", dev,
                           content_type="text/plain")
        check(st == 204, f"write refused: {st}")
        request(base, "DELETE", f"/api/v1/facilities/{fac['id']}", None, tokens["enterprise_user"])
        for role, ws in listeners.items():
            kinds = {m["type"] for m in drain(ws, 1.5)}
            for kind in ("audit", "telemetry"):
                expected = role in readers[kind]
                check((kind in kinds) == expected,
                      f"{role}: {kind} event {'missing' if expected else 'leaked'} (REST twin {twin[kind]} "
                      f"admits {sorted(readers[kind])}); got {sorted(kinds)}")
    finally:
        for ws in listeners.values():
            ws.close()


def closed_within(ws, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            ws.recv(timeout=max(0.05, deadline - time.time()))
        except ConnectionError:
            return True
        except (socket.timeout, TimeoutError):
            return False
    return False


@test
def live_connections_close_when_their_token_dies(ctx):
    """Logout, token revocation, disabling a user and changing a role each close the live connections they
    concern at once, not after a timeout; an unrelated connection stays open."""
    base = ctx.server.base
    admin = login(base, "admin", "admin-demo-2026")
    bystander = subscribe(base, admin)
    try:
        # 1. logout
        tok = login(base, "staff", "staff-demo-2026")
        ws = subscribe(base, tok)
        check(request(base, "POST", "/api/v1/auth/logout", None, tok)[0] == 204, "logout failed")
        check(closed_within(ws, 2), "the live feed stayed open after logout")
        # 2. revoking an API token
        screen, screen_id = api_token(base, admin, "viewer", "revoked screen")
        ws = subscribe(base, screen)
        check(request(base, "DELETE", f"/api/v1/tokens/{screen_id}", None, admin)[0] == 204, "revoke failed")
        check(closed_within(ws, 2), "the live feed stayed open after the token was revoked")
        # 3 and 4. disabling a user, and changing a user's role
        for change in ({"disabled": True}, {"role": "driver"}):
            name = f"live-{random.randrange(10**9)}"
            st, _, user = request(base, "POST", "/api/v1/users",
                                  {"name": name, "role": "park_staff", "password": "Live-Test-2026!"}, admin)
            check(st == 201, f"user not created: {st} {user}")
            ws = subscribe(base, login(base, name, "Live-Test-2026!"))
            st, _, _ = request(base, "PATCH", f"/api/v1/users/{user['id']}", change, admin)
            check(st == 200, f"user change {change} failed: {st}")
            check(closed_within(ws, 2), f"the live feed stayed open after {change}")
        check(not closed_within(bystander, 0.3), "an unrelated admin connection was closed")
    finally:
        bystander.close()


# ---- static files, headers, HTTP parsing ---------------------------------------------------------------------

@test
def static_files_never_leave_the_web_root(ctx):
    """A server with a web root beside a secret file and a symlink out of the root: every traversal form gets
    404 (or 400 for a malformed path) and never the secret or /etc/passwd; real files and SPA routes still work."""
    work = tempdir("parkbrain-static-")
    root = os.path.join(work, "dist")
    os.makedirs(os.path.join(root, "assets"))
    with open(os.path.join(root, "index.html"), "w") as f:
        f.write("<!doctype html><title>app</title>INDEX-PAGE")
    with open(os.path.join(root, "assets", "app.js"), "w") as f:
        f.write("console.log('APP-JS')")
    with open(os.path.join(root, "sw.js"), "w") as f:
        f.write("self.addEventListener('fetch', () => {})")
    with open(os.path.join(work, "secret.txt"), "w") as f:
        f.write("TOP-SECRET")
    os.symlink(os.path.join(work, "secret.txt"), os.path.join(root, "link.txt"))
    os.symlink("/etc", os.path.join(root, "etc"))
    server = Server(ctx.binary, "sqlite", work, web_root=root)
    server.seed_demo()
    server.start()
    try:
        for target in ["//etc/passwd", "/%2Fetc%2Fpasswd", "/%2fetc/passwd", "/../secret.txt", "/..%2Fsecret.txt",
                       "/%2E%2E/secret.txt", "/assets/../../secret.txt", "/assets/..%2F..%2Fsecret.txt",
                       "/..\\secret.txt", "/%5C..%5Csecret.txt", "/link.txt", "/etc/passwd", "/etc/hostname",
                       "/./index.html", "/assets//app.js", "/%00index.html", "/" + work + "/secret.txt",
                       "/" + "%2F" + work.lstrip("/").replace("/", "%2F") + "%2Fsecret.txt"]:
            raw = raw_exchange(server.base, f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
            codes = responses_in(raw)
            check(b"TOP-SECRET" not in raw and b"root:x:0" not in raw, f"{target} leaked a file outside the root")
            check(codes and codes[0] in (b"404", b"400"), f"{target}: expected 404, got {raw[:120]!r}")
        st, headers, body = request(server.base, "GET", "/assets/app.js")
        check(st == 200 and "APP-JS" in body, f"a real asset is not served: {st}")
        check(headers.get("content-security-policy", "").startswith("default-src 'none'"),
              f"a script file may fetch: {headers.get('content-security-policy')}")
        # The service worker runs under its script's policy: our own origin only, and no other file gets it.
        st, headers, body = request(server.base, "GET", "/sw.js")
        check(st == 200 and headers.get("content-security-policy") == "default-src 'self'; frame-ancestors 'none'",
              f"the service worker's policy: {st} {headers.get('content-security-policy')}")
        st, headers, _ = request(server.base, "GET", "/assets/sw.js")
        check(st == 404, f"a service-worker policy for a path that is not the root's sw.js: {st}")
        st, headers, body = request(server.base, "GET", "/screen")
        check(st == 200 and "INDEX-PAGE" in body, "an app route does not get index.html")
        csp = headers.get("content-security-policy", "")
        check("script-src 'self'" in csp and "frame-ancestors 'none'" in csp, f"page CSP missing: {csp}")
        check(headers.get("x-frame-options") == "DENY", "a page can be framed")
        check(headers.get("x-content-type-options") == "nosniff", "a page can be sniffed")
    finally:
        server.stop()
        rmtree(work)


@test
def every_response_carries_the_security_headers(ctx):
    base = ctx.server.base
    for method, path in (("GET", "/healthz"), ("GET", "/api/v1/park"), ("GET", "/api/v1/nothing"),
                         ("POST", "/api/v1/auth/login")):
        st, headers, _ = request(base, method, path, {"name": "x", "password": "y"} if method == "POST" else None)
        for name, value in (("x-content-type-options", "nosniff"), ("referrer-policy", "no-referrer")):
            check(headers.get(name) == value, f"{method} {path} ({st}): {name} is {headers.get(name)!r}")
        check("frame-ancestors 'none'" in headers.get("content-security-policy", ""),
              f"{method} {path}: no Content-Security-Policy")


@test
def ambiguous_framing_is_refused_and_the_connection_closed(ctx):
    """Request smuggling: a Transfer-Encoding that is not exactly chunked, or one sent with Content-Length, gets
    400 and the connection closes, so whatever follows is never served as a second request."""
    base = ctx.server.base
    smuggled = b"GET /api/v1/users HTTP/1.1\r\nHost: x\r\n\r\n"
    cases = [
        b"Transfer-Encoding: xchunked\r\nContent-Length: 5\r\n",
        b"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
        b"Transfer-Encoding: gzip, chunked\r\n",
        b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
        b"Transfer-Encoding: identity\r\nContent-Length: 5\r\n",
        b"Transfer-Encoding: chunked, identity\r\n",
    ]
    for headers in cases:
        t0 = time.time()
        # The body "0\r\n\r\n" is 5 bytes and also an empty chunked body: either reading ends right before the
        # smuggled request, which a lenient server would then answer as a second one.
        raw = raw_exchange(base, b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\n" + headers +
                           b"Content-Type: application/json\r\n\r\n0\r\n\r\n" + smuggled)
        codes = responses_in(raw)
        check(codes == [b"400"], f"{headers!r}: expected one 400, got {codes}")
        check(time.time() - t0 < 3, f"{headers!r}: the connection was left open")
    # Malformed request lines and headers: 400, never a crash or a second answer.
    for junk in (b"GET\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n", b"GET /healthz HTTP/1.1\r\nBad Header\r\n\r\n",
                 b"\x00\x01\x02\r\n\r\n", b"GET /healthz HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
                 b"GET /healthz HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"):
        codes = responses_in(raw_exchange(base, junk))
        check(codes in ([b"400"], []), f"{junk!r}: got {codes}")
    check(request(base, "GET", "/healthz")[0] == 200, "the server stopped answering")


@test
def json_bodies_and_media_types_are_parsed_strictly(ctx):
    base = ctx.server.base
    admin = login(base, "admin", "admin-demo-2026")
    # Duplicate keys: the last one must not win (a proxy or a log may have read the first).
    st, _, body = request(base, "POST", "/api/v1/auth/login",
                          '{"name":"admin","password":"wrong","password":"admin-demo-2026"}')
    check(st == 400 and body["error"]["field"] == "password", f"duplicate key accepted: {st} {body}")
    st, _, body = request(base, "PATCH", "/api/v1/enterprises/1", '{"address":"a","address":"b"}', admin)
    check(st == 400 and body["error"]["field"] == "address", f"duplicate key accepted: {st} {body}")
    # Control characters in text.
    st, _, body = request(base, "PATCH", "/api/v1/enterprises/1", {"address": "bad\u0000name"}, admin)
    check(st == 400 and body["error"]["field"] == "address", f"NUL stored: {st} {body}")
    st, _, body = request(base, "POST", "/api/v1/facilities",
                          {"enterprise_id": 1, "name": "a\u001b[31mred", "kind": "warehouse"}, admin)
    check(st == 400 and body["error"]["field"] == "name", f"escape stored: {st} {body}")
    # Media types: parsed, not prefix-matched.
    login_body = json.dumps({"name": "admin", "password": "admin-demo-2026"})
    for ct, ok in (("APPLICATION/JSON", True), ("application/json; charset=UTF-8", True), ("application/jsonx", False),
                   ("application/json-patch+json", False), ("text/plain", False)):
        st, _, body = request(base, "POST", "/api/v1/auth/login", login_body, content_type=ct)
        check((st == 200) == ok, f"Content-Type {ct}: {st} {body}")
        if not ok:
            check(body["error"]["field"] == "Content-Type", f"{ct}: {body}")


@test
def search_wildcards_match_only_themselves(ctx):
    base = ctx.server.base
    admin = login(base, "admin", "admin-demo-2026")
    for path in ("/api/v1/enterprises", "/api/v1/equipment", "/api/v1/sensors", "/api/v1/users", "/api/v1/series"):
        st, _, all_rows = request(base, "GET", path + "?page_size=1", None, admin)
        check(st == 200 and all_rows["total"] > 0, f"{path}: no rows to search")
        for q in ("_", "%25", "__", "%5C", "%25%25", "_%25"):
            st, _, found = request(base, "GET", f"{path}?q={q}&page_size=1", None, admin)
            check(st == 200, f"{path}?q={q}: {st}")
            check(found["total"] < all_rows["total"], f"{path}?q={q} matched every row ({found['total']})")


@test
def readme_commands_work_as_written(ctx):
    """The README's telemetry example (curl --data-binary sends a form Content-Type) must work against a real
    server: each command of its sh block runs with the demo's port swapped in."""
    with open(os.path.join(access_table.ROOT, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    blocks = re.findall(r"```sh\n(.*?)```", readme, flags=re.S)
    block = next((b for b in blocks if "/write" in b), None)
    check(block is not None, "the README has no /write example")
    admin = login(ctx.server.base, "admin", "admin-demo-2026")
    script = "set -e\nTOKEN=" + admin + "\n" + block.replace("localhost:8080", ctx.server.base)
    script = script.replace("curl -s ", "curl -sS --fail-with-body ")
    out = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60)
    check(out.returncode == 0, f"README commands failed ({out.returncode}): {out.stdout[-400:]} {out.stderr[-400:]}")
    check('"error"' not in out.stdout, f"README commands answered an error: {out.stdout[-400:]}")


# ---- resource exhaustion ---------------------------------------------------------------------------------------

def own_server(ctx, prefix, config_text, descriptors=None):
    """A separate server on its own SQLite file, so that floods and odd settings never touch the shared one."""
    work = tempdir(prefix)
    cfg = os.path.join(work, "test.toml")
    with open(cfg, "w") as f:
        f.write(config_text)
    server = Server(ctx.binary, "sqlite", work, extra_args=["--config", cfg])
    server.seed_demo()
    real_popen = subprocess.Popen
    if descriptors:
        def limit():
            resource.setrlimit(resource.RLIMIT_NOFILE, (descriptors, descriptors))
        subprocess.Popen = lambda *a, **k: real_popen(*a, preexec_fn=limit, **k)
    try:
        server.start()
    finally:
        subprocess.Popen = real_popen
    return server, work


def metric(base, name):
    _, _, text = request(base, "GET", "/metrics")
    m = re.search(rf"^{re.escape(name)} (\d+)", text, flags=re.M)
    return int(m.group(1)) if m else None


@test
def connection_flood_at_the_descriptor_limit_keeps_the_server_answering(ctx):
    """The server runs with 512 descriptors. 1,200 clients each send half a request line and wait. /healthz and
    a signed-in read must still answer within a second, the log must not explode, and /metrics counts what was
    closed to make room. When the flood ends, the connections are released."""
    server, work = own_server(ctx, "parkbrain-flood-", "[server]\nheader_timeout_s = 60\n", descriptors=512)
    sockets = []
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 4096)), hard))
    try:
        cap = metric(server.base, "parkbrain_connections_cap")
        check(cap is not None and cap <= 512 - 128, f"connection cap {cap} does not fit 512 descriptors")
        log_before = os.path.getsize(server.log_path)
        host, port = server.base.split(":")
        for _ in range(1200):
            try:
                s = socket.create_connection((host, int(port)), timeout=2)
                s.sendall(b"GET /api/v1/park HT")
                sockets.append(s)
            except OSError:
                pass
        time.sleep(0.5)
        admin = None
        for _ in range(5):
            t0 = time.time()
            st, _, _ = request(server.base, "GET", "/healthz", timeout=5)
            check(st == 200 and time.time() - t0 < 1.0, f"/healthz under the flood: {st} in {time.time() - t0:.2f}s")
            admin = admin or login(server.base, "admin", "admin-demo-2026")
            t0 = time.time()
            st, _, _ = request(server.base, "GET", "/api/v1/park", None, admin, timeout=5)
            check(st == 200 and time.time() - t0 < 1.0, f"/api/v1/park under the flood: {st}")
        evicted = metric(server.base, "parkbrain_connections_evicted_total")
        check(len(sockets) > 1000, f"only {len(sockets)} flood connections were made")
        check(evicted and evicted >= len(sockets) - cap,
              f"evicted {evicted} of {len(sockets)}: connections beyond the cap {cap} were not closed")
        grown = os.path.getsize(server.log_path) - log_before
        check(grown < 200_000, f"the log grew by {grown} bytes during the flood")
        for s in sockets:
            s.close()
        sockets = []
        deadline = time.time() + 10
        while time.time() < deadline and metric(server.base, "parkbrain_connections_open") > 5:
            time.sleep(0.2)
        check(metric(server.base, "parkbrain_connections_open") <= 5, "connections were not released")
    finally:
        for s in sockets:
            s.close()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
        server.stop()
        rmtree(work)


@test
def idle_and_slow_connections_are_closed_at_the_header_deadline(ctx):
    server, work = own_server(ctx, "parkbrain-slow-", "[server]\nheader_timeout_s = 1\nrequest_timeout_s = 30\n")
    try:
        host, port = server.base.split(":")
        for first in (b"", b"GET /healthz HTTP/1.1\r\nHo"):
            with socket.create_connection((host, int(port)), timeout=5) as s:
                s.sendall(first)
                t0 = time.time()
                got = s.recv(100)  # the server closes: b"" (or a reset)
                check(got == b"" and 0.5 < time.time() - t0 < 3.0,
                      f"a connection that sent {first!r} was held {time.time() - t0:.1f}s")
    finally:
        server.stop()
        rmtree(work)


@test
def a_login_flood_does_not_slow_other_requests(ctx):
    """Four clients try random user names, each every 50 ms, for 6 seconds (the attack this answers sent 11 a
    second). Password hashing is bounded: attempts beyond it get 429 with Retry-After at once, memory stays flat,
    and a signed-in read keeps its pace. Runs on its own server, since the flood spends 127.0.0.1's sign-in rate."""
    server, work = own_server(ctx, "parkbrain-logins-", "[auth]\nlogin_per_address_per_minute = 600\n")
    try:
        run_login_flood(ctx, server)
    finally:
        server.stop()
        rmtree(work)


def run_login_flood(ctx, server):
    base = server.base
    admin = login(base, "admin", "admin-demo-2026")

    def rss_kb():
        with open(f"/proc/{server.proc.pid}/status") as f:
            return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))

    quiet = []
    for _ in range(20):
        t0 = time.time()
        request(base, "GET", "/api/v1/park", None, admin)
        quiet.append(time.time() - t0)
    rss_before = rss_kb()
    stop = threading.Event()
    outcomes = []

    def flood():
        while not stop.is_set():
            st, headers, _ = request(base, "POST", "/api/v1/auth/login",
                                     {"name": f"nobody{random.randrange(10**9)}", "password": "x" * 12})
            outcomes.append((st, headers.get("retry-after")))
            time.sleep(0.05)

    threads = [threading.Thread(target=flood) for _ in range(4)]
    for t in threads:
        t.start()
    loaded = []
    try:
        time.sleep(0.5)
        end = time.time() + 6
        while time.time() < end:
            t0 = time.time()
            st, _, _ = request(base, "GET", "/api/v1/park", None, admin)
            loaded.append(time.time() - t0)
            check(st == 200, f"a read failed during the flood: {st}")
            time.sleep(0.05)
        rss_during = rss_kb()
    finally:
        stop.set()
        for t in threads:
            t.join()
    refused = [o for o in outcomes if o[0] == 429]
    check(refused and all(r for _, r in refused), f"no 429 with Retry-After among {len(outcomes)} attempts")
    check({o[0] for o in outcomes} <= {401, 429}, f"unexpected answers: {sorted({o[0] for o in outcomes})}")
    median = statistics.median(loaded)
    ctx.note(f"{len(outcomes)} attempts, {len(refused)} refused; read median {median * 1000:.0f} ms under the flood, "
             f"{statistics.median(quiet) * 1000:.0f} ms before; RSS {rss_before // 1024} -> {rss_during // 1024} MiB")
    check(median < 0.25, f"reads took {median * 1000:.0f} ms at the median during the login flood")
    check(rss_during < rss_before + 200 * 1024, f"memory grew from {rss_before} to {rss_during} KiB")
    _, _, text = request(base, "GET", "/metrics")
    m = re.search(r'parkbrain_password_checks_total\{outcome="refused"\} (\d+)', text)
    check(m and int(m.group(1)) == len(refused), f"refusals are not counted in /metrics: {m and m.group(0)}")
