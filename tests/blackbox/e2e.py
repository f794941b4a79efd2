#!/usr/bin/env python3
"""End-to-end web tests: serves the demo park with the built web app from the real binary, then runs the
playwright-core tests in tests/e2e/ (node's test runner, Debian's Chromium) against it.

    e2e.py --binary build/asan/src/app/parkbrain
"""
import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, rmtree, tempdir  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    args = ap.parse_args()
    web_root = os.path.join(ROOT, "web", "dist")
    if not os.path.exists(os.path.join(web_root, "index.html")):
        print("web/dist is not built: run `make web` (make test does)")
        return 1
    workdir = tempdir("parkbrain-e2e-")
    server = Server(os.path.abspath(args.binary), "sqlite", workdir, web_root=web_root)
    try:
        server.reset_database()
        server.seed_demo()
        server.start()
        env = dict(os.environ, PARKBRAIN_URL=f"http://{server.base}",
                   PARKBRAIN_ARTIFACTS=os.environ.get("PARKBRAIN_ARTIFACTS", os.path.join(ROOT, "test-artifacts")))
        tests = sorted(os.path.join(ROOT, "tests", "e2e", f) for f in os.listdir(os.path.join(ROOT, "tests", "e2e"))
                       if f.endswith(".test.mjs"))
        result = subprocess.run(["node", "--test", "--test-concurrency=1"] + tests, cwd=ROOT, env=env)
        if result.returncode != 0:
            print("---- server log ----\n" + server.tail_log(60))
        return result.returncode
    finally:
        server.stop()
        rmtree(workdir)


if __name__ == "__main__":
    sys.exit(main())
