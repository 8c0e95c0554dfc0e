#!/usr/bin/env python3
"""testcount.py: counts test cases in a meson testlog.json (cmocka cases where a test
prints cmocka's summary, else the meson test itself) and prints "PASSED FAILED SKIPPED".
With --suite NAME only that suite's tests are counted."""
import json
import re
import sys

def main():
    args = sys.argv[1:]
    suite = None
    if len(args) >= 2 and args[0] == "--suite":
        suite, args = args[1], args[2:]
    passed = failed = skipped = 0
    with open(args[0], encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            t = json.loads(line)
            # meson 1.0 writes no "suite" field; the name is "project:suite / test".
            suites = t.get("suite") or [t.get("name", "").split(" / ")[0]]
            if suite and not any(s.split(":")[-1] == suite for s in suites):
                continue
            out = (t.get("stdout") or "") + "\n" + (t.get("stderr") or "")
            p = re.findall(r"\[  PASSED  \] (\d+) test", out)
            fl = re.findall(r"\[  FAILED  \] (\d+) test", out)
            sk = re.findall(r"\[  SKIPPED \] (\d+) test", out)
            ok = t.get("result") in ("OK", "EXPECTEDFAIL")
            plain = re.findall(r"^(\d+) passed, (\d+) failed", out, re.M)
            if plain and not (p or fl):
                p, fl = [plain[-1][0]], [plain[-1][1]]
            if p or fl:
                passed += sum(map(int, p))
                failed += sum(map(int, fl))
                skipped += sum(map(int, sk))
                if not ok and sum(map(int, fl)) == 0:
                    failed += 1  # crashed or timed out after cmocka's summary
            elif t.get("result") == "SKIP":
                skipped += 1
            elif ok:
                passed += 1
            else:
                failed += 1
    print(passed, failed, skipped)

main()
