"""Black-box harness: runs the real parkbrain binary on loopback and talks HTTP/WebSocket to it.

Standard library only, so the suite runs on a fresh machine with nothing but python3.
"""
import base64
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import threading
import time
import http.client
import http.server
import urllib.parse


def test_registry():
    """A suite module's list of tests and the decorator that adds to it: `TESTS, test = test_registry()`."""
    tests = []

    def test(fn):
        tests.append(fn)
        return fn

    return tests, test


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def read_until_closed(sock, timeout):
    """Everything the peer sends until it closes, resets, or is quiet for `timeout` seconds."""
    sock.settimeout(timeout)
    got = b""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            got += chunk
    except (socket.timeout, ConnectionResetError):
        pass
    return got


class _WebhookHandler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's naming
        n = int(self.headers.get("Content-Length", 0))
        self.server.received.append((self.path, json.loads(self.rfile.read(n))))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"errcode":0}')

    def log_message(self, *args):
        pass


def webhook_receiver():
    """A local webhook endpoint answering like a DingTalk robot; `.received` lists (path, JSON body) as they come.
    Serves from a daemon thread until .shutdown(); listens on 127.0.0.1 (.server_port)."""
    srv = http.server.HTTPServer(("127.0.0.1", 0), _WebhookHandler)
    srv.received = []
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One parkbrain process over one database; restartable, killable."""

    def __init__(self, binary, backend, workdir, extra_args=(), web_root=""):
        self.binary = binary
        self.web_root = web_root
        self.backend = backend
        self.workdir = workdir
        self.extra_args = list(extra_args)
        self.port = free_port()
        self.proc = None
        self.log_path = os.path.join(workdir, "server.log")
        if backend == "sqlite":
            self.db = os.path.join(workdir, "park.db")
        else:
            self.db = os.environ["PARKBRAIN_TEST_PG_BLACKBOX"]

    @property
    def base(self):
        return f"127.0.0.1:{self.port}"

    def reset_database(self):
        if self.backend == "postgres":
            subprocess.run(["psql", self.db, "-q", "-v", "ON_ERROR_STOP=1", "-c",
                            "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"],
                           check=True, capture_output=True)
        elif os.path.exists(self.db):
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(self.db + suffix):
                    os.remove(self.db + suffix)

    def seed_demo(self):
        out = subprocess.run([self.binary, "demo", "--seed-only", "--db", self.db, "--web-root", ""],
                             capture_output=True, text=True, timeout=300)
        if out.returncode != 0:
            raise RuntimeError("demo seeding failed:\n" + out.stdout + out.stderr)
        return out.stdout

    def start(self):
        log = open(self.log_path, "a")
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--db", self.db, "--listen", self.base, "--web-root", self.web_root]
            + self.extra_args,
            stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}; log: {self.tail_log()}")
            try:
                status, _, _ = request(self.base, "GET", "/healthz", timeout=2)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("server did not become healthy; log: " + self.tail_log())

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.proc is None:
            return None
        self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        self.proc = None
        return code

    def restart(self, sig=signal.SIGTERM):
        self.stop(sig)
        self.start()

    def tail_log(self, n=30):
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return "(no log)"


def kill9_rounds(server, writer, rounds=5, threads=4, settle=lambda r: 0.6 + 0.2 * r):
    """Runs `threads` writers, writer(round_no, n, stop_event), and SIGKILLs the server mid-stream, then restarts it;
    `rounds` times. Writers return when the stop event is set or the server is gone."""
    for round_no in range(rounds):
        stop = threading.Event()
        workers = [threading.Thread(target=writer, args=(round_no, n, stop)) for n in range(threads)]
        for t in workers:
            t.start()
        time.sleep(settle(round_no))
        server.proc.send_signal(signal.SIGKILL)
        stop.set()
        for t in workers:
            t.join()
        server.proc.wait()
        server.proc = None
        server.start()


def request(base, method, path, body=None, token=None, content_type="application/json", timeout=30, headers=None):
    """Returns (status, headers dict lower-cased, parsed JSON or text)."""
    conn = http.client.HTTPConnection(base, timeout=timeout)
    h = dict(headers or {})
    if token:
        h["Authorization"] = "Bearer " + token
    data = None
    if body is not None:
        data = body if isinstance(body, (bytes, bytearray)) else (
            body if isinstance(body, str) else json.dumps(body)).encode()
        if content_type:
            h["Content-Type"] = content_type
    conn.request(method, path, body=data, headers=h)
    resp = conn.getresponse()
    raw = resp.read()
    conn.close()
    hdrs = {k.lower(): v for k, v in resp.getheaders()}
    ctype = hdrs.get("content-type", "")
    if "json" in ctype and raw:
        return resp.status, hdrs, json.loads(raw)
    return resp.status, hdrs, raw.decode(errors="replace")


# The demo park's sign-ins by role (src/app/demo.cpp DemoLogins).
DEMO_LOGINS = {
    "park_admin": ("admin", "admin-demo-2026"),
    "park_staff": ("staff", "staff-demo-2026"),
    "enterprise_user": ("ent-user", "ent-demo-2026"),
    "technician": ("tech", "tech-demo-2026"),
    "driver": ("driver", "driver-demo-2026"),
    "integrator": ("integrator", "integrator-demo-2026"),
}


def login(base, name, password):
    # A client retries a 429 after Retry-After, as the web app does: password hashing is bounded per address.
    for _ in range(20):
        status, headers, body = request(base, "POST", "/api/v1/auth/login", {"name": name, "password": password})
        if status != 429 or "retry-after" not in headers:
            break
        time.sleep(min(float(headers["retry-after"]), 2.0))
    if status != 200:
        raise AssertionError(f"login {name} failed: {status} {body}")
    return body["token"]


class WebSocket:
    """Just enough of RFC 6455 for a client that listens: handshake, masked close, text frames in."""

    def __init__(self, base, path):
        host, port = base.split(":")
        self.sock = socket.create_connection((host, int(port)), timeout=10)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: {base}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                break
            head += chunk
        header, _, self.buffer = head.partition(b"\r\n\r\n")
        self.status = int(header.split(b" ")[1]) if header else 0
        self.header = header.decode(errors="replace")

    def _read(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("websocket closed")
            self.buffer += chunk
        out, self.buffer = self.buffer[:n], self.buffer[n:]
        return out

    def recv(self, timeout=10):
        self.sock.settimeout(timeout)
        while True:
            b0, b1 = self._read(2)
            opcode, length = b0 & 0x0F, b1 & 0x7F
            if length == 126:
                length = struct.unpack("!H", self._read(2))[0]
            elif length == 127:
                length = struct.unpack("!Q", self._read(8))[0]
            payload = self._read(length)
            if opcode == 1:
                return json.loads(payload)
            if opcode == 8:
                raise ConnectionError("websocket closed by server")

    def close(self):
        try:
            self.sock.sendall(bytes([0x88, 0x80]) + os.urandom(4))
        except OSError:
            pass
        self.sock.close()


def tempdir(prefix):
    return tempfile.mkdtemp(prefix=prefix)


def rmtree(path):
    shutil.rmtree(path, ignore_errors=True)


def urlquote(s):
    return urllib.parse.quote(s)
