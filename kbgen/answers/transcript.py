"""A pasted transcript or log read as one story: the connection URI (its driver), the versions virsh and the daemon's log
print (the client's, the daemon's, the hypervisor's, told apart), and the errors, each judged against them.

explain() finds each message line by line; story() then folds the context lines into one finding and gives the errors
the driver-aware verdict: `unknown procedure: 261` against a 0.9.9 daemon over qemu:///system needs 0.9.11, the first
release whose qemu driver has virDomainPMSuspendForDuration. Standard library only (`kb`'s start-up path); explain.html
does the same (templates/assets/explain.js).
"""

from __future__ import annotations

import sqlite3

from kbgen.answers import query
from kbgen.render.bounds import bound_text
from kbgen.versions import version_key

CONTEXT = ("daemon-version", "hypervisor-version", "connection-uri")
DAEMON_LINES = ("libvirt version:", "Running against daemon:")
IN_CLIENT = "test"  # the driver that runs inside the client library: no daemon answers its calls


def version_line(conn, source: str, version: str) -> dict:
    return {"version": version, "role": "daemon" if source in DAEMON_LINES else "client"}


def hypervisor_line(conn, name: str, version: str) -> dict:
    return {"hypervisor": f"{name} {version}"}


def connection_uri(conn, scheme: str) -> dict:
    return {"scheme": scheme}


def story(conn: sqlite3.Connection, findings: list[dict]) -> list[dict]:
    """FINDINGS with the context lines folded into one last finding, and each error judged against that context."""
    context = [f for f in findings if f["kind"] in CONTEXT]
    drivers = {r[0] for r in conn.execute("SELECT DISTINCT driver FROM driver_support")}
    scene = {
        "driver": next((f["scheme"] for f in context if f["kind"] == "connection-uri" and f["scheme"] in drivers), None),
        "daemon": _end(context, "daemon", min), "client": _end(context, "client", max),
        "hypervisor": next((f["hypervisor"] for f in context if f["kind"] == "hypervisor-version"), None),
    }
    errors = [f | _judged(conn, f, scene) for f in findings if f["kind"] not in CONTEXT]
    versions = [f for f in context if f["kind"] == "daemon-version"]
    return errors + ([_summary(conn, versions, scene)] if versions else [])


def _end(context: list[dict], role: str, pick) -> str | None:
    found = [f["version"] for f in context if f["kind"] == "daemon-version" and f["role"] == role]
    return pick(found, key=version_key) if found else None


def _judged(conn, finding: dict, scene: dict) -> dict:
    if finding["kind"] == "unknown-procedure" and finding.get("procedure"):
        return procedure_words(conn, finding["procedure"], scene)
    if scene["driver"] == IN_CLIENT and finding["kind"] in ("unsupported-flags", "not-supported"):
        client = f" ({scene['client']})" if scene["client"] else ""
        return {"meaning": finding["meaning"] + f"; the connection's test driver runs inside the client: the library{client} "
                           "refused it, not a daemon"}
    return {}


def procedure_words(conn, p: dict, scene: dict) -> dict:
    """The meaning and advice of an unknown procedure P, given what else the text told (SCENE: driver, daemon, client)."""
    what = p["api"] or f"{p['name']} ({p['label']}, no public API)"
    client = f" ({scene['client']})" if scene.get("client") else ""
    daemon = f" ({scene['daemon']})" if scene.get("daemon") else ""
    meaning = (f"the client{client} called {what} ({p['protocol']} procedure {p['number']}), added in {bound_text(p['since'])}: "
               f"the daemon{daemon} is older than that")
    fix = p["since"]["version"] if p["since"]["exact"] else p["since"]["upper"]
    advice = f"upgrade the daemon to libvirt {fix} or later, or fall back to calls that the daemon's release has"
    driver = scene.get("driver")
    if not (driver and p["api"]):
        return {"meaning": meaning, "advice": advice}
    row = conn.execute("SELECT since, since_key, since_exact FROM driver_support WHERE api = ? AND driver = ?", (p["api"], driver)).fetchone()
    if row is None and query.served_elsewhere(conn, p["api"], driver) is None:
        return {"meaning": meaning + f"; no release of the {driver} driver implements it, so upgrading the daemon does not help",
                "advice": "use a driver that implements it (kb since " + p["api"] + "), or avoid the call"}
    if row is not None and row["since_key"] > version_key(fix):
        shown = bound_text(query.support_version(row))
        return {"meaning": meaning + f"; the {driver} driver implements it from {shown}: a {fix} daemon would still refuse it",
                "advice": f"upgrade the daemon to libvirt {row['since']} or later"}
    return {"meaning": meaning, "advice": advice}


def _summary(conn, versions: list[dict], scene: dict) -> dict:
    found = sorted({f["version"] for f in versions}, key=version_key)
    summary = {"kind": "daemon-version", "matched": ", ".join(f["matched"] for f in versions), "count": sum(f["count"] for f in versions),
               "versions": found} | scene
    daemon, client = scene["daemon"], scene["client"]
    if scene["driver"] == IN_CLIENT:
        return summary | {"refused": [], "meaning": f"libvirt {', '.join(found)} found; the connection's test driver runs inside the "
                          "client library: no daemon answers its calls", "advice": "errors come from the client library: upgrade it"}
    if daemon is None:
        return summary | {"refused": [], "meaning": f"libvirt {', '.join(found)} found, the client's: the daemon's release is not in the text",
                          "advice": "`virsh version --daemon` prints the daemon's release"}
    refused = _refused(conn, daemon, client)
    first = ", ".join(f"{r['api']} ({r['since']['version']}, {r['protocol']} procedure {r['procedure_number']})" for r in refused[:3])
    parts = [f"the daemon is libvirt {daemon}"] + [f"the client {client}"] * bool(client) + [f"the hypervisor {scene['hypervisor']}"] * bool(scene["hypervisor"])
    summary["meaning"] = (", ".join(parts) + f": a client calling any of the {len(refused)} APIs added after {daemon}"
                          + (f" up to {client}" if client else "") + " gets 'unknown procedure' from it"
                          + (f", first among them {first}" if refused else ""))
    summary["advice"] = (f"check calls with `kb check --server {daemon}" + (f" --driver {scene['driver']}" if scene["driver"] else "")
                         + f" NAME`; `kb diff {daemon} {client or 'NEWER'}` lists what it lacks")
    return summary | {"refused": refused}


def _refused(conn, daemon: str, client: str | None) -> list[dict]:
    """The APIs with a procedure added after DAEMON (up to CLIENT): the calls a client of those releases may make that it refuses."""
    rows = conn.execute(
        "SELECT s.name, s.since, p.protocol, MIN(p.number) AS number FROM symbols s JOIN procedures p ON p.api = s.name WHERE s.kind = 'function' AND s.since_exact AND s.since_key > ? AND s.since_key <= ? GROUP BY s.name ORDER BY s.since_key, s.name",
        (version_key(daemon), version_key(client) if client else 1 << 62)).fetchall()
    return [{"api": r["name"], "since": query.exact_version(r["since"]), "protocol": r["protocol"], "procedure_number": r["number"]}
            for r in rows]
