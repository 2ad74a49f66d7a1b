#!/usr/bin/python3
# scripts/dnssec-audit/grok.py ARGS...: `dnsviz grok ARGS...` on Debian 12.
# dnsviz 0.9.4 checks pygraphviz's version through pygraphviz.release,
# which pygraphviz 1.7 (Debian 12) no longer has, so the packaged
# `dnsviz grok` always stops with "pygraphviz is required, but not
# installed". This gives it that module (the version the package reports)
# and runs the packaged grok unchanged.
import logging
import sys
import types

import pygraphviz

release = types.ModuleType("pygraphviz.release")
release.version = pygraphviz.__version__
sys.modules["pygraphviz.release"] = release
pygraphviz.release = release

logging.basicConfig(level=logging.WARNING, format="%(message)s")
from dnsviz.commands import grok  # noqa: E402

grok.main(["grok"] + sys.argv[1:])
