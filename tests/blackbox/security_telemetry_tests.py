"""Black-box security tests of telemetry ingest: junk on the HJ 212 port (connections closed, log bounded),
unregistered data loggers, points outside the accepted time window, query bounds out of range, and the caps on new
series. Registered into run.py's list; each test restores the default configuration."""
import json
import os
import socket
import time

from harness import check, free_port, login, read_until_closed, request, test_registry
from telemetry_tests import (T0, device_token, first_sensor_writer, hj212_frame, points, restart_with_config,
                             restore_defaults, series_of_sensor, write)

TESTS, test = test_registry()


def metrics(base):
    """/metrics as {'name{labels}': value}."""
    st, _, text = request(base, "GET", "/metrics")
    check(st == 200, f"/metrics: {st}")
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            out[name] = float(value)
    return out


def log_size(ctx):
    return os.path.getsize(ctx.server.log_path)


def log_since(ctx, offset):
    with open(ctx.server.log_path, "rb") as f:
        f.seek(offset)
        return f.read().decode(errors="replace")


def closed_by_peer(sock, timeout=5.0):
    """True when the server closed the connection (EOF or reset) within `timeout`; False if it stayed open."""
    sock.settimeout(timeout)
    try:
        while True:
            data = sock.recv(65536)
            if not data:
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def send_junk(port, junk):
    """Sends junk until done or the server closes the connection; returns (bytes sent, closed by the server)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sent = 0
    try:
        for i in range(0, len(junk), 16384):
            sock.sendall(junk[i:i + 16384])
            sent += len(junk[i:i + 16384])
    except (ConnectionResetError, BrokenPipeError):
        sock.close()
        return sent, True
    closed = closed_by_peer(sock)
    sock.close()
    return sent, closed


def junk_bytes(n):
    # "##" followed by a non-numeric length: every two bytes a frame start the splitter must drop. Unfixed, 1 MiB of
    # this wrote one warning per "##" (40-80 MB of log).
    rnd = os.urandom(n)
    return (b"##xy" + rnd[:60]) * (n // 64)


def hj212_data(mn, data_time, qn="20251125083000123", value="56.7"):
    return (f"QN={qn};ST=32;CN=2011;PW=123456;MN={mn};Flag=5;"
            f"CP=&&DataTime={data_time};w01018-Rtd={value},w01018-Flag=N&&")


def hj212_exchange(port, frames, wait=1.0):
    """Sends frames on one connection; returns what came back within `wait` seconds of quiet."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    for f in frames:
        sock.sendall(f)
    got = read_until_closed(sock, wait)
    sock.close()
    return got.decode(errors="replace")


def series_matching(base, admin, q):
    st, _, body = request(base, "GET", f"/api/v1/series?q={q}&size=100", token=admin)
    check(st == 200, f"series?q={q}: {st} {body}")
    return body["total"]


def register_monitor(base, admin, mn, enterprise_id=5):
    st, _, eq = request(base, "GET", f"/api/v1/equipment?enterprise_id={enterprise_id}&size=1", token=admin)
    check(st == 200 and eq["items"], f"equipment: {st} {eq}")
    st, _, s = request(base, "POST", "/api/v1/sensors",
                       {"equipment_id": eq["items"][0]["id"], "key": f"{mn}.w01018-rtd", "name": "COD",
                        "kind": "sensor", "quantity": "concentration", "unit": "mg/L"}, admin)
    check(st == 201, f"monitor sensor: {st} {s}")
    return s


@test
def hj212_junk_closes_the_connection_and_bounds_the_log(ctx):
    port = free_port()
    restart_with_config(ctx, f"[hj212]\nlisten = \"127.0.0.1:{port}\"\nmax_bad_frames = 3\n")
    try:
        base = ctx.server.base
        m0 = metrics(base)
        size0 = log_size(ctx)
        sent, closed = send_junk(port, junk_bytes(1 << 20))
        check(closed, f"the connection stayed open after 1 MiB of junk ({sent} bytes sent)")
        grown = log_size(ctx) - size0
        check(grown < 50_000, f"1 MiB of junk wrote {grown} bytes of log")
        m1 = metrics(base)
        bad = m1["parkbrain_hj212_bad_frames_total"] - m0.get("parkbrain_hj212_bad_frames_total", 0)
        closes = (m1['parkbrain_hj212_connections_closed_total{reason="bad_frames"}'] -
                  m0.get('parkbrain_hj212_connections_closed_total{reason="bad_frames"}', 0))
        check(bad == 3, f"bad frames counted: {bad}, expected exactly max_bad_frames = 3")
        check(closes == 1, f"connections closed for bad frames: {closes}")
        log = log_since(ctx, size0)
        check("closed after 3 bad frames" in log, f"the close is not logged: {log[-2000:]}")
        # Many junk connections: each is closed after 3 bad frames, and the warnings are rate-limited.
        size1 = log_size(ctx)
        for _ in range(20):
            _, closed = send_junk(port, junk_bytes(64 << 10))
            check(closed, "a later junk connection stayed open")
        grown = log_size(ctx) - size1
        m2 = metrics(base)
        closes = (m2['parkbrain_hj212_connections_closed_total{reason="bad_frames"}'] -
                  m1['parkbrain_hj212_connections_closed_total{reason="bad_frames"}'])
        check(closes == 20, f"closed {closes} of 20 junk connections")
        check(m2["parkbrain_hj212_bad_frames_total"] - m1["parkbrain_hj212_bad_frames_total"] == 60,
              "3 bad frames per connection")
        warnings = log_since(ctx, size1).count("hj212 127.0.0.1")
        check(warnings <= 25, f"{warnings} warning lines for 20 junk connections (rate limit: 10 per kind a minute)")
        check(grown < 20_000, f"20 junk connections wrote {grown} bytes of log")
        # A well-behaved logger is still served after all that.
        admin = login(base, "admin", "admin-demo-2026")
        mn = "88888880000031"
        register_monitor(base, admin, mn)
        reply = hj212_exchange(port, [hj212_frame(hj212_data(mn, "20251125083000"))])
        check("CN=9014" in reply, f"a registered logger got no reply: {reply!r}")
        ctx.note(f"1 MiB of junk: closed after 3 bad frames; 20 more connections: {warnings} log lines, {grown} B")
    finally:
        restore_defaults(ctx)


@test
def hj212_unregistered_data_loggers_store_nothing(ctx):
    port = free_port()
    # Even with unknown series registered on sight, an anonymous logger (no PW configured) stores nothing.
    restart_with_config(ctx, f"[telemetry]\nunknown_series = \"register\"\n[hj212]\nlisten = \"127.0.0.1:{port}\"\n")
    try:
        base = ctx.server.base
        admin = login(base, "admin", "admin-demo-2026")
        m0 = metrics(base)
        size0 = log_size(ctx)
        ghost = "77777770000077"
        reply = hj212_exchange(port, [hj212_frame(hj212_data(ghost, "20251125083000"))])
        check(reply == "", f"an unregistered MN was answered: {reply!r}")
        # An MN made of LIKE wildcards matches no sensor either.
        reply = hj212_exchange(port, [hj212_frame(hj212_data("%", "20251125083000"))])
        check(reply == "", f"MN % was answered: {reply!r}")
        check(series_matching(base, admin, ghost) == 0, "series were created for an unregistered MN")
        check(series_matching(base, admin, "%25.w01018") == 0, "series were created for MN %")
        m1 = metrics(base)
        unregistered = m1["parkbrain_hj212_unregistered_total"] - m0.get("parkbrain_hj212_unregistered_total", 0)
        check(unregistered == 2, f"unregistered frames counted: {unregistered}")
        check("not a registered monitoring point" in log_since(ctx, size0), "the refusal is not logged")
        # Registered: stored and answered.
        mn = "88888880000032"
        s = register_monitor(base, admin, mn)
        reply = hj212_exchange(port, [hj212_frame(hj212_data(mn, "20251125083000"))])
        check("CN=9014" in reply, f"registered MN not answered: {reply!r}")
        pts = points(base, admin, series_of_sensor(base, admin, s["id"]), "2025-11-25T00:00:00Z",
                     "2025-11-26T00:00:00Z")
        check([p["value"] for p in pts] == [56.7], f"registered MN's point: {pts}")
        # The open listener is a choice the configuration states: then unknown MNs follow unknown_series.
        restart_with_config(ctx, f"[telemetry]\nunknown_series = \"register\"\n"
                                 f"[hj212]\nlisten = \"127.0.0.1:{port}\"\naccept_unregistered = true\n")
        reply = hj212_exchange(port, [hj212_frame(hj212_data(ghost, "20251125083000"))])
        check("CN=9014" in reply, f"accept_unregistered = true: not answered: {reply!r}")
        check(series_matching(base, admin, ghost) == 1, "accept_unregistered = true: no series registered")
    finally:
        restore_defaults(ctx)


@test
def telemetry_points_outside_the_time_window_are_refused(ctx):
    port = free_port()
    restart_with_config(ctx, f"[hj212]\nlisten = \"127.0.0.1:{port}\"\n")
    try:
        base = ctx.server.base
        admin, key, sensor_id, dev = first_sensor_writer(base)
        m0 = metrics(base)
        now = int(time.time())
        check(write(base, dev, f"{key} value=1.5 {now - 60}")[0] == 204, "a current point is accepted")
        sid = series_of_sensor(base, admin, sensor_id)

        def latest():
            st, _, body = request(base, "GET", f"/api/v1/latest?sensor_id={sensor_id}", token=admin)
            check(st == 200 and len(body["items"]) == 1, f"latest: {st} {body}")
            return body["items"][0]

        check(latest()["value"] == 1.5, f"latest: {latest()}")
        # 2262 in nanoseconds: refused, so it can never become the latest value for good.
        st, _, body = write(base, dev, f"{key} value=99 9223372036854775806", precision="ns")
        check(st == 400 and body["error"]["field"] == "line 1" and "accept_future_s" in body["error"]["message"],
              f"2262: {st} {body}")
        # The whole batch is refused and the bad line named; more than a day ahead or ten years back is out.
        st, _, body = write(base, dev, f"{key} value=2 {now - 30}\n{key} value=3 {now + 2 * 86400}\n"
                                       f"{key} value=4 {now - 3651 * 86400}")
        check(st == 400 and body["error"]["field"] == "line 2" and "in the future" in body["error"]["message"]
              and "1 more line" in body["error"]["message"], f"future line: {st} {body}")
        st, _, body = request(base, "POST", "/api/v1/telemetry", {"ts": 253402300799000, "values": {key: 5}}, dev)
        check(st == 400 and body["error"]["field"] == "ts", f"JSON in 9999: {st} {body}")
        st, _, body = request(base, "POST", "/api/v1/telemetry",
                              [{"ts": (now - 10) * 1000, "values": {key: 6}}, {"ts": 0, "values": {key: 7}}], dev)
        check(st == 400 and body["error"]["field"] == "[1].ts" and "in the past" in body["error"]["message"],
              f"JSON in 1970: {st} {body}")
        check(latest()["value"] == 1.5, f"a refused batch changed the latest value: {latest()}")
        check(write(base, dev, f"{key} value=8.5 {now - 5}")[0] == 204, "a newer point is accepted")
        check(latest()["value"] == 8.5, f"the newer point is the latest: {latest()}")
        # HJ 212: year 9999 and 0000 are refused (no longer wrapped to 1753 / 1816); 2000 parses but is outside.
        mn = "88888880000033"
        s = register_monitor(base, admin, mn)
        reply = hj212_exchange(port, [hj212_frame(hj212_data(mn, "99991231235959")),
                                      hj212_frame(hj212_data(mn, "00000101000000"))])
        check(reply == "", f"impossible years were answered: {reply!r}")
        reply = hj212_exchange(port, [hj212_frame(hj212_data(mn, "20000101000000"))])
        check(reply == "", f"a 2000 upload was answered: {reply!r}")
        check(series_matching(base, admin, f"{mn}.w01018-rtd") == 0, "an out-of-window upload created a series")
        good = time.strftime("%Y%m%d%H%M%S", time.gmtime(now + 8 * 3600 - 120))  # Beijing time, 2 min ago
        reply = hj212_exchange(port, [hj212_frame(hj212_data(mn, good))])
        check("CN=9014" in reply, f"a current upload was not answered: {reply!r}")
        pts = points(base, admin, series_of_sensor(base, admin, s["id"]), "1900-01-01T00:00:00Z",
                     "2199-12-31T00:00:00Z")
        check([p["value"] for p in pts] == [56.7], f"only the current upload is stored: {pts}")
        m1 = metrics(base)
        refused = (m1['parkbrain_telemetry_points_refused_total{reason="time_window"}'] -
                   m0.get('parkbrain_telemetry_points_refused_total{reason="time_window"}', 0))
        # 1 (2262) + 2 (lines 2, 3) + 1 (JSON 9999) + 1 (JSON 1970) + 1 (HJ 212 in 2000); years 9999/0000 are bad
        # frames, refused before any point is read.
        check(refused == 6, f"points refused for their time: {refused}")
        # Query bounds outside what can be represented: 400 naming the bound, not an empty list.
        for path, field in [(f"/api/v1/series/{sid}/points?from=0001-01-01T00:00:00Z&to=2025-01-01T00:00:00Z", "from"),
                            (f"/api/v1/series/{sid}/points?from=2025-01-01T00:00:00Z&to=9999-12-31T23:59:59Z", "to"),
                            (f"/api/v1/series/{sid}/points?to=2262-04-12T00:00:00Z", "to"),
                            (f"/api/v1/series/{sid}/points?format=csv&from=1500-01-01T00:00:00Z", "from"),
                            (f"/api/v1/series/{sid}/buckets?from=2025-01-01T00:00:00Z&to=9999-01-01T00:00:00Z", "to"),
                            ("/api/v1/meters/consumption?from=0001-01-01&to=0001-01-02", "to"),
                            ("/api/v1/meters/consumption?from=9998-12-31&to=9999-01-01", "to")]:
            st, _, body = request(base, "GET", path, token=admin)
            check(st == 400 and body["error"]["field"] == field, f"{path}: {st} {str(body)[:200]}")
        ctx.note(f"{refused:.0f} points refused for their time; 7 out-of-range query bounds answered 400")
    finally:
        restore_defaults(ctx)


@test
def telemetry_new_series_are_capped(ctx):
    base = ctx.server.base
    total0 = int(metrics(base)["parkbrain_telemetry_series"])
    restart_with_config(ctx, "[telemetry]\nunknown_series = \"register\"\nmax_new_series_per_token_per_hour = 50\n"
                             f"max_series = {total0 + 80}\n")
    try:
        admin = login(base, "admin", "admin-demo-2026")
        m0 = metrics(base)
        tag = f"cap{time.time_ns()}"
        a, b = device_token(base, admin), device_token(base, admin)
        now = int(time.time())

        def lines(prefix, n):
            return "".join(f"{tag}_{prefix},n={i} v=1 {now}\n" for i in range(n))

        # Token a: 51 new series at once is over its hourly cap: 429 and none of the batch registered or stored.
        st, hdrs, body = write(base, a, lines("a", 51))
        check(st == 429 and "max_new_series_per_token_per_hour" in body["error"]["message"], f"51: {st} {body}")
        check(series_matching(base, admin, f"{tag}_a") == 0, "a refused batch registered series")
        check(write(base, a, lines("a", 50))[0] == 204, "50 new series are within the cap")
        st, _, body = write(base, a, lines("a2", 1))
        check(st == 429, f"the 51st series within the hour: {st} {body}")
        check(write(base, a, lines("a", 50))[0] == 204, "writing to its existing series still works")
        # Token b has its own hourly budget, but the park's total (total0 + 80) stops it: 400 with the reason.
        st, _, body = write(base, b, lines("b", 31))
        check(st == 400 and "max_series" in body["error"]["message"], f"over the total: {st} {body}")
        check(write(base, b, lines("b", 30))[0] == 204, "30 more fit the total")
        st, _, body = request(base, "POST", "/api/v1/telemetry", {f"{tag}_json": 1}, b)
        check(st == 400 and body["error"]["field"] == f"{tag}_json" and "max_series" in body["error"]["message"],
              f"JSON over the total: {st} {body}")
        check(series_matching(base, admin, tag) == 80, "exactly the admitted series exist")
        # Registry sensors' own series are always admitted.
        admin2, key, sensor_id, dev = first_sensor_writer(base, 6)
        check(write(base, dev, f"{key} value=1 {now}")[0] == 204, "a sensor's series at the cap")
        m1 = metrics(base)

        def delta(name):
            return m1[name] - m0.get(name, 0)

        per_token = delta('parkbrain_telemetry_series_refused_total{limit="max_new_series_per_token_per_hour"}')
        total = delta('parkbrain_telemetry_series_refused_total{limit="max_series"}')
        check(per_token == 2 and total == 2, f"refusals counted: per token {per_token}, total {total}")
        st, _, audit = request(base, "GET", "/api/v1/audit?action=series_refused&size=50", token=admin)
        check(st == 200 and audit["total"] >= 2, f"audit: {st} {audit}")
        limits = {json.dumps(e["after"]["limit"]) for e in audit["items"]}
        check(limits == {'"max_new_series_per_token_per_hour"', '"max_series"'}, f"audited limits: {limits}")
        ctx.note(f"cap 50/token/hour and total {total0 + 80}: 429 x{per_token:.0f}, 400 x{total:.0f}, audited")
    finally:
        restore_defaults(ctx)
