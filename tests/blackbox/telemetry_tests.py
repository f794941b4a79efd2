"""Black-box tests of telemetry: ingest over HTTP (line protocol, InfluxDB 1.x path, JSON), MQTT through a real
Mosquitto, HJ 212 frames over TCP, token scoping, kill -9 during ingest, backpressure, alarms with webhooks and
the live feed, and meter consumption. Registered into run.py's list."""
import calendar
import json
import os
import shutil
import signal
import socket
import sqlite3
import struct
import subprocess
import threading
import time

from harness import WebSocket, check, free_port, kill9_rounds, login, request, test_registry, webhook_receiver

# Test data lies in the recent past (UTC midnight 20 days ago): older data would meet the 90-day raw retention.
T0 = int(time.time()) // 86400 * 86400 - 20 * 86400
BIG = 1_000_000  # seconds; offsets of separate tests' data within the last 20 days stay below 20 x 86400


TESTS, test = test_registry()


def device_token(base, admin, enterprise_id=None, role="device"):
    body = {"label": f"gw-{time.time_ns()}", "role": role}
    if enterprise_id:
        body["enterprise_id"] = enterprise_id
    st, _, t = request(base, "POST", "/api/v1/tokens", body, admin)
    check(st == 201, f"token: {st} {t}")
    return t["token"]


def write(base, token, lines, precision="s", path="/api/v1/write", headers=None, auth=True):
    h = dict(headers or {})
    if auth:
        h["Authorization"] = "Bearer " + token
    return request(base, "POST", f"{path}?precision={precision}", lines, None, content_type="text/plain",
                   headers=h)


def sensors_of(base, admin, enterprise_id, quantity=None):
    q = f"/api/v1/sensors?enterprise_id={enterprise_id}&size=100" + (f"&quantity={quantity}" if quantity else "")
    st, _, body = request(base, "GET", q, token=admin)
    check(st == 200, f"sensors: {st}")
    return body["items"]


def series_of_sensor(base, token, sensor_id):
    st, _, body = request(base, "GET", f"/api/v1/series?sensor_id={sensor_id}", token=token)
    check(st == 200 and body["items"], f"no series for sensor {sensor_id}: {st} {body}")
    return body["items"][0]["id"]


def points(base, token, series_id, frm="2025-11-01T00:00:00Z", to="2025-12-31T00:00:00Z", limit=1000000):
    st, _, body = request(base, "GET", f"/api/v1/series/{series_id}/points?from={frm}&to={to}&limit={limit}",
                          token=token)
    check(st == 200, f"points: {st} {body}")
    return body["points"]


def iso(sec):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(sec))


@test
def telemetry_round_trips(ctx):
    base = ctx.server.base
    admin = login(base, "admin", "admin-demo-2026")
    dev = device_token(base, admin, 1)
    s = sensors_of(base, admin, 1)
    temp, pres = s[0]["key"], s[1]["key"]
    # Line protocol: sensor keys as fields of a gateway line, and a line named after a sensor with field "value".
    body = "".join(f"gw,site=a {temp}={20 + i * 0.5},{pres}={0.1 + i / 100:.2f} {T0 + i * 10}\n" for i in range(30))
    body += f"{temp} value=99.5 {T0 + 300}\n"
    st, _, err = write(base, dev, body)
    check(st == 204, f"line protocol write: {st} {err}")
    # The InfluxDB 1.x path with the token as InfluxDB clients send it.
    st, _, err = write(base, dev, f"{temp} value=98 {T0 + 310}", path="/write",
                       headers={"Authorization": "Token " + dev}, auth=False)
    check(st == 204, f"/write with Token: {st} {err}")
    st, _, err = request(base, "POST", f"/write?db=park&u=gw&p={dev}&precision=ms", f"{temp} value=97 {(T0 + 320) * 1000}",
                         content_type="text/plain")
    check(st == 204, f"/write with u/p: {st} {err}")
    # JSON telemetry: one record with ts, and an array.
    st, _, r = request(base, "POST", "/api/v1/telemetry", {"ts": (T0 + 330) * 1000, "values": {temp: 96.5}}, dev)
    check(st == 200 and r["values"] == 1, f"json: {st} {r}")
    st, _, r = request(base, "POST", "/api/v1/telemetry",
                       [{"ts": (T0 + 340) * 1000, "values": {temp: 95, pres: 0.3}}, {"ts": (T0 + 350) * 1000, "values": {temp: 94}}], dev)
    check(st == 200 and r == {"records": 2, "values": 3}, f"json array: {st} {r}")
    sid = series_of_sensor(base, admin, s[0]["id"])
    pts = points(base, admin, sid, iso(T0), iso(T0 + 400))
    check(len(pts) == 36, f"expected 36 temperature points, got {len(pts)}")
    check(pts[0] == {"ts": iso(T0), "value": 20.0} and pts[-1]["value"] == 94.0, f"values: {pts[:2]} … {pts[-1]}")
    # Buckets, CSV, latest.
    st, _, b = request(base, "GET", f"/api/v1/series/{sid}/buckets?from={iso(T0)}&to={iso(T0 + 600)}&width=5m", token=admin)
    check(st == 200 and sum(x["count"] for x in b["buckets"]) == 36, f"buckets: {st} {b}")
    check(b["buckets"][0]["min"] == 20.0 and b["buckets"][0]["count"] == 30, f"first bucket: {b['buckets'][0]}")
    st, hdrs, csv = request(base, "GET", f"/api/v1/series/{sid}/points?from={iso(T0)}&to={iso(T0 + 400)}&format=csv", token=admin)
    check(st == 200 and hdrs["content-type"].startswith("text/csv") and csv.count("\n") == 37, f"csv: {st} {csv[:80]}")
    st, _, latest = request(base, "GET", f"/api/v1/latest?sensor_id={s[0]['id']}", token=admin)
    check(st == 200 and latest["items"][0]["value"] == 94.0, f"latest: {latest}")
    # Bad input: the whole batch is refused, the error names the line, and nothing of it is stored.
    st, _, err = write(base, dev, f"{temp} value=1 {T0 + 1000}\n{temp} value=oops {T0 + 1010}\n")
    check(st == 400 and err["error"]["message"].startswith("line 2:"), f"bad line: {st} {err}")
    st, _, err = write(base, dev, f"{temp} value=\"text\" {T0 + 1000}")
    check(st == 400 and "string" in err["error"]["message"], f"string value: {st} {err}")
    st, _, err = write(base, dev, f"{temp} value=1 {T0}", precision="h")
    check(st == 400 and err["error"]["field"] == "precision", f"precision: {st} {err}")
    st, _, err = request(base, "POST", "/api/v1/telemetry", {temp: None}, dev)
    check(st == 400 and temp in err["error"]["field"], f"json null: {st} {err}")
    check(len(points(base, admin, sid, iso(T0 + 900), iso(T0 + 2000))) == 0, "a refused batch left points behind")
    # Unknown series are refused by default, naming the series.
    st, _, err = write(base, dev, f"cpu,host=gw-1 usage=12.5 {T0}")
    check(st == 400 and "cpu,host=gw-1 usage" in err["error"]["message"], f"unknown series: {st} {err}")
    # A re-sent batch does not count twice.
    again = "".join(f"{temp} value={i} {T0 + 5000 + i * 10}\n" for i in range(10))
    for _ in range(3):
        check(write(base, dev, again)[0] == 204, "resend")
    st, _, b = request(base, "GET", f"/api/v1/series/{sid}/buckets?from={iso(T0 + 5000)}&to={iso(T0 + 5100)}&buckets=1",
                       token=admin)
    check(sum(x["count"] for x in b["buckets"]) == 10, f"re-sent batch counted twice: {b}")
    ctx.note("line protocol, /write, JSON, buckets, CSV, latest, refusals and re-sends checked")


@test
def telemetry_tokens_are_scoped(ctx):
    base = ctx.server.base
    admin = login(base, "admin", "admin-demo-2026")
    dev1 = device_token(base, admin, 1)
    other = sensors_of(base, admin, 2)[0]["key"]
    st, _, err = write(base, dev1, f"{other} value=1 {T0}")
    check(st == 403 and "another enterprise" in err["error"]["message"], f"cross-enterprise write: {st} {err}")
    st, _, err = request(base, "POST", "/api/v1/telemetry", {other: 1}, dev1)
    check(st == 403, f"cross-enterprise JSON write: {st} {err}")
    # A device token writes and does nothing else.
    check(request(base, "GET", "/api/v1/series", token=dev1)[0] == 403, "a device token read series")
    check(request(base, "GET", "/api/v1/enterprises", token=dev1)[0] == 403, "a device token read the registry")
    viewer = device_token(base, admin, None, role="viewer")
    check(write(base, viewer, f"{other} value=1 {T0}")[0] == 403, "a viewer token wrote telemetry")
    check(write(base, "nonsense", f"{other} value=1 {T0}")[0] == 401, "a bad token wrote telemetry")
    # An enterprise user sees only their own enterprise's series.
    ent = login(base, "ent-user", "ent-demo-2026")
    st, _, body = request(base, "GET", "/api/v1/series?size=100", token=ent)
    check(st == 200 and all(i["enterprise_id"] == 1 for i in body["items"]), f"enterprise user series: {st}")
    other_series = series_of_sensor(base, admin, sensors_of(base, admin, 2)[0]["id"])
    check(request(base, "GET", f"/api/v1/series/{other_series}/points", token=ent)[0] == 404,
          "an enterprise user read another enterprise's series")


@test
def telemetry_kill9_loses_nothing_acknowledged(ctx):
    """Four gateways write batches as fast as they can; the server is SIGKILLed mid-ingest five times. Every point
    of every acknowledged batch must be there after the restarts."""
    base = ctx.server.base
    admin = login(base, "admin", "admin-demo-2026")
    keys = [s["key"] for s in sensors_of(base, admin, 3)[:4]]
    ids = [s["id"] for s in sensors_of(base, admin, 3)[:4]]
    token = device_token(base, admin)
    acknowledged = {k: set() for k in keys}
    lock = threading.Lock()
    seq = [0]

    def writer(_round, n, stop):
        key = keys[n]
        while not stop.is_set():
            with lock:
                seq[0] += 1
                start = T0 + 100_000 + seq[0] * 50
            stamps = [start + i for i in range(50)]
            body = "".join(f"{key} value={t % 1000 / 10} {t}\n" for t in stamps)
            try:
                st, _, _ = write(ctx.server.base, token, body)
            except OSError:
                return  # the server died mid-request: never acknowledged
            if st == 204:
                with lock:
                    acknowledged[key].update(stamps)
    kill9_rounds(ctx.server, writer, settle=lambda r: 0.7 + 0.3 * r)
    admin = login(base, "admin", "admin-demo-2026")
    total = sum(len(v) for v in acknowledged.values())
    check(total > 1000, f"too few acknowledged points to prove anything: {total}")
    lost = 0
    for key, sensor_id in zip(keys, ids):
        sid = series_of_sensor(base, admin, sensor_id)
        have = {calendar.timegm(time.strptime(p["ts"], "%Y-%m-%dT%H:%M:%SZ"))
                for p in points(base, admin, sid, iso(T0 + 100_000), iso(T0 + 1_000_000))}
        missing = sorted(acknowledged[key] - have)
        lost += len(missing)
        if missing:
            ctx.note(f"{key}: {len(missing)} missing, first {[m - T0 for m in missing[:3]]}, last {missing[-1] - T0}")
    check(lost == 0, f"{lost} of {total} acknowledged points were lost: {ctx.notes}")
    ctx.note(f"{total} acknowledged points over 5 kill -9 rounds, none lost")


def restart_with_config(ctx, text):
    path = os.path.join(ctx.workdir, "telemetry.toml")
    with open(path, "w") as f:
        f.write(text)
    ctx.server.stop()
    ctx.server.extra_args = ["--config", path]
    ctx.server.start()


def restore_defaults(ctx):
    ctx.server.stop()
    ctx.server.extra_args = []
    ctx.server.start()


def first_sensor_writer(base, enterprise_id=4):
    """An admin session, the key and id of the enterprise's first sensor, and a device token to write with."""
    admin = login(base, "admin", "admin-demo-2026")
    key, sensor_id = [(s["key"], s["id"]) for s in sensors_of(base, admin, enterprise_id)][0]
    return admin, key, sensor_id, device_token(base, admin)


@test
def telemetry_backpressure_refuses_without_losing(ctx):
    restart_with_config(ctx, "[telemetry]\nmax_buffered_points = 1000\nchunk_points = 100000\n")
    try:
        base = ctx.server.base
        admin, key, sensor_id, token = first_sensor_writer(base)
        busy = None
        accepted = 0
        t = T0 + 1_100_000
        for _ in range(200):
            body = "".join(f"{key} value={i % 50} {t + i}\n" for i in range(1000))
            st, hdrs, err = write(base, token, body)
            if st == 204:
                accepted += 1000
                t += 1000
            else:
                busy = (st, hdrs, err)
                break
        check(busy is not None, "the buffer never filled")
        st, hdrs, err = busy
        check(st == 503 and hdrs.get("retry-after") and err["error"]["code"] == "unavailable", f"refusal: {busy}")
        time.sleep(3)  # the sealer frees the buffer
        check(write(base, token, body)[0] == 204, "still refused after sealing")
        accepted += 1000
        sid = series_of_sensor(base, admin, sensor_id)
        got = len(points(base, admin, sid, iso(T0 + 1_100_000), iso(T0 + 1_600_000)))
        check(got == accepted, f"{accepted} acknowledged, {got} stored; "
                               f"{request(base, 'GET', '/api/v1/telemetry/stats', token=admin)[2]}")
        ctx.note(f"503 with Retry-After after {accepted - 1000} buffered points; nothing acknowledged was lost")
    finally:
        restore_defaults(ctx)


class WriteLockHeld:
    """Holds the database's write lock from outside the server, as another writer would: SQLite's RESERVED lock via
    BEGIN IMMEDIATE, or on PostgreSQL an EXCLUSIVE lock on telemetry_log. The server's commits wait behind it."""

    def __init__(self, server):
        self.server = server

    def __enter__(self):
        if self.server.backend == "sqlite":
            self.conn = sqlite3.connect(self.server.db, isolation_level=None, timeout=10)
            self.conn.execute("BEGIN IMMEDIATE")
        else:
            self.psql = subprocess.Popen(["psql", self.server.db, "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1"],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            self.psql.stdin.write("BEGIN; LOCK TABLE telemetry_log IN EXCLUSIVE MODE; SELECT 'locked';\n")
            self.psql.stdin.flush()
            line = self.psql.stdout.readline()
            check("locked" in line, f"psql did not take the lock: {line!r}")
        return self

    def __exit__(self, *exc):
        if self.server.backend == "sqlite":
            self.conn.execute("ROLLBACK")
            self.conn.close()
        else:
            self.psql.stdin.write("COMMIT;\n")
            self.psql.stdin.close()
            self.psql.wait(timeout=10)


@test
def telemetry_writes_waiting_for_the_disk_are_refused_with_429(ctx):
    # 16 I/O threads so that enough writes can wait behind one blocked commit to pass the 1 MiB bound.
    restart_with_config(ctx, "[server]\nthreads = 16\n[telemetry]\nmax_pending_mib = 1\n")
    try:
        base = ctx.server.base
        admin, key, sensor_id, token = first_sensor_writer(base)
        lines = 18_000  # values of many digits take about 15 bytes each in the log: about 270 KB queued per batch
        # The 10 batches span 180,000 s: from here they end 20.7 days after T0, so before "now + 1 day" (the
        # accept_future_s window) at any time of day; 1_700_000 ran past it in the first hours of a UTC day.
        t0 = T0 + 1_610_000
        bodies = ["".join(f"{key} value={(b * lines + i) / 3:.15g} {t0 + b * lines + i}\n" for i in range(lines))
                  for b in range(10)]
        # The series is registered first: a registration is a write too, and would wait behind the lock.
        check(write(base, token, f"{key} value=1 {t0 - 1}\n")[0] == 204, "first write")
        results = [None] * len(bodies)

        def send(b):
            results[b] = write(base, token, bodies[b])

        with WriteLockHeld(ctx.server):
            senders = [threading.Thread(target=send, args=(b,)) for b in range(len(bodies))]
            for th in senders:
                th.start()
            deadline = time.time() + 6
            while time.time() < deadline and not any(r and r[0] == 429 for r in results):
                time.sleep(0.05)
            time.sleep(0.5)  # let the other writers join the queue or be refused too
        for th in senders:
            th.join(timeout=30)
        statuses = [r[0] if r else None for r in results]
        refused = [r for r in results if r and r[0] == 429]
        check(refused, f"no write was refused while the disk was held: {statuses}")
        for st, hdrs, err in refused:
            check(hdrs.get("retry-after") and err["error"]["code"] == "resource_exhausted", f"refusal: {err} {hdrs}")
        check(all(s in (204, 429) for s in statuses), f"statuses: {statuses} {[r[2] for r in results if r and r[0] == 400][:1]}")
        accepted = statuses.count(204)
        check(accepted >= 2, f"only {accepted} writes were accepted: {statuses}")
        sid = series_of_sensor(base, admin, sensor_id)
        got = len(points(base, admin, sid, iso(t0), iso(t0 + len(bodies) * lines)))
        check(got == accepted * lines, f"{accepted} batches of {lines} acknowledged, {got} points stored")
        check(write(base, token, bodies[statuses.index(429)])[0] == 204, "a refused write is accepted on retry")
        ctx.note(f"429 with Retry-After for {len(refused)} of {len(bodies)} writes while the disk was held; "
                 f"{accepted} accepted, all stored")
    finally:
        restore_defaults(ctx)


def hj212_crc(data):
    crc = 0xFFFF
    for b in data.encode():
        crc = (crc >> 8) ^ b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def hj212_frame(data, crc=None):
    c = hj212_crc(data) if crc is None else crc
    return f"##{len(data):04d}{data}{c:04X}\r\n".encode()


@test
def hj212_listener_stores_replies_and_rejects(ctx):
    port = free_port()
    restart_with_config(ctx, f"[hj212]\nlisten = \"127.0.0.1:{port}\"\n")
    try:
        base = ctx.server.base
        admin = login(base, "admin", "admin-demo-2026")
        mn = "88888880000001"
        st, _, eq = request(base, "GET", "/api/v1/equipment?enterprise_id=5&size=1", token=admin)
        st, _, s = request(base, "POST", "/api/v1/sensors",
                           {"equipment_id": eq["items"][0]["id"], "key": f"{mn}.w01018-rtd", "name": "COD",
                            "kind": "sensor", "quantity": "concentration", "unit": "mg/L"}, admin)
        check(st == 201, f"monitor sensor: {st} {s}")
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        qn = "20251125083000123"
        data = (f"QN={qn};ST=32;CN=2011;PW=123456;MN={mn};Flag=5;"
                f"CP=&&DataTime=20251125083000;w01018-Rtd=56.7,w01018-Flag=N;w00000-Rtd=12.5,w00000-Flag=N&&")
        frame = hj212_frame(data)
        sock.sendall(frame[:20])  # a frame split across TCP segments
        time.sleep(0.1)
        sock.sendall(frame[20:])
        reply = sock.recv(1024).decode()
        check(reply.startswith("##") and f"QN={qn}" in reply and "CN=9014" in reply, f"reply: {reply!r}")
        body = reply[6:-6]
        check(int(reply[-6:-2], 16) == hj212_crc(body), "the reply's CRC is wrong")
        # Bad CRC, malformed field, unknown monitoring point: no reply, nothing stored, logged.
        sock.sendall(hj212_frame(data.replace("56.7", "99.9"), crc=0x1234))
        sock.sendall(hj212_frame(data.replace("w01018-Rtd=56.7", "w01018-Rtd=abc")))
        sock.sendall(hj212_frame(data.replace(mn, "99999990000009")))
        sock.settimeout(1.0)
        try:
            extra = sock.recv(1024)
        except socket.timeout:
            extra = b""
        check(extra == b"", f"a rejected frame was answered: {extra!r}")
        sock.close()
        sid = series_of_sensor(base, admin, s["id"])
        pts = points(base, admin, sid, "2025-11-25T00:00:00Z", "2025-11-26T00:00:00Z")
        check([p["value"] for p in pts] == [56.7], f"stored: {pts}")
        check(pts[0]["ts"] == "2025-11-25T00:30:00Z", f"DataTime is Beijing time: {pts[0]}")
        st, _, flow = request(base, "GET", f"/api/v1/series?q={mn}.w00000-rtd", token=admin)
        check(flow["total"] == 1 and flow["items"][0]["enterprise_id"] == 5, f"flow series of the point: {flow}")
        st, _, stats = request(base, "GET", "/api/v1/telemetry/stats", token=admin)
        check(stats["hj212_rejected"] >= 3, f"rejections not counted: {stats}")
        log = ctx.server.tail_log(200)
        check("bad CRC" in log or "CRC" in log, "bad CRC not logged")
        check("not a registered monitoring point" in log, "unknown MN not logged")
    finally:
        restore_defaults(ctx)


def mqtt_publish(port, topic, payload, qos=1):
    """A minimal MQTT 3.1.1 client: CONNECT, PUBLISH (QoS 1, waits for PUBACK), DISCONNECT."""
    def remaining(n):
        out = b""
        while True:
            b = n % 128
            n //= 128
            out += bytes([b | (0x80 if n else 0)])
            if not n:
                return out

    def string(s):
        b = s.encode()
        return struct.pack("!H", len(b)) + b
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    var = string("MQTT") + bytes([4, 0x02]) + struct.pack("!H", 30) + string(f"bb-{os.getpid()}-{time.time_ns()}")
    sock.sendall(bytes([0x10]) + remaining(len(var)) + var)
    check(sock.recv(4)[:1] == b"\x20", "no CONNACK")
    body = string(topic) + struct.pack("!H", 7) + payload.encode()
    sock.sendall(bytes([0x30 | (qos << 1)]) + remaining(len(body)) + body)
    check(sock.recv(4)[:1] == b"\x40", "no PUBACK")
    sock.sendall(b"\xe0\x00")
    sock.close()


@test
def mqtt_subscription_ingests(ctx):
    mosquitto = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    port = free_port()
    conf = os.path.join(ctx.workdir, "mosquitto.conf")
    with open(conf, "w") as f:
        f.write(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
                + ("user root\n" if os.geteuid() == 0 else ""))
    broker = subprocess.Popen([mosquitto, "-c", conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        restart_with_config(ctx, f"[mqtt]\nenabled = true\nport = {port}\nclient_id = \"parkbrain-bb\"\n"
                                 "topics = [\"parkbrain/+/telemetry\"]\n")
        base = ctx.server.base
        admin = login(base, "admin", "admin-demo-2026")
        s = sensors_of(base, admin, 6)
        deadline = time.time() + 10
        while "MQTT: subscribed" not in ctx.server.tail_log(100) and time.time() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)
        mqtt_publish(port, "parkbrain/gw-6/telemetry", json.dumps({"ts": (T0 + 77) * 1000, "values": {s[0]["key"]: 42.5}}))
        mqtt_publish(port, "parkbrain/gw-6/telemetry", f"{s[1]['key']} value=7.25 {(T0 + 78) * 10**9}")
        mqtt_publish(port, "parkbrain/gw-6/telemetry", "{not json")  # refused and logged; the next still arrives
        mqtt_publish(port, "parkbrain/gw-6/telemetry", json.dumps({"ts": (T0 + 79) * 1000, "values": {s[0]["key"]: 43}}))
        # The messages arrive asynchronously: wait for both series and their points.
        deadline = time.time() + 20
        got0 = got1 = []
        while time.time() < deadline:
            ids = []
            for sensor in s[:2]:
                st, _, found = request(base, "GET", f"/api/v1/series?sensor_id={sensor['id']}", token=admin)
                ids.append(found["items"][0]["id"] if st == 200 and found["items"] else None)
            if all(ids):
                got0 = points(base, admin, ids[0], iso(T0 + 70), iso(T0 + 80))
                got1 = points(base, admin, ids[1], iso(T0 + 70), iso(T0 + 80))
                if len(got0) == 2 and got1:
                    break
            time.sleep(0.2)
        check([p["value"] for p in got0] == [42.5, 43.0], f"MQTT JSON not stored: {got0}")
        check([p["value"] for p in got1] == [7.25], f"MQTT line protocol not stored: {got1}")
    finally:
        broker.send_signal(signal.SIGTERM)
        broker.wait(timeout=10)
        restore_defaults(ctx)


@test
def alarms_raise_acknowledge_clear_and_notify(ctx):
    base = ctx.server.base
    hook = webhook_receiver()
    # Webhooks reach public addresses only; the park admin allows this local receiver in the configuration.
    restart_with_config(ctx, f'[alarms]\nwebhook_allow_hosts = ["127.0.0.1:{hook.server_port}"]\n')
    admin = login(base, "admin", "admin-demo-2026")
    try:
        s = sensors_of(base, admin, 7)[0]
        # Validation names the field.
        st, _, err = request(base, "POST", "/api/v1/alarm-rules", {"name": "x", "sensor_id": s["id"], "kind": "threshold"}, admin)
        check(st == 400 and err["error"]["field"] == "high", f"rule validation: {st} {err}")
        st, _, err = request(base, "POST", "/api/v1/alarm-rules",
                             {"name": "x", "sensor_id": s["id"], "kind": "threshold", "high": 1, "webhook_url": "ftp://x"}, admin)
        check(st == 400 and err["error"]["field"] == "webhook_url", f"webhook validation: {st} {err}")
        st, _, rule = request(base, "POST", "/api/v1/alarm-rules",
                              {"name": "bb high", "sensor_id": s["id"], "kind": "threshold", "high": 100, "deadband": 5,
                               "severity": "critical", "webhook_url": f"http://127.0.0.1:{hook.server_port}/robot",
                               "webhook_format": "dingtalk"}, admin)
        check(st == 201, f"rule: {st} {rule}")
        ws = WebSocket(base, f"/api/v1/live?token={admin}")
        dev = device_token(base, admin)
        now = int(time.time())
        for v in (90, 101, 105, 103):  # raise once; repeats fold into the same alarm
            check(write(base, dev, f"{s['key']} value={v} {now}")[0] == 204, "write")
            now += 1
        st, _, open_ = request(base, "GET", "/api/v1/alarms?state=open", token=admin)
        mine = [a for a in open_["items"] if a["rule_id"] == rule["id"]]
        check(len(mine) == 1 and mine[0]["state"] == "active" and mine[0]["trigger_value"] == 101, f"open: {mine}")
        alarm = mine[0]
        event = None
        deadline = time.time() + 5
        while time.time() < deadline and event is None:
            msg = ws.recv(timeout=5)
            if msg.get("type") == "alarm":
                event = msg
        check(event and event["event"] == "raise" and event["alarm"]["id"] == alarm["id"], f"live event: {event}")
        ws.close()
        # Another enterprise's user does not see it; a technician acknowledges.
        ent = login(base, "ent-user", "ent-demo-2026")
        st, _, theirs = request(base, "GET", "/api/v1/alarms?state=open", token=ent)
        check(all(a["enterprise_id"] == 1 for a in theirs["items"]), "an enterprise user saw another's alarm")
        check(request(base, "POST", f"/api/v1/alarms/{alarm['id']}/acknowledge", token=ent)[0] == 404,
              "an enterprise user acknowledged another's alarm")
        tech = login(base, "tech", "tech-demo-2026")
        st, _, acked = request(base, "POST", f"/api/v1/alarms/{alarm['id']}/acknowledge", token=tech)
        check(st == 200 and acked["state"] == "acknowledged" and acked["acknowledged_by"] == "tech", f"ack: {st} {acked}")
        check(request(base, "POST", f"/api/v1/alarms/{alarm['id']}/acknowledge", token=tech)[0] == 409, "double ack")
        # Inside the deadband it stays; below it clears.
        write(base, dev, f"{s['key']} value=97 {now}")
        write(base, dev, f"{s['key']} value=94 {now + 1}")
        st, _, after = request(base, "GET", "/api/v1/alarms?state=cleared", token=admin)
        cleared = [a for a in after["items"] if a["id"] == alarm["id"]]
        check(cleared and cleared[0]["cleared_at"], f"not cleared: {cleared}")
        deadline = time.time() + 10
        while len(hook.received) < 2 and time.time() < deadline:
            time.sleep(0.2)
        texts = [m["text"]["content"] for _, m in hook.received if m.get("msgtype") == "text"]
        check(len(texts) == 2 and "bb high" in texts[0] and "cleared" in texts[1], f"webhooks: {hook.received}")
        # Said in Chinese, then in English: no English token in the Chinese line.
        zh, en = texts[0].split("\n")
        check(zh.startswith("【ParkBrain 告警】严重") and "超上限" in zh and "critical" not in zh
              and en.startswith("[ParkBrain alarm] critical") and "above the high limit" in en
              and texts[1].startswith("【ParkBrain 已恢复】"), f"webhook texts: {texts}")
        st, _, audit = request(base, "GET", f"/api/v1/audit?entity=alarm&size=50", token=admin)
        actions = {(e["action"], e["entity_id"]) for e in audit["items"]}
        check({("raise", alarm["id"]), ("acknowledge", alarm["id"]), ("clear", alarm["id"])} <= actions,
              f"audit: {actions}")
        check(request(base, "DELETE", f"/api/v1/alarm-rules/{rule['id']}", token=admin)[0] == 204, "disable rule")
    finally:
        hook.shutdown()
        restore_defaults(ctx)


def said_in_both_languages(code):
    """Whether both catalogues of web/src/i18n/text/ have the code."""
    root = os.path.join(os.path.dirname(__file__), "..", "..", "web", "src", "i18n", "text")
    found = set()
    for name in os.listdir(root):
        with open(os.path.join(root, name), encoding="utf-8") as f:
            node = json.load(f)
        for part in code.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, str):
            found.add(name.split(".")[1])
    return found == {"en", "zh-CN"}


def every_error(body):
    return {e["field"]: e["code"] for e in body.get("error", {}).get("errors", [])}


@test
def alarm_rule_and_sensor_forms_name_every_mistake(ctx):
    """One save shows every mistake: a rule with three bad fields and a bad sensor gets four errors in one 400,
    each with a code both catalogues say; limits, deadband and references are checked together."""
    base = ctx.server.base
    admin = login(base, "admin", "admin-demo-2026")
    s = sensors_of(base, admin, 7)[0]
    cases = [
        ({"name": "three wrong", "sensor_id": 987654321, "kind": "threshold", "high": 10, "low": 9, "deadband": 1,
          "severity": "loud", "webhook_format": "fax"},
         {"severity": "telemetry.rule.severity", "webhook_format": "telemetry.rule.webhook_format",
          "low": "telemetry.rule.bands_overlap", "sensor_id": "field.no_such_record"}),
        ({"name": "no limits", "sensor_id": s["id"], "kind": "threshold", "deadband": -1},
         {"high": "telemetry.rule.threshold_needs_limit", "deadband": "field.at_least"}),
        ({"name": "bad rate", "sensor_id": s["id"], "kind": "rate", "max_rate_per_s": 0, "deadband": -1},
         {"max_rate_per_s": "field.greater_than", "deadband": "telemetry.rule.rate_deadband"}),
        ({"name": "", "equipment_type": "pump", "kind": "no_data", "timeout_s": 5, "severity": "critical"},
         {"name": "field.empty", "sensor_id": "telemetry.rule.sensor_or_type", "timeout_s": "telemetry.rule.timeout"}),
    ]
    for body, want in cases:
        st, _, err = request(base, "POST", "/api/v1/alarm-rules", body, admin)
        got = every_error(err) if st == 400 else {}
        check(st == 400 and got == want, f"{body['name']}: every mistake in one answer: {st} {got}")
        check(err["error"]["reason"] == err["error"]["errors"][0]["code"] and err["error"]["message"],
              f"the first mistake is the reason, with an English message: {err['error']}")
        for code in got.values():
            check(said_in_both_languages(code), f"{code} is not in both catalogues")
    timeout = next(e for e in err["error"]["errors"] if e["field"] == "timeout_s")
    check(timeout["params"] == {"min_s": 10, "max_days": 30}, f"the bounds travel with the reason: {timeout}")
    # An edit is checked the same way.
    st, _, rule = request(base, "POST", "/api/v1/alarm-rules",
                          {"name": "edit me", "sensor_id": s["id"], "kind": "threshold", "high": 100}, admin)
    check(st == 201, f"rule: {st} {rule}")
    st, _, err = request(base, "PUT", f"/api/v1/alarm-rules/{rule['id']}",
                         {"name": "edit me", "sensor_id": s["id"], "kind": "sometimes", "severity": "loud",
                          "webhook_format": "fax"}, admin)
    check(st == 400 and every_error(err) == {"kind": "telemetry.rule.kind", "severity": "telemetry.rule.severity",
                                             "webhook_format": "telemetry.rule.webhook_format"},
          f"an edit with three mistakes: {st} {err}")
    check(request(base, "DELETE", f"/api/v1/alarm-rules/{rule['id']}", token=admin)[0] == 204, "disable rule")
    # A sensor: its own fields, the rules relating them and the equipment it hangs on, all at once.
    st, _, err = request(base, "POST", "/api/v1/sensors",
                         {"equipment_id": 987654321, "key": "Bad Key", "name": "T", "kind": "sensor",
                          "quantity": "temperature", "unit": "bar", "low_limit": 90, "high_limit": 80}, admin)
    got = every_error(err) if st == 400 else {}
    check(st == 400 and got == {"key": "registry.key_characters", "unit": "registry.unit_for_quantity",
                                "high_limit": "registry.high_above_low", "equipment_id": "field.no_such_record"},
          f"a sensor with four mistakes: {st} {got}")
    # A change is checked the same way, read-only fields included (even as null).
    _, _, eqs = request(base, "GET", "/api/v1/equipment?page_size=1", token=admin)
    st, _, patched = request(base, "PATCH", f"/api/v1/equipment/{eqs['items'][0]['id']}",
                             {"enterprise_id": None, "tag": "T 1", "status": "broken"}, admin)
    check(st == 400 and every_error(patched) == {"enterprise_id": "field.read_only", "tag": "registry.tag_characters",
                                                 "status": "registry.allowed.equipment.status"},
          f"a change with three mistakes: {st} {patched}")
    unit = next(e for e in err["error"]["errors"] if e["field"] == "unit")
    check(unit["params"] == {"quantity": {"code": "registry.quantity.temperature"}, "units": "degC, K"}
          and unit["message"] == "for temperature must be one of: degC, K", f"the unit's reason: {unit}")
    for code in got.values():
        check(said_in_both_languages(code), f"{code} is not in both catalogues")


@test
def meter_consumption_handles_resets(ctx):
    base = ctx.server.base
    admin = login(base, "admin", "admin-demo-2026")
    st, _, meters = request(base, "GET", "/api/v1/sensors?kind=meter&quantity=energy&size=1", token=admin)
    check(st == 200 and meters["items"], f"no meter: {meters}")
    m = meters["items"][0]
    dev = device_token(base, admin)
    day = (int(time.time()) + 8 * 3600) // 86400 * 86400 - 8 * 3600 - 10 * 86400  # local midnight 10 days ago
    d1 = time.strftime("%Y-%m-%d", time.gmtime(day + 8 * 3600))
    d2 = time.strftime("%Y-%m-%d", time.gmtime(day + 8 * 3600 + 86400))
    d3 = time.strftime("%Y-%m-%d", time.gmtime(day + 8 * 3600 + 2 * 86400))
    month_from = time.strftime("%Y-%m-01", time.gmtime(day + 8 * 3600 - 40 * 86400))
    readings = [(0, 1000), (6, 1060), (12, 1120), (18, 1180), (24, 1240),  # 240 on the 24th
                (30, 1300), (36, 0), (42, 60), (48, 120)]  # the 25th: 60, a reset to 0, then 120
    body = "".join(f"{m['key']} value={v} {day + h * 3600}\n" for h, v in readings)
    check(write(base, dev, body)[0] == 204, "meter write")
    st, _, c = request(base, "GET", f"/api/v1/meters/{m['id']}/consumption?from={d1}&to={d3}", token=admin)
    check(st == 200, f"consumption: {st} {c}")
    days = {p["period"]: round(p["consumption"], 6) for p in c["periods"]}
    check(days == {d1: 240.0, d2: 180.0}, f"daily: {days}")
    check(any(n["kind"] == "reset" for n in c["notes"]), f"reset not noted: {c['notes']}")
    st, _, month = request(base, "GET", f"/api/v1/meters/consumption?enterprise_id={m['enterprise_id']}&from={month_from}&to={d3}&period=month",
                           token=admin)
    check(st == 200 and any(x["meter_id"] == m["id"] and round(x["total"], 6) == 420.0 for x in month["meters"]),
          f"monthly: {month['meters'][:3]}")


@test
def metered_activity_rows_and_manual_override(ctx):
    base = ctx.server.base
    admin = login(base, "admin", "admin-demo-2026")
    st, _, meters = request(base, "GET", "/api/v1/sensors?kind=meter&quantity=energy&size=100", token=admin)
    m = [x for x in meters["items"] if x["unit"] == "kWh"][-1]
    ent = m["enterprise_id"]
    st, _, patched = request(base, "PATCH", f"/api/v1/sensors/{m['id']}", {"activity_item": "electricity"}, admin)
    check(st == 200 and patched["activity_item"] == "electricity", f"bind meter: {st} {patched}")
    st, _, err = request(base, "PATCH", f"/api/v1/sensors/{sensors_of(base, admin, ent)[0]['id']}",
                         {"activity_item": "electricity"}, admin)
    check(st == 400 and err["error"]["field"] in ("activity_item", "kind"), f"a plain sensor took an item: {st} {err}")
    # The current local month: readings on its first two days, 500 kWh apart.
    local = time.gmtime(time.time() + 8 * 3600)
    period = f"{local.tm_year:04d}-{local.tm_mon:02d}"
    first = calendar.timegm((local.tm_year, local.tm_mon, 1, 0, 0, 0)) - 8 * 3600
    dev = device_token(base, admin)
    body = f"{m['key']} value=1000 {first + 7200}\n{m['key']} value=1500 {first + 93600}\n"
    check(write(base, dev, body)[0] == 204, "meter readings")
    st, _, out = request(base, "POST", f"/api/v1/carbon/metered?period={period}&enterprise_id={ent}", {}, admin)
    check(st == 200, f"metered: {st} {out}")
    mine = [x for x in out["stored"] if x["item"] == "electricity"]
    check(len(mine) == 1 and abs(mine[0]["amount"] - 500) < 1e-6 and abs(mine[0]["amount_canonical"] - 0.5) < 1e-9
          and m["key"] in mine[0]["note"], f"stored: {out}")
    st, _, acts = request(base, "GET", f"/api/v1/enterprises/{ent}/activity?year={local.tm_year}", token=admin)
    rows = [a for a in acts["items"] if a["period"] == period and a["item"] == "electricity"]
    check(len(rows) == 1 and rows[0]["note"].startswith("metered:") and rows[0]["amount"] == 500, f"activity: {rows}")
    # Run twice: still one row.
    request(base, "POST", f"/api/v1/carbon/metered?period={period}&enterprise_id={ent}", {}, admin)
    st, _, acts = request(base, "GET", f"/api/v1/enterprises/{ent}/activity?year={local.tm_year}", token=admin)
    check(len([a for a in acts["items"] if a["period"] == period and a["item"] == "electricity"]) == 1, "doubled")
    # A manual entry overrides the metered one, and the metered figure is kept in the audit log.
    st, _, r = request(base, "PUT", f"/api/v1/enterprises/{ent}/activity/{period}",
                       {"rows": [{"item": "electricity", "amount": 0.6, "unit": "MWh", "note": "invoice"}]}, admin)
    check(st == 200, f"manual: {st} {r}")
    st, _, out = request(base, "POST", f"/api/v1/carbon/metered?period={period}&enterprise_id={ent}", {}, admin)
    check(any(x["item"] == "electricity" and x["manual_amount"] == 0.6 for x in out["kept_manual"])
          and not any(x["item"] == "electricity" for x in out["stored"]), f"override: {out}")
    st, _, acts = request(base, "GET", f"/api/v1/enterprises/{ent}/activity?year={local.tm_year}", token=admin)
    rows = [a for a in acts["items"] if a["period"] == period and a["item"] == "electricity"]
    check(len(rows) == 1 and rows[0]["note"] == "invoice", f"manual row replaced: {rows}")
    st, _, audit = request(base, "GET", f"/api/v1/audit?entity=carbon_activity&action=metered_overridden&enterprise_id={ent}",
                           token=admin)
    check(st == 200 and audit["total"] >= 1, f"no audit note of the override: {audit}")
