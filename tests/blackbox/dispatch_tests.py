"""Black-box tests of the dispatch service (issue 14): forecasts uploaded (CSV and JSON), tariffs as dated data, a
day's plan with its baselines, MPS file checked by glpsol, grid instructions re-planning at once (met, and one no
plan can meet with its shortfall in numbers), setpoints through a real Mosquitto acknowledged by the test playing
the PCS, and orderly power use with enterprise scoping. Bad input gets a 4xx naming the field and stores nothing.
Registered into run.py's list."""
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import time

from harness import WebSocket, check, free_port, login, request, test_registry, webhook_receiver
from energy_tests import credit_code

TESTS, test = test_registry()

DAY_MS = 86_400_000
STEP_MS = 900_000
PARK_OFFSET_MS = 8 * 3_600_000


def tomorrow():
    """The park's (UTC+8) date tomorrow and the instant of its midnight."""
    now = int(time.time() * 1000)
    local_midnight = (now + PARK_OFFSET_MS) // DAY_MS * DAY_MS
    start = local_midnight + DAY_MS - PARK_OFFSET_MS
    return time.strftime("%Y-%m-%d", time.gmtime((start + PARK_OFFSET_MS) / 1000)), start


def close(a, b, rel=1e-6, abs_=1e-6):
    return abs(a - b) <= max(abs_, rel * max(abs(a), abs(b)))


def day_forecasts(base, admin, date):
    """Load 60 MW, PV a 30 MW midday arch, wind 10 MW (uploaded as CSV)."""
    load = [60.0] * 96
    pv = [max(0.0, 30.0 * (1 - ((i - 48) / 24) ** 2)) for i in range(96)]
    st, _, f = request(base, "POST", "/api/v1/dispatch/forecasts", {"kind": "load", "date": date, "values_mw": load}, admin)
    check(st == 201 and f["source"] == "upload" and len(f["values_mw"]) == 96, f"load upload: {st} {f}")
    st, _, f = request(base, "POST", "/api/v1/dispatch/forecasts", {"kind": "pv", "date": date, "values_mw": pv}, admin)
    check(st == 201, f"pv upload: {st} {f}")
    csv = "time,mw\n" + "".join(f"{i // 4:02d}:{i % 4 * 15:02d},10\n" for i in range(96))
    st, _, f = request(base, "POST", f"/api/v1/dispatch/forecasts?kind=wind&date={date}", csv, admin, content_type="text/csv")
    check(st == 201 and f["values_mw"] == [10.0] * 96, f"wind CSV upload: {st} {f}")
    return load, pv


@test
def dispatch_plan_instructions_replan_and_bad_input(ctx):
    base = ctx.server.base
    admin = login(base, "admin", "admin-demo-2026")
    date, start = tomorrow()

    # A forecast with a missing step names it; JSON of the wrong length names the field; nothing stored.
    csv = "time,mw\n" + "".join(f"{i // 4:02d}:{i % 4 * 15:02d},5\n" for i in range(96) if i != 17)
    st, _, err = request(base, "POST", f"/api/v1/dispatch/forecasts?kind=load&date={date}", csv, admin,
                         content_type="text/csv")
    check(st == 400 and err["error"]["field"] == "csv.step[17]"
          and err["error"]["reason"] == "dispatch.forecast.step_missing", f"missing step: {st} {err}")
    check(err["error"]["params"]["time"] == "04:15", f"the step's time: {err}")
    st, _, err = request(base, "POST", "/api/v1/dispatch/forecasts", {"kind": "load", "date": date, "values_mw": [1] * 95}, admin)
    check(st == 400 and err["error"]["field"] == "values_mw", f"short series: {st} {err}")
    st, _, err = request(base, "POST", "/api/v1/dispatch/forecasts",
                         {"kind": "load", "date": date, "values_mw": [1] * 50 + [-1] + [1] * 45}, admin)
    check(st == 400 and err["error"]["field"] == "values_mw[50]", f"negative value: {st} {err}")
    st, _, got = request(base, "GET", f"/api/v1/dispatch/forecasts?date={date}", token=admin)
    check(st == 200 and got["load"] is None, f"nothing stored: {got}")
    # No load forecast: no plan.
    st, _, err = request(base, "POST", "/api/v1/dispatch/plans", {"date": date}, admin)
    check(st == 422 and err["error"]["reason"] == "dispatch.plan.forecast_missing", f"plan without forecast: {st} {err}")

    load, pv = day_forecasts(base, admin, date)

    # Tariffs: an overlap and a gap are refused naming the band and the hour; nothing stored.
    _, _, before = request(base, "GET", "/api/v1/dispatch/tariffs", token=admin)
    overlap = {"province": "zhejiang", "category": "large_industry", "effective_from": date,
               "bands": [{"band": "peak", "hours": [{"from": 8, "to": 22}], "price_yuan_per_kwh": 1.0},
                         {"band": "valley", "hours": [{"from": 21, "to": 8}], "price_yuan_per_kwh": 0.3}]}
    st, _, err = request(base, "POST", "/api/v1/dispatch/tariffs", overlap, admin)
    check(st == 400 and err["error"]["field"] == "bands[1].hours"
          and err["error"]["reason"] == "dispatch.tariff.band_overlap" and err["error"]["params"]["hour"] == "21:00",
          f"overlap: {st} {err}")
    gap = dict(overlap, bands=[{"band": "peak", "hours": [{"from": 8, "to": 22}], "price_yuan_per_kwh": 1.0},
                               {"band": "valley", "hours": [{"from": 23, "to": 8}], "price_yuan_per_kwh": 0.3}])
    st, _, err = request(base, "POST", "/api/v1/dispatch/tariffs", gap, admin)
    check(st == 400 and err["error"]["field"] == "bands" and err["error"]["reason"] == "dispatch.tariff.hour_uncovered"
          and err["error"]["params"]["hour"] == "22:00", f"gap: {st} {err}")
    _, _, after = request(base, "GET", "/api/v1/dispatch/tariffs", token=admin)
    check(len(after["items"]) == len(before["items"]), "a refused tariff is not stored")
    st, _, in_force = request(base, "GET", f"/api/v1/dispatch/tariffs/in-force?date={date}", token=admin)
    check(st == 200 and in_force["province"] == "zhejiang", f"tariff in force: {st} {in_force}")

    # A battery with negative energy: 400 naming the field, no plan stored.
    _, _, plans_before = request(base, "GET", f"/api/v1/dispatch/plans?date={date}", token=admin)
    st, _, err = request(base, "POST", "/api/v1/dispatch/plans", {"date": date, "battery": {"energy_mwh": -5}}, admin)
    check(st == 400 and err["error"]["field"] == "battery.energy_mwh", f"negative battery: {st} {err}")
    _, _, plans_after = request(base, "GET", f"/api/v1/dispatch/plans?date={date}", token=admin)
    check(len(plans_after["items"]) == len(plans_before["items"]), "no plan stored for bad input")

    # The day's plan.
    st, _, plan = request(base, "POST", "/api/v1/dispatch/plans", {"date": date, "soc_initial": 0.5}, admin)
    check(st == 201, f"plan: {st} {plan}")
    check(len(plan["steps"]) == 96 and plan["start_at"] == start and plan["tariff_id"] == in_force["id"],
          f"a whole day from midnight under the tariff in force: {len(plan['steps'])} {plan['start_at']} {start}")
    check(plan["soc_source"] == "given" and plan["soc_initial"] == 0.5, f"soc: {plan['soc_source']}")
    c = plan["costs"]
    check(close(c["total_yuan"], c["energy_yuan"] + c["demand_yuan"] + c["carbon_yuan"] + c["throughput_yuan"]
                - c["export_revenue_yuan"]), f"costs add up: {c}")
    for s in plan["steps"]:
        supply = s["pv"] + s["wind"] + s["discharge"] + s["import_mw"] - s["charge"] - s["export_mw"]
        check(close(supply, s["load"], abs_=1e-5), f"energy balance at step {s['step']}: {s}")
        check(s["pv"] <= pv[s["step"]] + 1e-6, f"pv within the forecast: {s}")
    comp = plan["comparisons"]
    check(comp["saving_vs_no_battery_yuan"] >= -1e-6 and comp["saving_vs_rule_based_yuan"] >= -1e-6,
          f"the optimum is no worse than its baselines: {comp}")
    check(close(comp["saving_vs_no_battery_yuan"], comp["no_battery"]["costs"]["total_yuan"] - c["total_yuan"]),
          f"saving is the difference: {comp}")
    codes = [t["code"] for t in plan["explanation"]]
    check("dispatch.formula.objective" in codes and "dispatch.plan.grid_factor" in codes
          and "dispatch.saving.rule_based" in codes, f"explanation: {codes}")
    factor = plan["inputs"]["grid_factor"]
    check(factor["source"] and factor["revision"] >= 1 and factor["unit"] == "tCO2/MWh",
          f"the carbon module's grid factor with source and revision: {factor}")
    check(close(plan["emissions_t"], sum(s["import_mw"] for s in plan["steps"]) * 0.25 * factor["value"]),
          "emissions are imports times the grid factor")
    st, _, again = request(base, "GET", f"/api/v1/dispatch/plans/{plan['id']}", token=admin)
    check(st == 200 and again["total_yuan"] == plan["total_yuan"] and len(again["steps"]) == 96, "plan read back")

    # The MPS file: an independent solver finds the same objective.
    st, hdrs, mps = request(base, "GET", f"/api/v1/dispatch/plans/{plan['id']}/mps", token=admin)
    check(st == 200 and hdrs["content-type"].startswith("text/plain") and mps.startswith("NAME"), f"mps: {st}")
    glpsol = shutil.which("glpsol")
    if glpsol:
        path = os.path.join(ctx.workdir, "plan.mps")
        with open(path, "w") as f:
            f.write(mps)
        out = subprocess.run([glpsol, "--freemps", path, "-o", path + ".out"], capture_output=True, text=True, timeout=120)
        check(out.returncode == 0, f"glpsol: {out.stdout[-500:]}")
        with open(path + ".out") as f:
            m = re.search(r"Objective:\s+\S+\s+=\s+([-0-9.eE+]+)", f.read())
        check(m and close(float(m.group(1)), plan["total_yuan"]), f"glpsol objective {m and m.group(1)} vs {plan['total_yuan']}")

    # A grid instruction the battery can hold: import at most 20 MW from 18:00 to 21:00, re-planned at once.
    t18, t21 = start + 18 * 3_600_000, start + 21 * 3_600_000
    st, _, answer = request(base, "POST", "/api/v1/dispatch/instructions",
                            {"kind": "import_limit", "limit_mw": 20, "from": t18, "to": t21, "reference": "bb-DR-1"}, admin)
    check(st == 201 and answer["instruction"]["met"] is True and answer["plan"]["met"] is True,
          f"feasible instruction: {st} {answer}")
    check(answer["instruction"]["text"]["code"] == "dispatch.instruction.met", f"its text: {answer['instruction']}")
    replan_id = answer["plan"]["id"]
    check(replan_id != plan["id"] and answer["plan"]["kind"] == "instruction", "a new plan")
    _, _, replan = request(base, "GET", f"/api/v1/dispatch/plans/{replan_id}", token=admin)
    window = [s for s in replan["steps"] if t18 <= s["at"] < t21]
    check(len(window) == 12 and all(s["import_mw"] <= 20 + 1e-6 for s in window), f"import held: {window[:2]}")
    check(any(s["import_mw"] > 20 + 1e-6 for s in plan["steps"] if t18 <= s["at"] < t21),
          "the instruction bound: the first plan imported more in the window")
    check(replan["total_yuan"] >= plan["total_yuan"] - 1e-6, "a constraint cannot make the plan cheaper")

    # One no plan can meet: no import at all from 12:00 to midnight (~50 MW for 12 h against a 200 MWh battery).
    t12 = start + 12 * 3_600_000
    st, _, answer = request(base, "POST", "/api/v1/dispatch/instructions",
                            {"kind": "import_limit", "limit_mw": 0, "from": t12, "to": start + DAY_MS}, admin)
    check(st == 201 and answer["instruction"]["met"] is False, f"infeasible instruction: {st} {answer}")
    sf = answer["instruction"]["shortfall"]
    check(sf["mwh_short"] > 100 and sf["max_over_mw"] > 0 and sf["text"]["code"] == "dispatch.instruction.short",
          f"shortfall in numbers: {sf}")
    check(sf["text"]["params"]["from"] == "12:00" and sf["text"]["params"]["limit_mw"] == 0, f"its window: {sf['text']}")
    _, _, closest = request(base, "GET", f"/api/v1/dispatch/plans/{answer['plan']['id']}", token=admin)
    over = sum(max(0.0, s["import_mw"]) * 0.25 for s in closest["steps"] if s["at"] >= t12)
    check(close(over, sf["mwh_short"], rel=1e-6, abs_=1e-4), f"the shortfall is the closest plan's import: {over} {sf}")
    _, _, listed = request(base, "GET", f"/api/v1/dispatch/instructions?date={date}", token=admin)
    mine = [i for i in listed["items"] if i["from"] in (t18, t12)]
    met = {i["from"]: i["met"] for i in mine}
    check(len(mine) == 2 and met == {t18: True, t12: False} and {i["plan_id"] for i in mine} == {answer["plan"]["id"]},
          f"both instructions follow the latest plan, which still holds the first: {mine}")

    # Bad instructions: a window ending before it starts.
    st, _, err = request(base, "POST", "/api/v1/dispatch/instructions", {"limit_mw": 5, "from": t21, "to": t18}, admin)
    check(st == 400 and err["error"]["field"] == "to", f"window: {st} {err}")

    # A new tariff from tomorrow: new plans use it, the old plan keeps its own.
    newer = {"province": "zhejiang", "category": "large_industry", "voltage_class": "1-10kV", "effective_from": date,
             "source": "bb test tariff", "export_price_yuan_per_kwh": 0.2, "demand_charge_yuan_per_kw_month": 30,
             "bands": [{"band": "peak", "hours": [{"from": 8, "to": 22}], "price_yuan_per_kwh": 1.1},
                       {"band": "valley", "hours": [{"from": 22, "to": 8}], "price_yuan_per_kwh": 0.25}]}
    st, _, t = request(base, "POST", "/api/v1/dispatch/tariffs", newer, admin)
    check(st == 201 and t["id"] != in_force["id"], f"new tariff: {st} {t}")
    st, _, p2 = request(base, "POST", "/api/v1/dispatch/plans", {"date": date, "soc_initial": 0.5}, admin)
    check(st == 201 and p2["tariff_id"] == t["id"], f"the new plan uses the new tariff: {p2.get('tariff_id')}")
    _, _, old = request(base, "GET", f"/api/v1/dispatch/plans/{plan['id']}", token=admin)
    check(old["tariff_id"] == in_force["id"] and old["total_yuan"] == plan["total_yuan"], "the old plan keeps its tariff")


def _mqtt_remaining(n):
    out = b""
    while True:
        b = n % 128
        n //= 128
        out += bytes([b | (0x80 if n else 0)])
        if not n:
            return out


def _mqtt_string(s):
    b = s.encode()
    return struct.pack("!H", len(b)) + b


class PcsClient:
    """The battery's PCS as an MQTT 3.1.1 client: subscribes to setpoints at QoS 1, acknowledges them."""

    def __init__(self, port, topic):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        var = _mqtt_string("MQTT") + bytes([4, 0x02]) + struct.pack("!H", 30) + _mqtt_string(f"pcs-{os.getpid()}")
        self.sock.sendall(bytes([0x10]) + _mqtt_remaining(len(var)) + var)
        check(self._packet()[0] >> 4 == 2, "no CONNACK")
        body = struct.pack("!H", 1) + _mqtt_string(topic) + bytes([1])
        self.sock.sendall(bytes([0x82]) + _mqtt_remaining(len(body)) + body)
        check(self._packet()[0] >> 4 == 9, "no SUBACK")

    def _read(self, n):
        out = b""
        while len(out) < n:
            chunk = self.sock.recv(n - len(out))
            if not chunk:
                raise ConnectionError("broker closed")
            out += chunk
        return out

    def _packet(self):
        head = self._read(1)[0]
        length, mult = 0, 1
        while True:
            b = self._read(1)[0]
            length += (b & 0x7F) * mult
            mult *= 128
            if not b & 0x80:
                break
        return head, self._read(length)

    def receive(self, timeout=20):
        """The next PUBLISH as (topic, payload), PUBACKed at QoS 1."""
        self.sock.settimeout(timeout)
        while True:
            head, body = self._packet()
            if head >> 4 != 3:
                continue
            qos = (head >> 1) & 3
            n = struct.unpack("!H", body[:2])[0]
            topic = body[2:2 + n].decode()
            rest = body[2 + n:]
            if qos:
                pid = rest[:2]
                rest = rest[2:]
                self.sock.sendall(bytes([0x40, 2]) + pid)
            return topic, rest.decode()

    def publish(self, topic, payload):
        body = _mqtt_string(topic) + struct.pack("!H", 9) + payload.encode()
        self.sock.sendall(bytes([0x32]) + _mqtt_remaining(len(body)) + body)

    def close(self):
        try:
            self.sock.sendall(b"\xe0\x00")
        except OSError:
            pass
        self.sock.close()


@test
def dispatch_setpoints_through_mosquitto_with_acks(ctx):
    mosquitto = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    port = free_port()
    conf = os.path.join(ctx.workdir, "mosquitto-dispatch.conf")
    with open(conf, "w") as f:
        f.write(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
                + ("user root\n" if os.geteuid() == 0 else ""))
    broker = subprocess.Popen([mosquitto, "-c", conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    pcs = None
    try:
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        path = os.path.join(ctx.workdir, "dispatch-mqtt.toml")
        with open(path, "w") as f:
            f.write(f"[mqtt]\nenabled = true\nport = {port}\nclient_id = \"parkbrain-dispatch-bb\"\n")
        ctx.server.stop()
        ctx.server.extra_args = ["--config", path]
        ctx.server.start()
        base = ctx.server.base
        admin = login(base, "admin", "admin-demo-2026")
        date, _ = tomorrow()
        day_forecasts(base, admin, date)
        st, _, plan = request(base, "POST", "/api/v1/dispatch/plans", {"date": date, "soc_initial": 0.3}, admin)
        check(st == 201, f"plan: {st} {plan}")
        st, _, battery = request(base, "GET", "/api/v1/dispatch/battery", token=admin)
        check(st == 200 and battery["tag"], f"battery: {st} {battery}")
        pcs = PcsClient(port, "parkbrain/dispatch/+/setpoint")
        step = next(s for s in plan["steps"] if s["charge"] > 1 or s["discharge"] > 1)
        st, _, sent = request(base, "POST", f"/api/v1/dispatch/plans/{plan['id']}/setpoints", {"step": step["step"]}, admin)
        check(st == 201 and sent["status"] == "sent", f"setpoint: {st} {sent}")
        topic, payload = pcs.receive()
        msg = json.loads(payload)
        check(topic == f"parkbrain/dispatch/{battery['tag']}/setpoint", f"topic per device: {topic}")
        check(msg["plan_id"] == plan["id"] and msg["step"] == step["step"]
              and close(msg["power_mw"], step["discharge"] - step["charge"]), f"payload: {msg} vs {step}")
        # A second step nobody acknowledges stays "sent".
        other = next(s for s in plan["steps"] if s["step"] != step["step"])
        request(base, "POST", f"/api/v1/dispatch/plans/{plan['id']}/setpoints", {"step": other["step"]}, admin)
        pcs.receive()
        # The PCS acknowledges the first (the service's subscription may still be coming up: resend until seen).
        deadline = time.time() + 20
        rows = []
        while time.time() < deadline:
            pcs.publish(f"parkbrain/dispatch/{battery['tag']}/ack", json.dumps({"plan_id": plan["id"], "step": step["step"]}))
            _, _, got = request(base, "GET", f"/api/v1/dispatch/plans/{plan['id']}/setpoints", token=admin)
            rows = got["items"]
            if any(r["step"] == step["step"] and r["status"] == "acked" for r in rows):
                break
            time.sleep(0.3)
        acked = [r for r in rows if r["step"] == step["step"]]
        check(acked and acked[0]["status"] == "acked" and acked[0]["acked_at"] >= acked[0]["sent_at"], f"acked: {rows}")
        unacked = [r for r in rows if r["step"] == other["step"]]
        check(unacked and unacked[0]["status"] == "sent" and unacked[0]["acked_at"] is None, f"not acked: {rows}")
        st, _, actual = request(base, "GET", f"/api/v1/dispatch/plans/{plan['id']}/actual", token=admin)
        row = next(r for r in actual["items"] if r["step"] == step["step"])
        check(st == 200 and row["setpoint"]["status"] == "acked" and close(row["planned_mw"], msg["power_mw"]),
              f"plan against actual: {row}")
    finally:
        if pcs:
            pcs.close()
        broker.send_signal(signal.SIGTERM)
        broker.wait(timeout=10)
        ctx.server.stop()
        ctx.server.extra_args = []
        ctx.server.start()


def enterprise_with_user(base, admin, name, stamp):
    st, _, ent = request(base, "POST", "/api/v1/enterprises",
                         {"name": f"{name}{stamp}", "credit_code": credit_code(stamp), "sector": "2614"}, admin)
    check(st == 201, f"enterprise: {st} {ent}")
    user = f"dsp{stamp}"
    st, _, u = request(base, "POST", "/api/v1/users",
                       {"name": user, "role": "enterprise_user", "enterprise_id": ent["id"], "password": "dispatch-bb-2026"},
                       admin)
    check(st == 201, f"user: {st} {u}")
    return ent, login(base, user, "dispatch-bb-2026")


@test
def dispatch_orderly_power_use_is_scoped_to_each_enterprise(ctx):
    hook = webhook_receiver()
    path = os.path.join(ctx.workdir, "dispatch-hook.toml")
    with open(path, "w") as f:
        f.write(f'[alarms]\nwebhook_allow_hosts = ["127.0.0.1:{hook.server_port}"]\n')
    ctx.server.stop()
    ctx.server.extra_args = ["--config", path]
    ctx.server.start()
    try:
        base = ctx.server.base
        admin = login(base, "admin", "admin-demo-2026")
        stamp = time.time_ns() % 10**8
        a, a_tok = enterprise_with_user(base, admin, "有序用电甲", stamp)
        b, b_tok = enterprise_with_user(base, admin, "有序用电乙", stamp + 1)

        # Bad parameters name the field; nothing stored.
        st, _, err = request(base, "PUT", f"/api/v1/dispatch/enterprises/{a['id']}",
                             {"priority_tier": 0, "interruptible_mw": -1, "protected_mw": 2}, admin)
        fields = {e["field"] for e in err["error"].get("errors", [])}
        check(st == 400 and {"priority_tier", "interruptible_mw"} <= fields, f"bad parameters: {st} {err}")
        _, _, params = request(base, "GET", "/api/v1/dispatch/enterprises", token=admin)
        check(all(p["enterprise_id"] != a["id"] for p in params["items"]), "nothing stored")
        # Tier 1 (the demo park uses tiers 2 and up): A can shed 6 MW, B 4 MW.
        st, _, pa = request(base, "PUT", f"/api/v1/dispatch/enterprises/{a['id']}",
                            {"priority_tier": 1, "interruptible_mw": 6, "protected_mw": 3, "protected_reason": "连续生产",
                             "webhook_url": f"http://127.0.0.1:{hook.server_port}/robot"}, admin)
        check(st == 200 and pa["priority_tier"] == 1, f"params A: {st} {pa}")
        st, _, _ = request(base, "PUT", f"/api/v1/dispatch/enterprises/{b['id']}",
                           {"priority_tier": 1, "interruptible_mw": 4, "protected_mw": 0}, admin)
        check(st == 200, "params B")
        st, _, err = request(base, "PUT", f"/api/v1/dispatch/enterprises/{a['id']}",
                             {"priority_tier": 1, "interruptible_mw": 6, "protected_mw": 0}, a_tok)
        check(st == 403, f"an enterprise does not set its own tier: {st}")
        _, _, own = request(base, "GET", "/api/v1/dispatch/enterprises", token=a_tok)
        check([p["enterprise_id"] for p in own["items"]] == [a["id"]], f"an enterprise sees its own parameters: {own}")

        ws_a = WebSocket(base, f"/api/v1/live?token={a_tok}")
        ws_b = WebSocket(base, f"/api/v1/live?token={b_tok}")
        now = int(time.time() * 1000)
        st, _, err = request(base, "POST", "/api/v1/dispatch/orders", {"cut_mw": -1, "from": now, "to": now + 3_600_000}, admin)
        check(st == 400 and err["error"]["field"] == "cut_mw", f"bad cut: {st} {err}")
        st, _, err = request(base, "POST", "/api/v1/dispatch/orders", {"cut_mw": 5, "from": now, "to": now + 3_600_000}, a_tok)
        check(st == 403, f"an enterprise cannot order a cut: {st}")
        st, _, order = request(base, "POST", "/api/v1/dispatch/orders",
                               {"cut_mw": 5, "from": now - 60_000, "to": now + 3_600_000, "reference": "bb-有序用电"}, admin)
        check(st == 201, f"order: {st} {order}")
        shares = {x["enterprise_id"]: x["cut_mw"] for x in order["allocations"]}
        check(close(shares.get(a["id"], 0), 3) and close(shares.get(b["id"], 0), 2),
              f"tier 1 shares the cut in proportion to what each can shed: {shares}")
        check(close(order["allocated_mw"], 5) and order["unallocated_mw"] == 0, f"all allocated: {order}")

        # Each enterprise is told its own share on the live feed, and nobody else's.
        def order_events(ws):
            got = []
            deadline = time.time() + 5
            while time.time() < deadline:
                try:
                    ev = ws.recv(timeout=max(0.1, deadline - time.time()))
                except (socket.timeout, TimeoutError):
                    break
                if ev.get("type") == "dispatch.order" and ev.get("order_id") == order["id"]:
                    got.append(ev)
                    break
            return got
        ev_a, ev_b = order_events(ws_a), order_events(ws_b)
        check(len(ev_a) == 1 and ev_a[0]["enterprise_id"] == a["id"] and close(ev_a[0]["cut_mw"], 3), f"A's event: {ev_a}")
        check(len(ev_b) == 1 and ev_b[0]["enterprise_id"] == b["id"] and close(ev_b[0]["cut_mw"], 2), f"B's event: {ev_b}")
        ws_a.close()
        ws_b.close()
        deadline = time.time() + 10
        while not hook.received and time.time() < deadline:
            time.sleep(0.1)
        check(hook.received and hook.received[0][1]["msgtype"] == "text" and "3" in hook.received[0][1]["text"]["content"],
              f"A's webhook: {hook.received}")

        # An enterprise user reads its own share only: no park totals, no other enterprise.
        st, _, mine = request(base, "GET", f"/api/v1/dispatch/orders/{order['id']}", token=a_tok)
        check(st == 200 and [x["enterprise_id"] for x in mine["allocations"]] == [a["id"]] and mine["cut_mw"] is None,
              f"A's view: {st} {mine}")
        check([r["enterprise_id"] for r in mine["compliance"]] == [a["id"]], f"A's compliance only: {mine['compliance']}")
        check(mine["compliance"][0]["basis"]["code"] == "dispatch.order.no_meters", f"no meters: {mine['compliance']}")
        _, _, listed = request(base, "GET", "/api/v1/dispatch/orders", token=b_tok)
        row = next(o for o in listed["items"] if o["id"] == order["id"])
        check([x["enterprise_id"] for x in row["allocations"]] == [b["id"]], f"B's list: {row}")
        st, _, _ = request(base, "GET", f"/api/v1/dispatch/orders/{order['id']}/report", token=a_tok)
        check(st == 403, "the report is the park's")
        st, _, report = request(base, "GET", f"/api/v1/dispatch/orders/{order['id']}/report", token=admin)
        check(st == 200 and {r["enterprise_id"] for r in report["compliance"]} >= {a["id"], b["id"]}, f"report: {report}")

        # Compliance from the meters: A's energy meter ran at 10 MW in the window the day before and at 5 MW in an
        # order's window that is over, so it shed 5 MW against the 3 MW asked; B has no meter.
        st, _, fac = request(base, "POST", "/api/v1/facilities", {"enterprise_id": a["id"], "name": "配电房", "kind": "utility"}, admin)
        check(st == 201, f"facility: {st} {fac}")
        st, _, eq = request(base, "POST", "/api/v1/equipment",
                            {"facility_id": fac["id"], "tag": "TR-1", "name": "1 号变压器", "type": "transformer"}, admin)
        check(st == 201, f"equipment: {st} {eq}")
        st, _, meter = request(base, "POST", "/api/v1/sensors",
                               {"equipment_id": eq["id"], "key": f"dsp{stamp}.energy", "name": "总表", "kind": "meter",
                                "quantity": "energy", "unit": "kWh", "activity_item": "electricity"}, admin)
        check(st == 201, f"meter: {st} {meter}")
        w_to = (now // 600_000) * 600_000 - 3_600_000
        w_from = w_to - 3_600_000
        lines = []
        for k in range(7):
            lines.append(f"{meter['key']} value={1000 + k * 10000 / 6:.3f} {(w_from - DAY_MS) // 1000 + k * 600}\n")
            lines.append(f"{meter['key']} value={50000 + k * 5000 / 6:.3f} {w_from // 1000 + k * 600}\n")
        st, _, body = request(base, "POST", "/api/v1/write?precision=s", "".join(lines), admin, content_type="text/plain")
        check(st == 204, f"meter readings: {st} {body}")
        st, _, past = request(base, "POST", "/api/v1/dispatch/orders", {"cut_mw": 5, "from": w_from, "to": w_to}, admin)
        check(st == 201, f"past order: {st} {past}")
        row = None
        deadline = time.time() + 10
        while time.time() < deadline:
            st, _, seen = request(base, "GET", f"/api/v1/dispatch/orders/{past['id']}", token=a_tok)
            row = seen["compliance"][0] if st == 200 and seen["compliance"] else None
            if row and row["actual_mw"] is not None:
                break
            time.sleep(0.3)
        check(row and close(row["baseline_mw"], 10, rel=1e-3) and close(row["actual_mw"], 5, rel=1e-3)
              and close(row["reduction_mw"], 5, rel=1e-3) and row["compliant"] is True
              and row["basis"]["code"] == "dispatch.order.compliance_basis", f"A complied: {row}")
        _, _, rep = request(base, "GET", f"/api/v1/dispatch/orders/{past['id']}/report", token=admin)
        b_row = next(r for r in rep["compliance"] if r["enterprise_id"] == b["id"])
        check(b_row["compliant"] is None and b_row["basis"]["code"] == "dispatch.order.no_meters", f"B unmetered: {b_row}")

        # An enterprise with no share in an order does not see it.
        c, c_tok = enterprise_with_user(base, admin, "有序用电丙", stamp + 2)
        st, _, _ = request(base, "GET", f"/api/v1/dispatch/orders/{order['id']}", token=c_tok)
        check(st == 404, f"no share, no order: {st}")
        st, _, plans = request(base, "GET", "/api/v1/dispatch/plans", token=c_tok)
        check(st == 403, "plans are the energy manager's")
    finally:
        hook.shutdown()
        ctx.server.stop()
        ctx.server.extra_args = []
        ctx.server.start()
