"""RPC procedures: the API each one carries and the release that added it, from all the evidence.

Which API: what the remote driver's implementation really calls (its `call(...,
REMOTE_PROC_X, ...)`), else the procedure's name (gendispatch's rule).

When: three kinds of evidence, combined.
- The API's own version is a lower bound: no procedure carries an API before it exists.
- The remote driver's version of that API (hvsupport.html) is an upper bound: the
  driver calls the procedure from then on; so is the first ingested tree holding it.
- Procedure numbers are only ever appended, so a procedure is no older than any
  lower-numbered one of its protocol and no newer than any higher-numbered one.
Claims that cannot all hold (an API version above a remote driver's version at or
after it) are resolved by setting aside the fewest claims, each reported
(procedure-order): a remote driver's comment with a typo (282: 0.10.0 for an API
of 0.10.2) or an API renamed after its procedure existed (10: virDomainCreateXML,
0.5.0, was virDomainCreateLinux, and procedures 11-59 date from 0.3.0). Then a
procedure's lower bound is the greatest lower bound at or below its number, its
upper bound the least at or above it; when they meet, the version is exact. For
the admin protocol the API is reachable through its procedure only, so an API
older than that lower bound is reported too.
"""

from __future__ import annotations

from typing import Callable

from kbgen.parse.protocol import PROTOCOL_FILES, procedure_api, procedure_label
from kbgen.parse.tree import TreeFacts
from kbgen.versions import key_version, version_key

Disagree = Callable[[str, str, str, dict], None]
_RPC_ONLY = {"admin"}


def procedure_rows(trees: list[TreeFacts], symbols: dict, drivers: dict, functions: set[str], internal: set[str],
                   disagree: Disagree) -> list[dict]:
    history = _history(trees, disagree)
    called = {proc: api for tree in trees for proc, apis in tree.calls.items() for api in apis if api in functions}
    rows = []
    for _, seen in sorted(history.items()):
        first, (last, proc) = seen[0][0], seen[-1]
        api = called.get(proc.name) or procedure_api(proc, functions)
        rows.append(_row(proc, api, procedure_label(proc, api, internal), first, last, symbols.get(api), drivers.get((api, "remote"))))
    for protocol in sorted({row["protocol"] for row in rows}):
        _date_by_order([row for row in rows if row["protocol"] == protocol], disagree)
    for row in rows:
        row.pop("_evidence")
    return rows


def _history(trees, disagree) -> dict[tuple[str, int], list]:
    seen: dict[tuple[str, int], list] = {}
    for tree in trees:
        for proc in tree.procedures:
            seen.setdefault((proc.protocol, proc.number), []).append((tree, proc))
    for (protocol, number), history in seen.items():
        names = {tree.release: proc.name for tree, proc in history}
        if len(set(names.values())) > 1:
            disagree(f"{protocol} procedure {number}", "procedure-renamed", f"{protocol} procedure {number} has different names across releases", names)
    return seen


def _row(proc, api, label, first: TreeFacts, last: TreeFacts, symbol: dict | None, remote: dict | None) -> dict:
    evidence = {
        "api": version_key(symbol["since"]) if symbol and symbol["since_exact"] else None,
        "remote": version_key(remote["since"]) if remote else None,
        "first_tree": version_key(first.release),
    }
    return {
        "protocol": proc.protocol, "number": proc.number, "name": proc.name, "api": api, "label": label,
        "first_tree": first.release, "origin": f"{last.release}:{last.origin}:{PROTOCOL_FILES[proc.protocol]}",
        "_evidence": evidence,
    }


def _date_by_order(rows: list[dict], disagree: Disagree) -> None:
    """rows: one protocol's procedures, by number. Sets lower, since (the upper bound) and since_exact."""
    lower_claims, upper_claims = _claims(rows)
    for claim in _refuted(lower_claims, upper_claims):
        _report_refuted(rows, claim, lower_claims, upper_claims, disagree)
        (lower_claims if claim[0] == "api" else upper_claims).remove(claim)
    lower_claims += _remote_as_lower(upper_claims)
    lower, lower_from = _running(rows, lower_claims, max, ascending=True)
    upper, _ = _running(rows, upper_claims, min, ascending=False)
    for i, row in enumerate(rows):
        low = lower[i] if lower[i] and lower[i] <= upper[i] else None
        exact = low == upper[i]
        if row["protocol"] in _RPC_ONLY and row["_evidence"]["api"] is not None and low and row["_evidence"]["api"] < low:
            _report_api_too_old(row, low, rows[lower_from[i]], disagree)
        row.update({
            "lower": key_version(low) if low else None,
            "since": key_version(upper[i]), "since_key": upper[i], "since_exact": exact,
            "since_source": _source(row, upper[i], exact),
        })


# A claim: (kind, index of the procedure, version key). The API's version bounds from below, the remote
# driver's and the first tree's from above; the first tree holds the procedure, so its claim is never set aside.
Claim = tuple[str, int, int]


def _claims(rows: list[dict]) -> tuple[list[Claim], list[Claim]]:
    lower = [("api", i, row["_evidence"]["api"]) for i, row in enumerate(rows) if row["_evidence"]["api"] is not None]
    upper = [("remote", i, row["_evidence"]["remote"]) for i, row in enumerate(rows) if row["_evidence"]["remote"] is not None]
    upper += [("first_tree", i, row["_evidence"]["first_tree"]) for i, row in enumerate(rows)]
    return lower, upper


def _conflicts(lower: list[Claim], upper: list[Claim]) -> list[tuple[Claim, Claim]]:
    """Pairs that cannot both hold: a procedure no older than v1 at or below a procedure no newer than v2 < v1."""
    return [(lo, up) for lo in lower for up in upper if up[1] >= lo[1] and up[2] < lo[2]]


def _refuted(lower: list[Claim], upper: list[Claim]) -> list[Claim]:
    """The fewest claims to set aside (greedily: the one in most conflicts, a remote driver's before an API's)."""
    lower, upper, refuted = list(lower), list(upper), []
    while conflicts := _conflicts(lower, upper):
        counts: dict[Claim, int] = {}
        for pair in conflicts:
            for claim in pair:
                if claim[0] != "first_tree":
                    counts[claim] = counts.get(claim, 0) + 1
        worst = max(counts, key=lambda c: (counts[c], c[0] == "remote", -c[1]))
        (lower if worst[0] == "api" else upper).remove(worst)
        refuted.append(worst)
    return refuted


def _remote_as_lower(upper: list[Claim]) -> list[Claim]:
    """The remote driver's versions that no upper bound contradicts, as lower bounds too.

    The remote driver calls a procedure from the release it implemented the API in, and
    a procedure is normally added with that call; where an upper bound at or after it is
    older, the version is only an upper bound (the interface APIs: 0.6.4, remote 0.7.2).
    """
    remote = [claim for claim in upper if claim[0] == "remote"]
    return [claim for claim in remote if not any(up[1] >= claim[1] and up[2] < claim[2] for up in upper)]


def _running(rows: list[dict], claims: list[Claim], pick, ascending: bool) -> tuple[list[int], list[int | None]]:
    """For each procedure, the best bound among the claims at or below (lower) or at or above (upper) it."""
    by_index: dict[int, list[int]] = {}
    for _, i, value in claims:
        by_index.setdefault(i, []).append(value)
    best, best_from = None, None
    values, sources = [0] * len(rows), [None] * len(rows)
    order = range(len(rows)) if ascending else range(len(rows) - 1, -1, -1)
    for i in order:
        for value in by_index.get(i, []):
            if best is None or pick(value, best) == value and value != best:
                best, best_from = value, i
        values[i], sources[i] = (best or 0), best_from
    return values, sources


def _source(row: dict, version: int, exact: bool) -> str:
    """What fixed the version (or its upper bound): the procedure's own API or remote driver, its first tree, or a neighbour."""
    evidence = row["_evidence"]
    if exact and evidence["api"] == version:
        return "api"
    if evidence["remote"] == version:
        return "remote-driver"
    return "first-seen" if not exact and evidence["first_tree"] == version else "order"


def _label(row: dict) -> str:
    return f"{row['protocol']} procedure {row['number']} ({row['api'] or row['name']})"


def _report_refuted(rows: list[dict], claim: Claim, lower: list[Claim], upper: list[Claim], disagree: Disagree) -> None:
    kind, i, value = claim
    row = rows[i]
    against = [other for pair in _conflicts(lower, upper) if claim in pair for other in pair if other != claim]
    what = "its API's version" if kind == "api" else "the remote driver's version"
    evidence = "; ".join(f"{_claim_text(rows, other)}" for other in against[:3]) + (f"; {len(against) - 3} more" if len(against) > 3 else "")
    disagree(_label(row), "procedure-order",
             f"{_label(row)}: {what} {key_version(value)} contradicts {evidence} (procedure numbers are only appended); set aside",
             {kind: key_version(value), "contradicted_by": [{"procedure": rows[o[1]]["number"], o[0]: key_version(o[2])} for o in against]})


def _claim_text(rows: list[dict], claim: Claim) -> str:
    kind, i, value = claim
    what = {"api": "its API", "remote": "the remote driver", "first_tree": "the first tree holding it"}[kind]
    return f"procedure {rows[i]['number']}: {what}, {key_version(value)}"


def _report_api_too_old(row: dict, lower: int, lower_from: dict, disagree: Disagree) -> None:
    api = key_version(row["_evidence"]["api"])
    disagree(_label(row), "procedure-order",
             f"{_label(row)}: its API's version {api} is older than the API of lower-numbered {_label(lower_from)}, "
             f"{key_version(lower)}; its API is reachable only through the procedure, so it cannot be older",
             {"api": api, "lower_bound": key_version(lower), "from": lower_from["name"]})
