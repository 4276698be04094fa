"""Figures for the closing notes of issues 12 and 13, from the real inputs (offline cache) and the built KB."""
import os, sqlite3, sys
from collections import Counter
from pathlib import Path
from kbgen.build import analyse_trees
from kbgen.inputs.manifest import load_manifest
from kbgen.inputs.http import Fetcher
from kbgen.inputs.sources import Resolver
from kbgen.inputs.debian import find_mirror
from kbgen.paths import default_cache_dir
from kbgen.parse.release import read_release
from kbgen.treecache import TreeCache
from kbgen.versions import version_key

cache = default_cache_dir()
resolver = Resolver(Fetcher(cache, offline=True, progress=False, warn=lambda _: None), cache, find_mirror)
releases = sorted(load_manifest(None), key=lambda r: version_key(r.version))
parsed = [read_release(r.version, resolver.release_inputs(r), r.suite) for r in releases]
trees = analyse_trees(parsed, TreeCache(cache / "tree-facts"), lambda _: None)
print("virsh per analysed tree: release | commands (aliases) | options | options setting flags | options whose values map to enum constants | handlers calling >=1 public API / handlers")
for t in trees:
    if t.virsh is None:
        continue
    cmds = t.virsh.commands
    real = [c for c in cmds if not c.alias_of]
    opts = [o for c in cmds for o in c.options]
    effects = [e for c in cmds for e in c.effects]
    flagged = sum(1 for e in effects if e.flags)
    valued = sum(1 for e in effects if e.enum)
    handlers = {c.handler: c for c in real}
    mapped = sum(1 for c in handlers.values() if c.calls)
    print(f"  {t.release} | {len(cmds)} ({len(cmds) - len(real)}) | {len(opts)} | {flagged} | {valued} | {mapped}/{len(handlers)} = {100 * mapped / len(handlers):.1f}%")
db = sqlite3.connect(os.path.expanduser("~/.local/share/kbgen/kb.sqlite"))
print("python3-libvirt per release: release | methods | module functions | constants")
for r in db.execute("SELECT release, methods, functions, constants FROM binding_releases"):
    print("  " + " | ".join(map(str, r)))
print("XML paths per release and format (schema): release | format | elements | attributes | values")
rel = [r for (r,) in db.execute("SELECT version FROM releases WHERE version IN (SELECT DISTINCT first_release FROM xml_paths) OR version IN (SELECT DISTINCT last_release FROM xml_paths) ORDER BY version_key")]
for r in rel:
    k = version_key(r)
    rows = db.execute("SELECT format, kind, count(*) FROM xml_paths WHERE first_key <= ? AND last_key >= ? GROUP BY 1, 2 ORDER BY 1", (k, k)).fetchall()
    by = {}
    for f, kind, n in rows:
        by.setdefault(f, Counter())[kind] = n
    tot = Counter()
    for f, c in sorted(by.items()):
        tot.update(c)
        print(f"  {r} | {f} | {c['element']} | {c['attribute']} | {c['value']}")
    print(f"  {r} | ALL | {tot['element']} | {tot['attribute']} | {tot['value']}")
print("doc 'Since' annotations per release: release | attached (by method) | not attached (by reason)")
cols = [c[1] for c in db.execute("PRAGMA table_info(xml_notes)")]
for r in rel:
    att = db.execute("SELECT method, count(*) FROM xml_notes WHERE release = ? AND path IS NOT NULL GROUP BY 1", (r,)).fetchall()
    no = Counter()
    for reason, n in db.execute("SELECT reason, count(*) FROM xml_notes WHERE release = ? AND path IS NULL GROUP BY 1", (r,)):
        no[reason.lstrip("0123456789 ").replace("names", "several names").replace("schema paths fit", "several schema paths fit")] += n
    print(f"  {r} | {sum(n for _, n in att)} {dict(att)} | {sum(no.values())} {dict(no)}")
print("xml-since-vs-schema disagreements:", db.execute("SELECT count(*) FROM disagreements WHERE kind = 'xml-since-vs-schema'").fetchone()[0])
