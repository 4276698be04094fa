"""Merge the parsed inputs of many releases into the knowledge base tables.

For every symbol `since` comes from, in order: its `version` attribute (newest
release that has one), for a function hvsupport's Version column, otherwise
the first ingested release that contains it, stored as an upper bound
(`<= 7.0.0`). Each figure keeps the input file it came from. Wherever releases
or sources disagree, a row goes into `disagreements`; nothing is resolved
silently.
"""

from __future__ import annotations

from kbgen.checks.registry import Disagreements, check_rows
from kbgen.inputs.sources import InputFile
from kbgen.merge.aliases import with_enum_values
from kbgen.merge.arguments import argument_links
from kbgen.merge.bindings import binding_tables
from kbgen.merge.backends import complete_support, table_rows
from kbgen.merge.flagbits import driver_flag_rows
from kbgen.merge.messages import message_tables
from kbgen.merge.signatures import signature_tables
from kbgen.merge.trees import tree_tables
from kbgen.merge.typedparams import driver_param_rows, enum_check_rows, param_check_rows
from kbgen.merge.virsh import virsh_tables
from kbgen.merge.xmlpaths import xml_tables
from kbgen.parse.apixml import Symbol
from kbgen.parse.hvsupport import SupportMatrix
from kbgen.parse.release import ReleaseData
from kbgen.parse.tree import TreeFacts
from kbgen.versions import parse_version, version_key


def merge(releases: list[ReleaseData], trees: list[TreeFacts]) -> dict[str, list[dict]]:
    """The knowledge base as table name -> rows, ready for the writer; trees: the analysed source trees."""
    releases = sorted(releases, key=lambda r: parse_version(r.version))
    trees = sorted(trees, key=lambda t: version_key(t.release))
    return _Merger(releases, trees).tables()


def _origin(f: InputFile) -> str:
    return f"{f.release}:{f.origin}"


class _Merger:
    def __init__(self, releases: list[ReleaseData], trees: list[TreeFacts]):
        self.releases = releases
        self.trees = trees
        self.found = Disagreements()
        self.disagree = self.found.add

    def tables(self) -> dict[str, list[dict]]:
        history = self._symbol_history()
        matrix_rows = self._matrix_rows()
        symbols = with_enum_values([self._symbol_row(name, seen, matrix_rows.get(name)) for name, seen in history.items()])
        public = {row["name"] for row in symbols}
        tables = {
            "releases": self._release_rows(),
            "release_dates": self._release_dates(),
            "inputs": self._input_rows(),
            "symbols": symbols,
            "flag_links": self._flag_links(history),
            "argument_links": argument_links([seen[-1][1] for seen in history.values()], symbols),
            "driver_support": self._driver_rows(public),
            "matrix_apis": [self._matrix_api_row(api, seen) for api, seen in matrix_rows.items()],
            "disagreements": self.found.rows,
            "checks": check_rows(),
        }
        tables.update(self._tree_tables(tables))
        tables.update(virsh_tables(self.trees, {row["name"]: row for row in symbols}))
        tables.update(message_tables(self.trees))
        tables.update(xml_tables(self.releases, self.disagree))
        tables.update(binding_tables(self.releases))
        tables.update(signature_tables({name: (rel, sym, _origin(f)) for name, seen in history.items() for rel, sym, f in seen[-1:]}))
        return tables

    # --- source trees ----------------------------------------------------------------

    def _tree_tables(self, tables: dict[str, list[dict]]) -> dict[str, list[dict]]:
        if not self.trees:
            return {}
        symbols = {row["name"]: row for row in tables["symbols"]}
        drivers = {(row["api"], row["driver"]): row for row in tables["driver_support"]}
        internal = {row["api"] for row in tables["matrix_apis"] if not row["linked"]}
        matrices = {
            r.version: {(c.api, c.driver): (c.since, c.removed) for c in r.matrix[0].cells}
            for r in self.releases if r.matrix
        }
        facts = tree_tables(self.trees, symbols, drivers, internal, matrices, self.disagree)
        public = {name for name, row in symbols.items() if row["kind"] == "function"}
        facts["driver_tables"] = table_rows(self.trees, public)
        facts["param_checks"] = param_check_rows(self.trees)
        facts["driver_params"] = driver_param_rows(self.trees, symbols, drivers)
        facts["enum_checks"] = enum_check_rows(self.trees, tables["argument_links"], symbols)
        tables["driver_support"] += complete_support(facts["driver_tables"], drivers, self.disagree)
        support = {(row["api"], row["driver"]): row for row in tables["driver_support"]}
        facts["driver_flags"] = driver_flag_rows(self.trees, {n: row["int_value"] for n, row in symbols.items()}, support)
        return facts

    # --- releases and inputs ---------------------------------------------------

    def _release_rows(self) -> list[dict]:
        return [
            {
                "version": r.version,
                "version_key": version_key(r.version),
                "suite": r.suite,
                "symbols": sum(len(doc.symbols) for doc, _ in r.documents),
                "has_hvsupport": r.matrix is not None,
                "has_source": r.tree is not None,
            }
            for r in self.releases
        ]

    def _release_dates(self) -> list[dict]:
        """Every release any news.html lists, with its date (from the newest page that lists it)."""
        seen: dict[str, dict[str, tuple[str, InputFile]]] = {}
        for r in self.releases:
            for entry in (r.news[0] if r.news else []):
                seen.setdefault(entry.version, {})[r.version] = (entry.date, r.news[1])
        rows = []
        for version, pages in seen.items():
            dates = {page: date for page, (date, _) in pages.items()}
            if len(set(dates.values())) > 1:
                self.disagree(f"v{version}", "release-date-changed", f"v{version}: news.html gives different dates across releases", dates)
            date, f = pages[max(pages, key=version_key)]
            rows.append({"version": version, "version_key": version_key(version), "date": date, "origin": _origin(f)})
        return sorted(rows, key=lambda row: row["version_key"])

    def _input_rows(self) -> list[dict]:
        return [
            {"release": f.release, "name": f.name, "origin": f.origin, "sha256": f.sha256}
            for r in self.releases
            for f in r.inputs
        ]

    # --- symbols ---------------------------------------------------------------

    def _symbol_history(self) -> dict[str, list[tuple[str, Symbol, InputFile]]]:
        history: dict[str, list[tuple[str, Symbol, InputFile]]] = {}
        for r in self.releases:
            for doc, f in r.documents:
                for sym in doc.symbols:
                    history.setdefault(sym.name, []).append((r.version, sym, f))
        newest = next((r.version for r in reversed(self.releases) if r.documents), None)
        for name, seen in history.items():
            if seen[-1][0] != newest:
                self.disagree(name, "symbol-vanished", f"{name} is in {seen[-1][0]} but not in {newest}; libvirt never removes public symbols",
                              {"last_seen": seen[-1][0], "newest": newest})
        return dict(sorted(history.items()))

    def _symbol_row(self, name: str, seen, matrix_seen) -> dict:
        _, latest, _ = seen[-1]
        self._check_stable(name, seen, "kind")
        self._check_stable(name, seen, "module")
        since, exact, source, origin = self._since(name, latest, seen, matrix_seen)
        return {
            "name": name,
            "kind": latest.kind,
            "module": latest.module,
            "file": latest.file,
            "enum_type": latest.enum_type,
            "value": latest.value,
            "has_flags": latest.has_flags,
            "since": since,
            "since_key": version_key(since),
            "since_exact": exact,
            "since_source": source,
            "since_origin": origin,
            "first_release": seen[0][0],
            "last_release": seen[-1][0],
        }

    def _check_stable(self, name: str, seen, attr: str) -> None:
        values = {rel: getattr(sym, attr) for rel, sym, _ in seen}
        if len(set(values.values())) > 1:
            self.disagree(name, f"{attr}-changed", f"{name}: {attr} differs between releases", values)

    def _since(self, name: str, latest: Symbol, seen, matrix_seen) -> tuple[str, bool, str, str]:
        attrs = {rel: (sym.version, f) for rel, sym, f in seen if sym.version}
        matrix_version = _newest_matrix_version(matrix_seen) if latest.kind == "function" else None
        if len({v for v, _ in attrs.values()}) > 1:
            self.disagree(name, "version-changed", f"{name}: the version attribute differs between releases",
                          {rel: v for rel, (v, _) in attrs.items()})
        if attrs:
            version, f = attrs[max(attrs, key=parse_version)]
            if matrix_version and matrix_version[0] != version:
                self.disagree(name, "xml-vs-hvsupport",
                              f"{name}: API XML says {version}, hvsupport.html's Version column says {matrix_version[0]}",
                              {"xml": version, "hvsupport": matrix_version[0]})
            return version, True, "xml-version", _origin(f)
        if matrix_version:
            return matrix_version[0], True, "hvsupport", matrix_version[1]
        first_rel, _, first_file = seen[0]
        return first_rel, False, "first-seen", _origin(first_file)

    @staticmethod
    def _flag_links(history) -> list[dict]:
        latest = [seen[-1][1] for seen in history.values()]
        enum_types = {sym.enum_type for sym in latest if sym.enum_type}
        return [
            {"function": sym.name, "enum_type": ref}
            for sym in latest
            for ref in sym.flags_refs
            if ref in enum_types
        ]

    # --- hvsupport ---------------------------------------------------------------

    def _matrices(self):
        return [(r.version, r.matrix[0], r.matrix[1]) for r in self.releases if r.matrix]

    def _matrix_rows(self) -> dict[str, list]:
        rows: dict[str, list] = {}
        for rel, matrix, f in self._matrices():
            for row in matrix.rows:
                rows.setdefault(row.api, []).append((rel, row, f))
        return rows

    def _matrix_api_row(self, api: str, seen) -> dict:
        rel, row, f = seen[-1]
        return {
            "api": api,
            "driver_group": row.group,
            "version": row.version,
            "version_key": version_key(row.version) if row.version else None,
            "linked": row.linked,
            "origin": _origin(f),
        }

    def _unique_cells(self, release: str, matrix: SupportMatrix) -> list:
        """The page's cells, one per (API, driver): a repeated cell is reported, and its first reading kept."""
        first: dict[tuple[str, str], object] = {}
        for cell in matrix.cells:
            key = (cell.api, cell.driver)
            if key not in first:
                first[key] = cell
            elif (cell.since, cell.removed) != (first[key].since, first[key].removed):
                subject = f"{cell.api} / {cell.driver}"
                self.disagree(subject, "duplicate-cell", f"{subject}: hvsupport.html of {release} lists it twice, as "
                              f"{_cell_text(first[key])} and as {_cell_text(cell)}; the first is kept",
                              {"release": release, "kept": _cell_text(first[key]), "ignored": _cell_text(cell)})
        return list(first.values())

    def _driver_rows(self, public: set[str]) -> list[dict]:
        cells: dict[tuple[str, str], list] = {}
        for rel, matrix, f in self._matrices():
            for cell in self._unique_cells(rel, matrix):
                cells.setdefault((cell.api, cell.driver), []).append((rel, cell, f))
        newest_matrix = self._matrices()[-1][0] if self._matrices() else None
        rows = []
        for (api, driver), seen in sorted(cells.items()):
            self._check_driver_history(api, driver, seen, newest_matrix)
            rel, cell, f = seen[-1]
            rows.append({
                "api": api,
                "driver": driver,
                "driver_group": cell.group,
                "since": cell.since,
                "since_key": version_key(cell.since),
                "since_exact": True,
                "removed_in": cell.removed,
                "removed_key": version_key(cell.removed) if cell.removed else None,
                "public": api in public,
                "origin": _origin(f),
            })
        return rows

    def _check_driver_history(self, api: str, driver: str, seen, newest_matrix: str | None) -> None:
        subject = f"{api} / {driver}"
        sinces = {rel: cell.since for rel, cell, _ in seen}
        if len(set(sinces.values())) > 1:
            self.disagree(subject, "driver-since-changed", f"{subject}: hvsupport.html gives different versions across releases", sinces)
        if seen[-1][0] != newest_matrix:
            self.disagree(subject, "driver-vanished",
                          f"{subject}: listed in hvsupport.html of {seen[-1][0]} but not in {newest_matrix}, with no removal version",
                          {"last_seen": seen[-1][0], "newest": newest_matrix})


def _newest_matrix_version(matrix_seen) -> tuple[str, str] | None:
    for _, row, f in reversed(matrix_seen or []):
        if row.version:
            return row.version, _origin(f)
    return None


def _cell_text(cell) -> str:
    return f"{cell.since} - {cell.removed}" if cell.removed else cell.since
