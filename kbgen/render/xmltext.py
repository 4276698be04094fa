"""Plain-text rendering of XML path answers (`kb since PATH`, the paths of `kb search`, `kb check --xml`)."""

from __future__ import annotations

from kbgen.render.bounds import bound_text, date_suffix, dated_text

METHODS = {
    "value-list": "its value list", "dt-term": "a definition term", "table-row": "a table row",
    "dd-term": "a definition's text", "sentence-literal": "a sentence naming it",
    "previous-sentence-literal": "the sentence before, naming it",
    "value-list+example": "its value list, placed by the section's XML example",
    "dd-term+example": "a definition's text, placed by the section's XML example",
    "sentence-literal+example": "a sentence naming it, placed by the section's XML example",
    "previous-sentence-literal+example": "the sentence before, naming it, placed by the section's XML example",
}
VERDICTS = {False: "fails", None: "unknown"}
SHOWN = 3  # findings with the same reason listed one by one; more are summed up


def _field(label: str, text: str) -> str:
    return f"  {label:<8} {text}"


def since(answer: dict, s) -> list[str]:
    added = f"added in {dated_text(answer['since'])}" if answer["since"]["exact"] else f"added {bound_text(answer['since'])}"
    lines = [f"{s.bold(answer['path'])}  {answer['kind']} ({answer['format']})  {s.version(added)}"]
    lines += _docs(answer)
    lines += [_field("for", ", ".join(hypervisor_text(h) for h in answer["hypervisors"]))] if answer["hypervisors"] else []
    lines.append(_field("schema", f"{schema_words(answer['schema_since'])}; in every one up to {answer['last_release']}"))
    if answer["dropped"]:
        lines.append(_field("dropped", f"in the {answer['dropped']['after']} schema, not in {answer['dropped']['upper']}'s"))
    lines += [_field("CONFLICT", s.removed(d["detail"])) for d in answer["disagreements"]]
    return lines + [_field("source" if i == 0 else "", s.dim(origin)) for i, origin in enumerate(answer["sources"])]


def _docs(answer: dict) -> list[str]:
    return [_field("docs", docs_words(answer))]


def docs_words(answer: dict) -> str:
    """What the format pages' Since notes say of the path, and how the note was attached (also the site's XML pages)."""
    documented, ancestor = answer["documented"], answer["ancestor"]
    if documented:
        agrees = "" if documented["agrees"] else "; the schemas disagree, so the schema bound stands"
        return (f"since {documented['since']['version']}{date_suffix(documented['since'])}, attached from "
                f"{METHODS.get(documented['method'], documented['method'])}{agrees}")
    if ancestor:
        note = ancestor["documented"]
        return (f"no note of its own; its ancestor {ancestor['path']} is documented since "
                f"{note['since']['version']}{date_suffix(note['since'])} (from {METHODS.get(note['method'], note['method'])})")
    return "no Since note attached to it or to anything enclosing it"


def schema_words(schema: dict) -> str:
    """'accepted by the 7.0.0 schema, the oldest ingested' or 'not in the 7.0.0 schema; in 9.0.0's'."""
    if schema["after"]:
        return f"not in the {schema['after']} schema; in {schema['upper']}'s"
    return f"accepted by the {schema['upper']} schema, the oldest ingested"


def hypervisor_text(hypervisor: dict) -> str:
    return hypervisor["driver"] + (f" (hypervisor {hypervisor['hypervisor_version']} or later)" if hypervisor["hypervisor_version"] else "")


def search_paths(answer: dict, s) -> list[str]:
    if not answer["paths"]:
        return []
    pad = max(len(p["path"]) for p in answer["paths"]) + 2
    lines = [s.bold("XML paths")] + [f"{p['path']:<{pad}}{p['kind']:<10}{s.version(bound_text(p['since']))}" for p in answer["paths"]]
    if answer["paths_total"] > len(answer["paths"]):
        lines.append(s.dim(f"... {answer['paths_total'] - len(answer['paths'])} more paths; use --limit"))
    return lines


def check(answer: dict, s) -> list[str]:
    where = f"libvirt {answer['server']}{date_suffix(answer['server_release'])}" + (f", driver {answer['driver']}" if answer["driver"] else "")
    verdict = {True: s.version("works"), False: s.removed("fails"), None: "cannot tell"}[answer["works"]]
    lines = [f"{s.bold(answer['name'])} ({answer['format']}) against {where}: {verdict}", _field("why", answer["reason"])]
    for reason, found in _by_reason(answer["findings"]).items():
        word = s.removed("fails") if found[0]["works"] is False else VERDICTS[found[0]["works"]]
        if len(found) > SHOWN:
            paths = ", ".join(f["path"] for f in found[:SHOWN])
            lines += [_field(word, f"{len(found)} paths: {paths}, ... (--json lists them)"), _field("", reason)]
        else:
            lines += [line for f in found for line in (_field(word, f"{f['path']}  at {f['where']}"), _field("", reason))]
    if answer["unlisted_values"]:
        lines.append(_field("unjudged", f"{len(answer['unlisted_values'])} value(s) the schemas do not list (they may take free text there): "
                                        + ", ".join(answer["unlisted_values"])))
    return lines


def _by_reason(findings: list[dict]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for finding in findings:
        grouped.setdefault(finding["reason"], []).append(finding)
    return grouped
