"""Scenario files: one file per feature, a step per paragraph.

    # a comment
    login admin admin-demo-2026         sign in; the token becomes current (and is kept under that name)
    as ent-user                         switch to a token signed in earlier; `as none` sends no token,
                                        `as bogus` sends a token that was never issued, `as ${var}` a saved one
    restart                             SIGTERM the server and start it again on the same database
    kill9                               SIGKILL it and start again (acknowledged writes must survive)

    POST /api/v1/enterprises            a request: method, path (${var} is substituted), options:
    {"name": "…"}                         @text/plain sets the Content-Type; the body follows, up to ----
    ----
    400 invalid_argument credit_code    expected status, then optionally the error code and field (- = empty)
    {"error": {"message": "<any>"}}     optional JSON the response must contain (objects: a subset; lists: same
                                        length, element by element; "<any>", "<absent>", "<len:N>", "<approx:V:TOL>"
                                        match loosely)
    save ent_id = id                    remember a value of the response (dotted path, list indexes as numbers)
"""
import json
import re

from harness import login, request


class ScenarioError(AssertionError):
    pass


def parse(text):
    steps, block = [], []
    for raw in text.splitlines() + [""]:
        line = raw.rstrip("\n")
        if line.strip().startswith("#"):
            continue
        if line.strip() == "":
            if block:
                steps.append(block)
                block = []
            continue
        block.append(line)
    return steps


def match(expected, actual, where="$"):
    if isinstance(expected, str) and expected.startswith("<") and expected.endswith(">"):
        if expected == "<any>":
            if actual is None:
                raise ScenarioError(f"{where}: expected a value, got null")
            return
        m = re.fullmatch(r"<approx:([-\d.e]+):([\d.e]+)>", expected)
        if m:
            if not isinstance(actual, (int, float)) or abs(actual - float(m.group(1))) > float(m.group(2)):
                raise ScenarioError(f"{where}: expected {m.group(1)} ± {m.group(2)}, got {actual}")
            return
        m = re.fullmatch(r"<len:(\d+)>", expected)
        if m:
            if not isinstance(actual, list) or len(actual) != int(m.group(1)):
                raise ScenarioError(f"{where}: expected a list of {m.group(1)}, got {json.dumps(actual)[:200]}")
            return
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            raise ScenarioError(f"{where}: expected an object, got {json.dumps(actual)[:200]}")
        for k, v in expected.items():
            if v == "<absent>":
                if k in actual:
                    raise ScenarioError(f"{where}.{k}: expected no such key, got {json.dumps(actual[k])[:200]}")
                continue
            if k not in actual:
                raise ScenarioError(f"{where}.{k}: missing in {json.dumps(actual, ensure_ascii=False)[:300]}")
            match(v, actual[k], f"{where}.{k}")
        return
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            raise ScenarioError(f"{where}: expected {len(expected)} items, got {json.dumps(actual)[:200]}")
        for i, (e, a) in enumerate(zip(expected, actual)):
            match(e, a, f"{where}[{i}]")
        return
    if isinstance(expected, float) or isinstance(actual, float):
        if not isinstance(actual, (int, float)) or abs(float(expected) - float(actual)) > 1e-9 * max(1, abs(expected)):
            raise ScenarioError(f"{where}: expected {expected}, got {actual}")
        return
    if expected != actual:
        raise ScenarioError(f"{where}: expected {json.dumps(expected, ensure_ascii=False)}, "
                            f"got {json.dumps(actual, ensure_ascii=False)[:300]}")


def lookup(value, path):
    for part in path.split("."):
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value


class Runner:
    def __init__(self, server):
        self.server = server
        self.tokens = {}
        self.current = None
        self.vars = {}

    def subst(self, text):
        return re.sub(r"\$\{(\w+)\}", lambda m: str(self.vars[m.group(1)]), text)

    def run_file(self, path):
        with open(path, encoding="utf-8") as f:
            steps = parse(f.read())
        for n, step in enumerate(steps, 1):
            try:
                self.run_step(step)
            except ScenarioError as e:
                raise ScenarioError(f"{path} step {n} ({step[0]}): {e}") from None

    def run_step(self, step):
        words = step[0].split()
        cmd = words[0]
        if cmd == "login":
            self.tokens[words[1]] = login(self.server.base, words[1], words[2])
            self.current = self.tokens[words[1]]
            return
        if cmd == "as":
            name = self.subst(words[1])
            if name.startswith("pb_") and name != "pb_":  # a token saved from a response
                self.current = name
                return
            self.current = {"none": None, "bogus": "pb_this-token-was-never-issued-0000000000000"}.get(
                name, self.tokens.get(name))
            if name not in ("none", "bogus") and name not in self.tokens:
                raise ScenarioError(f"no token for {name}: log in first")
            return
        if cmd == "restart":
            self.server.restart()
            return
        if cmd == "kill9":
            import signal
            self.server.restart(signal.SIGKILL)
            return
        if cmd not in ("GET", "POST", "PATCH", "PUT", "DELETE"):
            raise ScenarioError(f"unknown step {cmd}")
        path = self.subst(words[1])
        content_type = "application/json"
        for opt in words[2:]:
            if opt.startswith("@"):
                content_type = opt[1:]
        try:
            sep = step.index("----")
        except ValueError:
            raise ScenarioError("a request needs ---- before its expected response") from None
        body_text = self.subst("\n".join(step[1:sep])) if sep > 1 else None
        status, headers, body = request(self.server.base, cmd, path, body_text, self.current, content_type)
        expect = step[sep + 1:]
        if not expect:
            raise ScenarioError("nothing expected after ----")
        want = expect[0].split()
        if int(want[0]) != status:
            raise ScenarioError(f"{cmd} {path}: expected status {want[0]}, got {status}: "
                                f"{json.dumps(body, ensure_ascii=False)[:400]}")
        if len(want) > 1:
            err = body.get("error", {}) if isinstance(body, dict) else {}
            if err.get("code") != want[1]:
                raise ScenarioError(f"{cmd} {path}: expected error {want[1]}, got {json.dumps(body)[:300]}")
            if len(want) > 2 and err.get("field") != ("" if want[2] == "-" else want[2]):
                raise ScenarioError(f"{cmd} {path}: expected field {want[2]}, got {json.dumps(body, ensure_ascii=False)[:300]}")
            shape = {"code", "message", "field"}
            if not shape <= set(err) <= shape | {"reason", "params", "errors"} or not err.get("message"):
                raise ScenarioError(f"error shape is not {{code, message, field[, reason, params, errors]}}: {body}")
            # A reason code is one both catalogues say, and every bad field carries one.
            if "reason" in err and not all(e.get("code") and "field" in e for e in err.get("errors", [])):
                raise ScenarioError(f"errors without codes: {body}")
        rest = expect[1:]
        saves = [line for line in rest if line.startswith("save ")]
        json_lines = [line for line in rest if not line.startswith("save ")]
        if json_lines:
            match(json.loads(self.subst("\n".join(json_lines))), body)
        for line in saves:
            m = re.fullmatch(r"save (\w+) = ([\w.]+)", line.strip())
            if not m:
                raise ScenarioError(f"bad save line: {line}")
            self.vars[m.group(1)] = lookup(body, m.group(2))
