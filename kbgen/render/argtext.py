"""Terminal lines for arguments drivers check at run time: typed parameters, validated enum values, event IDs."""

from __future__ import annotations

import os

from kbgen.render.bounds import bound_text


def field(label: str, text: str) -> str:
    return f"  {label:<8} {text}"


def function_lines(answer: dict, width: int) -> list[str]:
    """A function's typed parameters per driver, and the values drivers accept for its validated enum arguments."""
    lines = []
    if answer.get("params_by_driver"):
        lines += _params_by_driver(answer["params_by_driver"], width)
    for argument in answer.get("validated_arguments", []):
        lines.append(field("checks", f"{argument['argument']} ({argument['enum_type']}): validated by the driver at run time"))
        for d in argument["drivers"]:
            values = " · ".join(d["accepted_values"]) if d["accepted_values"] else f"values not determined ({d['reason']})"
            lines.append(field("", f"{d['driver']:<8} {values}" + ("" if d["accepted_values"] is None else f" (as of {d['tree']})")))
    return lines


def _params_by_driver(drivers: list[dict], width: int) -> list[str]:
    names = [p["param"] for d in drivers for p in d["params"]]
    prefix = os.path.commonprefix(names) if len(names) > 1 else ""
    prefix = prefix[: prefix.rfind("_") + 1]
    lines = [field("params", "typed parameters by driver, from virTypedParamsValidate in the source trees"
                   + (f" ({prefix}*)" if prefix else ""))]
    pad = max(len(d["driver"]) for d in drivers) + 2
    for d in drivers:
        if not d["known"]:
            items = [f"unknown as of {d['tree']} ({d['reason']})"]
        else:
            items = [f"{p['param'].removeprefix(prefix)} {bound_text(p['since'])}" for p in d["params"]] or [f"none (as of {d['tree']})"]
        for i, line in enumerate(_pack(items, width - 11 - pad)):
            lines.append(field("", f"{d['driver'] if i == 0 else '':<{pad}}{line}"))
    return lines


def _pack(items: list[str], limit: int) -> list[str]:
    lines, current = [], ""
    for item in items:
        candidate = f"{current} · {item}" if current else item
        if current and len(candidate) > limit:
            lines.append(current + " ·")
            current = item
        else:
            current = candidate
    return lines + [current]


def macro_lines(answer: dict) -> list[str]:
    """A typed-parameter macro: the functions taking it and when each driver accepts it."""
    lines = []
    if answer.get("taken_by_params"):
        lines.append(field("taken by", ", ".join(f"{f['name']} ({bound_text(f['since'])})" for f in answer["taken_by_params"])
                           + " as a typed parameter"))
    for verdict in answer.get("param_acceptance", []):
        lines.append(field("accepted", _verdict(verdict)))
    return lines


def _verdict(verdict: dict) -> str:
    where = f"{verdict['driver']} {verdict['function']}"
    status = verdict["status"]
    if status == "accepted":
        since = verdict["since"]
        return f"{where}: " + (f"since {since['version']}" if since["exact"] else bound_text(since))
    if status == "rejected":
        return f"{where}: not accepted (as of {verdict['tree']})"
    if status == "past-sources":
        return f"{where}: unknown (newest analysed source: {verdict['tree']})"
    if status == "unknown":
        return f"{where}: unknown ({verdict['reason']})"
    return f"{where}: no typed-parameter check known (the driver may not implement it)"


def enum_lines(answer: dict) -> list[str]:
    """An enum constant taken as a non-flags argument: event IDs and values drivers validate."""
    lines = []
    for taker in answer.get("taken_as_argument", []):
        since = bound_text(taker["since"])
        if taker["role"] == "event-id":
            lines.append(field("event", f"registered with {taker['name']} ({since}), {taker['argument']} = {answer['value']}"))
        else:
            lines.append(field("argument", f"{taker['name']} ({since}) {taker['argument']}: validated by the driver at run time"))
    for verdict in answer.get("value_acceptance", []):
        lines.append(field("accepted", _value_verdict(verdict)))
    return lines


def _value_verdict(verdict: dict) -> str:
    where = f"{verdict['driver']} {verdict['function']}"
    return {
        "accepted": f"{where}: accepted (as of {verdict['tree']})",
        "rejected": f"{where}: not accepted (as of {verdict['tree']})",
        "past-sources": f"{where}: unknown (newest analysed source: {verdict['tree']})",
    }.get(verdict["status"], f"{where}: validated at run time, values not determined ({verdict['reason']})")
