#!/usr/bin/env python3
"""Checks that the #includes of every library follow the module graph that
CMake declares (ctest `module_graph`; ARCHITECTURE.md).

Usage: scripts/check-module-graph.py [SOURCE_DIR]

For every `steer_library(NAME SRCS ... DEPS ... PRIVATE_DEPS ...)` (plus any
`target_link_libraries(NAME PUBLIC|PRIVATE ...)` added to it):

1. A file of the library (its sources, and the headers beside them) may
   include headers of its own library and of the libraries it depends on,
   directly or through their PUBLIC dependencies, and nothing else of ours.
2. A public header of the library may include headers of another of our
   libraries only if that library is reached through PUBLIC dependencies
   (a PRIVATE one is not passed on to users of the header).
3. A dependency of ours listed as PUBLIC must be needed by a public header;
   otherwise it belongs in PRIVATE_DEPS.
4. Third-party libraries with a heavy footprint (ldns, nlohmann-json,
   c-ares, OpenSSL, yaml-cpp, cpp-httplib, libmaxminddb, libcsv, libxdp)
   must be named by the library whose files include them, PUBLIC if a
   public header does, and a PUBLIC one must be needed by a header.
5. There is no global include_directories().

Exit status 0 when all hold, 1 with one line per violation otherwise.
"""
import os
import re
import sys

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                       os.path.join(os.path.dirname(__file__), ".."))

# Third-party headers -> the CMake target that brings them.
EXTERNAL = [
    (re.compile(r'^<ldns/'), "PkgConfig::LDNS"),
    (re.compile(r'^[<"]nlohmann/'), "nlohmann_json::nlohmann_json"),
    (re.compile(r'^<ares(_[a-z]+)?\.h>'), "PkgConfig::CARES"),
    (re.compile(r'^<openssl/'), "OpenSSL::SSL|OpenSSL::Crypto"),
    (re.compile(r'^<yaml-cpp/'), "yaml-cpp"),
    (re.compile(r'^[<"]httplib\.h'), "PkgConfig::HTTPLIB|PkgConfig::ZONECTL_HTTPLIB"),
    (re.compile(r'^<maxminddb\.h>'), "PkgConfig::MAXMINDDB"),
    (re.compile(r'^<csv\.h>'), "csv"),
    (re.compile(r'^<xdp/'), "PkgConfig::LIBXDP"),
    (re.compile(r'^<bpf/'), "PkgConfig::LIBBPF"),
]


def cmake_files():
    for d, dirs, files in os.walk(ROOT):
        top = os.path.abspath(d) == ROOT
        dirs[:] = [x for x in dirs if not x.startswith(".") and x != "node_modules"
                   and not (top and (x.startswith("build") or x in ("tests", "bench")))]
        if "CMakeLists.txt" in files:
            yield os.path.join(d, "CMakeLists.txt")


def strip_comments(text):
    return "\n".join(line.split("#", 1)[0] for line in text.splitlines())


def parse_libraries():
    libs = {}
    problems = []
    for path in cmake_files():
        rel_dir = os.path.relpath(os.path.dirname(path), ROOT)
        text = strip_comments(open(path).read())
        if rel_dir == "." and re.search(r'^\s*include_directories\s*\(', text, re.M):
            problems.append("CMakeLists.txt: global include_directories() lets any file "
                            "include anything")
        for m in re.finditer(r'steer_library\s*\(([^)]*)\)', text):
            words = m.group(1).split()
            name, section = words[0], None
            lib = {"dir": rel_dir, "srcs": [], "public": set(), "private": set(),
                   "cmake": os.path.relpath(path, ROOT)}
            for w in words[1:]:
                if w in ("SRCS", "DEPS", "PRIVATE_DEPS"):
                    section = w
                elif section == "SRCS":
                    lib["srcs"].append(w)
                elif section == "DEPS":
                    lib["public"].add(w)
                elif section == "PRIVATE_DEPS":
                    lib["private"].add(w)
            libs[name] = lib
        for m in re.finditer(r'target_link_libraries\s*\(\s*(\S+)\s+([^)]*)\)', text):
            name = m.group(1)
            if name not in libs:
                continue
            mode = "public"
            for w in m.group(2).split():
                if w in ("PUBLIC", "INTERFACE"):
                    mode = "public"
                elif w == "PRIVATE":
                    mode = "private"
                else:
                    libs[name][mode].add(w)
        for m in re.finditer(r'target_sources\s*\(\s*(\S+)\s+(?:PRIVATE|PUBLIC)\s+([^)]*)\)', text):
            if m.group(1) in libs:
                libs[m.group(1)]["srcs"] += [w for w in m.group(2).split()
                                             if w.endswith((".cc", ".c"))]
    return libs, problems


def includes(path):
    out = []
    with open(path, errors="replace") as f:
        for n, line in enumerate(f, 1):
            m = re.match(r'\s*#\s*include\s+([<"][^>"]+[>"])', line)
            if m:
                out.append((n, m.group(1)))
    return out


def main():
    libs, problems = parse_libraries()
    # Which library owns each header of ours: the one whose source has the
    # same stem, else (a header without a .cc: internal helpers) the first
    # library declared in the header's folder. A header whose .cc is not in
    # any library belongs to a program (tools/zonectl_http.h): not checked.
    owner = {}
    by_dir = {}
    for name, lib in libs.items():
        by_dir.setdefault(lib["dir"], []).append(name)
        for src in lib["srcs"]:
            stem = os.path.splitext(os.path.normpath(os.path.join(lib["dir"], src)))[0]
            owner[stem + ".h"] = name
    headers_of = {name: [] for name in libs}
    for d, names in by_dir.items():
        for f in sorted(os.listdir(os.path.join(ROOT, d))):
            if not f.endswith(".h"):
                continue
            rel = os.path.normpath(os.path.join(d, f))
            if rel not in owner and os.path.exists(os.path.join(ROOT, rel[:-2] + ".cc")):
                continue
            owner.setdefault(rel, names[0])
            headers_of[owner[rel]].append(rel)

    def closure(name, public_only):
        seen, todo = set(), [name]
        first = True
        while todo:
            cur = todo.pop()
            deps = set(libs[cur]["public"])
            if first and not public_only:
                deps |= libs[cur]["private"]
            first = False
            for d in deps:
                if d in libs and d not in seen:
                    seen.add(d)
                    todo.append(d)
        return seen

    for name, lib in sorted(libs.items()):
        reach_all = closure(name, public_only=False) | {name}
        reach_public = closure(name, public_only=True) | {name}
        needed_public = set()
        files = [(os.path.normpath(os.path.join(lib["dir"], s)), False) for s in lib["srcs"]]
        files += [(h, True) for h in headers_of[name]]
        for rel, is_header in files:
            full = os.path.join(ROOT, rel)
            if not os.path.exists(full):
                continue
            for line, inc in includes(full):
                target = inc[1:-1]
                if inc.startswith('"') and target in owner:
                    dep = owner[target]
                    if dep == name:
                        continue
                    if dep not in reach_all:
                        problems.append(f"{rel}:{line}: includes {target} of {dep}, which "
                                        f"{name} does not depend on ({lib['cmake']})")
                    elif is_header:
                        needed_public.add(dep)
                        if dep not in reach_public:
                            problems.append(f"{rel}:{line}: public header includes {target} "
                                            f"of {dep}, a PRIVATE dependency of {name}: make "
                                            f"it PUBLIC (DEPS) or keep the include out of the header")
                    continue
                for pattern, targets in EXTERNAL:
                    if not pattern.search(inc):
                        continue
                    alts = targets.split("|")
                    listed = [t for t in alts if t in lib["public"] | lib["private"]]
                    if not listed:
                        problems.append(f"{rel}:{line}: includes {inc} but {name} does not "
                                        f"link {alts[0]} ({lib['cmake']})")
                    elif is_header:
                        needed_public.update(alts)
                        if not any(t in lib["public"] for t in alts):
                            problems.append(f"{rel}:{line}: public header includes {inc}: "
                                            f"{alts[0]} must be PUBLIC in {name}")
        heavy = {t for _, ts in EXTERNAL for t in ts.split("|")}
        for dep in sorted(lib["public"]):
            if (dep in libs or dep in heavy) and dep not in needed_public:
                problems.append(f"{lib['cmake']}: {name} lists {dep} as PUBLIC but none of its "
                                f"headers needs it: move it to PRIVATE_DEPS")
    for p in problems:
        print(p)
    if problems:
        print(f"module graph: {len(problems)} problem(s)")
        return 1
    print(f"module graph: {len(libs)} libraries, every #include follows the declared dependencies")
    return 0


if __name__ == "__main__":
    sys.exit(main())
