"""`kb virsh` as terminal text."""

from __future__ import annotations

from kbgen.render.bounds import bound_text


def commands(answer: dict, s) -> list[str]:
    pad = max((len(c["name"]) for c in answer["commands"]), default=0) + 2
    return [f"{c['name']:<{pad}}" + (f"alias of {c['alias_of']}" if c["alias_of"] else f"{c['api_count']} APIs")
            for c in answer["commands"]]


def virsh(answer: dict, s) -> list[str]:
    typed = " ".join([answer["typed"]] + [f"--{o['option']}" + (f" {o['given']}" if o["given"] else "")
                                          for o in answer["options"]])
    head = f"virsh {typed}" + (f"  (alias of {answer['virsh_command']})" if answer["alias"] else "")
    lines = [s.bold(head) + f"  handler {answer['handler']}"]
    lines += _apis(answer)
    for symbol in answer["flag_options"] + answer["value_options"]:
        given = f"--{symbol['option']}" + (f" {symbol['given']}" if symbol["given"] else "")
        lines.append(f"  {'flag' if not symbol['given'] else 'value':<8} {given} -> {symbol['name']} {bound_text(symbol['since'])}")
    if not answer["options"]:  # the plain command: what its options would select
        lines += _choices(answer["choices"])
    for fallback in answer["fallbacks"]:
        lines.append(f"  fallback {fallback['api']} when the daemon lacks {fallback['instead_of']}")
    if answer["driver"]:
        works = bound_text(answer["works_from"]) if answer["works_from"] else "cannot tell"
        lines.append(f"  works    with a {answer['driver']} daemon from {works}")
    if answer["unknown_options"]:
        lines.append(f"  unknown  options {' '.join(answer['unknown_options'])}: not options of {answer['virsh_command']}")
    if answer["undetermined"]:
        lines.append(f"  unknown  {answer['undetermined']}")
    lines.append(f"  source   tools/ of {answer['tree']}:{answer['origin']}")
    return lines


def _choices(choices: list[dict]) -> list[str]:
    lines = []
    for index, choice in enumerate(choices):
        picks = " · ".join((f"{c['given']} -> " if c["given"] else "") + f"{c['name']} {bound_text(c['since'])}" for c in choice["constants"])
        lines.append(f"  {'options' if index == 0 else '':<8} --{choice['option']}: {picks}")
    return lines


def _apis(answer: dict) -> list[str]:
    pad = max((len(a["api"]) for a in answer["apis"]), default=0) + 2
    lines = []
    for index, api in enumerate(answer["apis"]):
        label = "apis" if index == 0 else ""
        text = f"{api['api']:<{pad}}{bound_text(api['since'])}"
        if answer["driver"]:
            text += f"  {answer['driver']} " + (bound_text(api["driver_since"]) if api["driver_since"] else
                                                 "no" if api["served"] else "(not this driver's: the library or another driver answers it)")
        if api["fallback_of"]:
            text += f"  (fallback of {api['fallback_of']})"
        lines.append(f"  {label:<8} {text}")
    return lines
