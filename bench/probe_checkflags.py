"""How many driver implementations of flag-taking APIs have flags read from the source.

For every (flag-taking public API, non-remote driver) pair in a libvirt source
tree's driver tables, looks for the virCheckFlags mask of the implementing
function (kbgen.parse.checkflags) and prints the share of pairs with a
determined answer, the same per driver, the first unknowns with their reasons,
and the flags each driver accepts for virDomainUndefineFlags.

usage: python bench/probe_checkflags.py TREE_DIR API_XML_DIR
  TREE_DIR     an extracted libvirt source tree (has src/driver-hypervisor.h)
  API_XML_DIR  the directory holding libvirt-api.xml and its siblings
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from kbgen.parse.apixml import parse_api_xml
from kbgen.parse.checkflags import FlagCheck
from kbgen.parse.tree import analyse_tree

SHOWN_UNKNOWNS = 30
EXAMPLE_API = "virDomainUndefineFlags"


def flag_taking_apis(api_dir: Path) -> set[str]:
    return {
        symbol.name
        for path in sorted(api_dir.glob("*.xml"))
        for symbol in parse_api_xml(path).symbols
        if symbol.kind == "function" and symbol.has_flags
    }


def checks(tree: Path, api_dir: Path) -> dict[tuple[str, str], FlagCheck]:
    """The flag checks kbgen build would record for this tree."""
    return analyse_tree("probe", tree, str(tree), flag_taking_apis(api_dir)).checks


def report(results: dict[tuple[str, str], FlagCheck]) -> None:
    known = {pair for pair, result in results.items() if result.flags is not None}
    print(f"determined: {len(known)} / {len(results)} pairs ({100 * len(known) / len(results):.1f}%)")
    totals = Counter(driver for _api, driver in results)
    found = Counter(driver for _api, driver in known)
    for driver in sorted(totals):
        print(f"  {driver:10} {found[driver]:4} / {totals[driver]:4}  ({100 * found[driver] / totals[driver]:.0f}%)")
    unknown = sorted(pair for pair in results if pair not in known)
    print(f"\nfirst {min(SHOWN_UNKNOWNS, len(unknown))} of {len(unknown)} unknowns:")
    for api, driver in unknown[:SHOWN_UNKNOWNS]:
        result = results[(api, driver)]
        print(f"  {api} [{driver}] {result.function}: {result.reason}")
    print(f"\n{EXAMPLE_API}:")
    for (api, driver), result in sorted(results.items()):
        if api == EXAMPLE_API:
            shown = " | ".join(result.flags) if result.flags else ("(no flags)" if result.flags == () else f"unknown: {result.reason}")
            via = f" via {' -> '.join(result.via)}" if result.via else ""
            print(f"  {driver:10} {shown}{via}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("tree", type=Path, help="an extracted libvirt source tree")
    parser.add_argument("api_dir", type=Path, help="the directory with libvirt-api.xml and its siblings")
    args = parser.parse_args()
    report(checks(args.tree, args.api_dir))


if __name__ == "__main__":
    main()
