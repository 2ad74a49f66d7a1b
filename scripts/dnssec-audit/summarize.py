#!/usr/bin/python3
"""scripts/dnssec-audit/summarize.py: the findings of one run, and the verdict.

  summarize.py DIR            findings of DIR (zonemaster.jsonl,
                              dnsviz-grok.json, delv.txt): writes
                              DIR/findings.json, prints counts and messages
  summarize.py --compare REF SUT
                              exit 2 if REF (NSD) has any error, 1 if SUT
                              has an error REF does not have, else 0

A finding is (tool, level, key, message). Levels: ERROR (Zonemaster
CRITICAL/ERROR, DNSViz errors, a failed delv check) and WARNING (Zonemaster
WARNING, DNSViz warnings). The key identifies a finding across the two runs
(same names, same addresses, same signed file): Zonemaster's test case, tag
and arguments; DNSViz's path in the grok output and its code.
"""
import json
import os
import sys


def zonemaster(path):
    found = []
    if not os.path.exists(path):
        return [("zonemaster", "ERROR", "no output", "zonemaster-cli wrote nothing")]
    for line in open(path):
        line = line.strip()
        if not line.startswith("{"):
            continue
        e = json.loads(line)
        level = {"CRITICAL": "ERROR", "ERROR": "ERROR", "WARNING": "WARNING"}.get(e["level"])
        if not level:
            continue
        key = "%s %s %s" % (e.get("testcase"), e.get("tag"), json.dumps(e.get("args"), sort_keys=True))
        found.append(("zonemaster", level, key,
                      "%s %s %s: %s" % (e["level"], e.get("testcase"), e.get("tag"), e.get("message", ""))))
    return found


def dnsviz(path, log):
    found = []
    log_text = open(log).read() if os.path.exists(log) else "no log"
    if "exit status" in log_text or "Traceback" in log_text:
        return [("dnsviz", "ERROR", "failed", "dnsviz failed: %s" % log_text.strip().splitlines()[-1])]
    try:
        # grok -l warning writes nothing at all when nothing is at that level
        if os.path.getsize(path) == 0:
            return []
        doc = json.load(open(path))
    except (OSError, ValueError) as err:
        return [("dnsviz", "ERROR", "no output", "dnsviz grok output unreadable: %s" % err)]

    def walk(node, where):
        if isinstance(node, dict):
            for k, v in node.items():
                if k in ("errors", "warnings") and isinstance(v, list):
                    level = "ERROR" if k == "errors" else "WARNING"
                    for item in v:
                        code = item.get("code", "?") if isinstance(item, dict) else str(item)
                        desc = item.get("description", "") if isinstance(item, dict) else ""
                        servers = ",".join(item.get("servers", [])) if isinstance(item, dict) else ""
                        found.append(("dnsviz", level, "%s %s" % (where, code),
                                      "%s %s at %s%s: %s" % (level, code, where,
                                                             " (%s)" % servers if servers else "", desc)))
                else:
                    walk(v, where + "/" + k if where else k)
        elif isinstance(node, list):
            for item in node:
                walk(item, where)

    walk(doc, "")
    return found


def delv(path):
    found = []
    for line in open(path) if os.path.exists(path) else []:
        if line.startswith("FAIL "):
            name_type = " ".join(line.split()[2:4])
            found.append(("delv", "ERROR", name_type, line.strip()))
    return found


def findings(d):
    return (zonemaster(os.path.join(d, "zonemaster.jsonl")) + dnsviz(os.path.join(d, "dnsviz-grok.json"), os.path.join(d, "dnsviz-grok.log"))
            + delv(os.path.join(d, "delv.txt")))


def summarize(d):
    found = findings(d)
    json.dump(found, open(os.path.join(d, "findings.json"), "w"), indent=1)
    server = os.path.basename(d.rstrip("/"))
    for tool in ("zonemaster", "dnsviz", "delv"):
        mine = [f for f in found if f[0] == tool]
        errors = [f for f in mine if f[1] == "ERROR"]
        warnings = [f for f in mine if f[1] == "WARNING"]
        print("%s %s: %d errors, %d warnings" % (server, tool, len(errors), len(warnings)))
        for f in errors + warnings:
            print("  " + f[3])


def compare(ref, sut):
    r = [tuple(f) for f in json.load(open(os.path.join(ref, "findings.json")))]
    s = [tuple(f) for f in json.load(open(os.path.join(sut, "findings.json")))]
    ref_errors = [f for f in r if f[1] == "ERROR"]
    if ref_errors:
        print("BROKEN SET-UP: the reference (NSD) has %d errors:" % len(ref_errors))
        for f in ref_errors:
            print("  %s: %s" % (f[0], f[3]))
        return 2
    known = {(f[0], f[2]) for f in r if f[1] == "ERROR"}
    new = [f for f in s if f[1] == "ERROR" and (f[0], f[2]) not in known]
    ref_warn = {(f[0], f[2]) for f in r if f[1] == "WARNING"}
    new_warn = [f for f in s if f[1] == "WARNING" and (f[0], f[2]) not in ref_warn]
    name = os.path.basename(sut.rstrip("/"))
    if sut.rstrip("/") == ref.rstrip("/"):
        print("PASS: the reference (NSD) has no errors")
        return 0
    for f in new_warn:
        print("  warning only %s has: %s: %s" % (name, f[0], f[3]))
    if new:
        print("FAIL: %s has %d errors NSD does not have:" % (name, len(new)))
        for f in new:
            print("  %s: %s" % (f[0], f[3]))
        return 1
    print("PASS: %s has no error NSD does not have" % name)
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--compare":
        sys.exit(compare(sys.argv[2], sys.argv[3]))
    if len(sys.argv) == 2:
        summarize(sys.argv[1])
        sys.exit(0)
    sys.stderr.write(__doc__)
    sys.exit(2)
