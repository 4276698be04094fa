"""Render the knowledge base as a static, searchable site.

Pages come from the jinja2 templates in templates/ (package `kbgen.templates`
when installed); assets/ is copied as is. The search box and explain.html run
in the browser on data written next to the pages (search-index.json and
explain-data.json, each with a .js twin for file://). Every link is relative,
so the site works from file:// and from any static host. The site is rendered
into a new directory next to the output and swapped in only when complete.
"""

from __future__ import annotations

import hashlib
import ctypes
import errno
import json
import os
import re
import shutil
import sqlite3
import string
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from itertools import groupby
from pathlib import Path
from urllib.parse import quote, urlsplit

import jinja2
from markupsafe import Markup, escape

from kbgen.answers import flagbits, query
from kbgen.answers.diagnose import explain_rules
from kbgen.answers.known_releases import KnownReleases
from kbgen.errors import KbgenError
from kbgen.lock import exclusive
from kbgen.paths import committed_dir
from kbgen.render.bounds import bound_text, since_text
from kbgen.render.site_arguments import argument_facts
from kbgen.render.site_bindings import binding_facts, binding_search
from kbgen.render.site_daemon import daemon_data, daemon_facts
from kbgen.render.site_compare import compare_data
from kbgen.render.site_explain import message_facts
from kbgen.render.site_xml import XmlFacts, search_rows, xml_facts, xml_pages
from kbgen.render.site_signatures import declaration, signature_facts
from kbgen.render.site_virsh import page_commands, virsh_facts, virsh_pages, virsh_users
from kbgen.store.reader import open_database
from kbgen.versions import version_key

SITE_MARKER = ".kbgen-site"
SLUG_SAFE = frozenset(string.ascii_letters + string.digits + "_.")
RESERVED_STEMS = frozenset({"index", "con", "prn", "aux", "nul", *(f"{port}{n}" for port in ("com", "lpt") for n in range(1, 10))})
LONGEST_STEM = 120
HASH_CHARS = 12
PLAIN_STEM = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
REFERENCE_URL = "https://libvirt.org/html/libvirt-{file}.html#{name}"
SECTION_TITLES = {
    "function": "Functions",
    "enum": "Enum constants and flags",
    "macro": "Macros",
    "other": "Types and other symbols",
}


@dataclass
class SiteReport:
    out: Path
    pages: int
    bytes_total: int
    seconds: float


def render_site(db_path: Path, out_dir: Path, *, base_url: str = "") -> SiteReport:
    """Render the knowledge base at DB_PATH into OUT_DIR, replacing the site there.

    base_url prefixes the URLs in sitemap.xml (relative when empty); its path is
    the root of 404.html's links. A failure, or a kill at any moment, leaves the
    previous site untouched; a failure raises KbgenError, and so does a second
    render into the same directory while one runs.
    """
    started = time.perf_counter()
    out_dir = Path(os.path.abspath(out_dir))
    with _render_lock(out_dir):
        _remove_leftovers(out_dir)
        _check_replaceable(out_dir)
        staging = _staging_dir(out_dir)
        try:
            pages = _render_into(staging, _load_catalog(Path(db_path)), base_url)
        except BaseException as err:
            shutil.rmtree(staging, ignore_errors=True)
            if isinstance(err, KbgenError) or not isinstance(err, Exception):
                raise
            raise KbgenError(f"{out_dir}: site not rendered ({type(err).__name__}: {err}); the previous site is unchanged") from err
        _swap_in(staging, out_dir)
    return SiteReport(out_dir, pages, _size_of(out_dir), round(time.perf_counter() - started, 3))


def slug(name: str) -> str:
    """The file name of NAME's page: safe characters kept, every other byte written -XX."""
    return "".join(ch if ch in SLUG_SAFE else "".join(f"-{b:02x}" for b in ch.encode()) for ch in name)


def page_names(names) -> dict[str, str]:
    """The file names (without .html) of NAMES' pages in one directory.

    A name's slug, unless another name's slug differs from it only in case, it is reserved
    (index, a Windows device name) or longer than LONGEST_STEM bytes: then the slug, shortened,
    then "--" and a hash of the name. A slug never holds "--", so the names are distinct even
    on a file system that ignores case, and each fits in any file system's limit.
    """
    slugs = {name: slug(name) for name in names}
    folded = Counter(s.lower() for s in slugs.values())
    return {name: s if folded[s.lower()] == 1 and s.lower() not in RESERVED_STEMS and 0 < len(s) <= LONGEST_STEM else _hashed(name, s)
            for name, s in slugs.items()}


def _hashed(name: str, stem: str) -> str:
    digest = hashlib.sha256(name.encode()).hexdigest()[:HASH_CHARS]
    return f"{stem[:LONGEST_STEM - HASH_CHARS - 2]}--{digest}"


def plain_names(names) -> dict[str, str]:
    """The file names of lower-case, hyphenated NAMES' pages (virsh commands: net-list.html): the name itself, or
    (another character, reserved, too long) its slug and hash, which holds "--" as a plain name never does."""
    return {name: name if PLAIN_STEM.fullmatch(name) and name not in RESERVED_STEMS and len(name) <= LONGEST_STEM
            else _hashed(name, slug(name)) for name in names}


def breakable(name: str) -> Markup:
    """NAME escaped, with a line-break opportunity after each underscore (long flag names in narrow cells)."""
    return escape(name).replace("_", Markup("_<wbr>"))


def templates_dir() -> Path:
    return committed_dir("templates")


# --- the data the pages show -----------------------------------------------------


def _load_catalog(db_path: Path) -> Catalog:
    conn = open_database(db_path)
    try:
        return Catalog.load(conn)
    finally:
        conn.close()


@dataclass
class Catalog:
    """The whole knowledge base in memory, indexed the ways the pages look things up."""

    meta: dict[str, str]
    releases: list[dict]
    symbols: list[dict]
    constants: dict[str, list[dict]]
    takers: dict[str, list[str]]
    flag_types: dict[str, list[str]]
    support: list[dict]
    support_of: dict[str, dict[str, dict]]
    matrix: dict[str, dict]
    group_drivers: dict[str, list[str]]
    disagreements: dict[str, list[dict]]
    procedures: list[dict]
    implementations: list[dict]
    flag_checks: dict[str, list[dict]]
    newest_source: str | None
    sections: dict[str, list[str]]
    xml_paths: XmlFacts
    arguments: dict[str, dict]
    dated: KnownReleases
    messages: dict
    virsh: dict
    bindings: dict
    signatures: dict[str, dict]
    descriptions: dict[str, dict]

    @classmethod
    def load(cls, conn: sqlite3.Connection) -> Catalog:
        symbols = [_with_version(dict(r)) for r in conn.execute("SELECT * FROM symbols ORDER BY name")]
        backends = _grouped(((r["api"], r["driver"]), dict(r)) for r in conn.execute(
            "SELECT api, driver, backend, since FROM driver_tables WHERE backend != '' ORDER BY api, driver, backend"))
        support = [dict(r, since_version=query.support_version(r), backends=backends.get((r["api"], r["driver"]), []))
                   for r in conn.execute("SELECT * FROM driver_support ORDER BY api, driver")]
        flag_links = conn.execute("SELECT function, enum_type FROM flag_links ORDER BY function, enum_type").fetchall()
        return cls(
            meta=query.meta(conn),
            releases=query.releases(conn),
            symbols=symbols,
            constants=_constants_by_type(symbols),
            takers=_grouped((t, f) for f, t in flag_links),
            flag_types=_grouped((f, t) for f, t in flag_links),
            support=support,
            support_of={api: {r["driver"]: r for r in rows} for api, rows in groupby(support, key=lambda r: r["api"])},
            matrix={r["api"]: dict(r) for r in conn.execute("SELECT * FROM matrix_apis ORDER BY driver_group, api")},
            group_drivers=_grouped(conn.execute("SELECT DISTINCT driver_group, driver FROM driver_support ORDER BY 1, 2")),
            disagreements=_grouped(
                (r["subject"].split(" / ")[0], dict(r))
                for r in conn.execute("SELECT * FROM disagreements ORDER BY subject, rowid")
            ),
            **_source_facts(conn),
            arguments=argument_facts(conn),
            dated=KnownReleases.load(conn),
            messages=message_facts(conn),
            virsh=virsh_facts(conn),
            bindings=binding_facts(conn),
            **signature_facts(conn),
        )

    def support_table(self, api: str) -> dict | None:
        entry = self.matrix.get(api)
        if entry is None:
            return None
        by_driver = self.support_of.get(api, {})
        rows = [(d, by_driver.get(d)) for d in self.group_drivers.get(entry["driver_group"], [])]
        return dict(entry, rows=rows, implemented=sum(1 for _, r in rows if r and not r["removed_in"]))

    @cached_property
    def page_stems(self) -> dict[str, dict[str, str]]:
        """Directory (symbol, driver, matrix, release, virsh) -> name -> the file name of its page there, without .html."""
        names = {
            "symbol": [s["name"] for s in self.symbols],
            "driver": sorted({r["driver"] for r in self.support}),
            "matrix": sorted({m["driver_group"] for m in self.matrix.values()} | set(self.group_drivers)),
            "release": [r["version"] for r in self.release_list],
        }
        return {directory: page_names(members) for directory, members in names.items()} | {"virsh": plain_names(page_commands(self.virsh))}

    @cached_property
    def release_list(self) -> list[dict]:
        """Every known release, oldest first: each dated one of news.html and each ingested one, with its date and whether it was ingested."""
        ingested = {r["version"]: r for r in self.releases}
        versions = sorted(set(self.dated.dates) | set(ingested), key=version_key)
        return [{"version": v, "version_key": version_key(v), "date": self.dated.date(v), "ingested": v in ingested,
                 "suite": ingested.get(v, {}).get("suite"), "symbols": ingested.get(v, {}).get("symbols")} for v in versions]

    def page(self, name: str, directory: str) -> str:
        """The path of NAME's page in DIRECTORY, from the top of the site."""
        return f"{directory}/{self.page_stems[directory][name]}.html"

    @cached_property
    def by_name(self) -> dict[str, dict]:
        return {s["name"]: s for s in self.symbols}

    @cached_property
    def virsh_users(self) -> dict[str, list[dict]]:
        return virsh_users(self.virsh)

    @cached_property
    def procedures_of(self) -> dict[str, list[dict]]:
        return _grouped((p["api"], p) for p in self.procedures if p["api"])

    def flag_rows(self, api: str) -> list[dict]:
        """One row per flag bit API takes (its flag types' constants, then bits only a driver's mask names), with the
        names of the bit and each driver's acceptance of it."""
        accepted: dict[int, dict[str, dict]] = {}
        for column in self.flag_checks.get(api, []):
            for bit in column["bits"]:
                accepted.setdefault(bit["bit"], {})[column["driver"]] = bit
        own = self._own_bits(api)
        rows = []
        for value in sorted(set(own) | set(accepted)):
            names = own.get(value, []) + [n for b in accepted.get(value, {}).values() for n in b["names"]]
            rows.append({"bit": value, "names": list(dict.fromkeys(names)), "own": own.get(value, []), "accepted": accepted.get(value, {})})
        return rows

    def _own_bits(self, api: str) -> dict[int, list[str]]:
        constants = sorted((c for t in self.flag_types.get(api, []) for c in self.constants.get(t, [])), key=lambda c: (c["since_key"], c["name"]))
        found: dict[int, list[str]] = {}
        for c in constants:
            if c["int_value"] and c["int_value"] > 0 and c["int_value"] & (c["int_value"] - 1) == 0:
                found.setdefault(c["int_value"], []).append(c["name"])
        return found

    def zero_flags(self, api: str) -> list[str]:
        return [c["name"] for t in self.flag_types.get(api, []) for c in self.constants.get(t, []) if c["int_value"] == 0]

    def flag_matrix(self, api: str) -> dict | None:
        """Flags by driver: one row per flag bit, one column per driver whose newest analysed mask is on record."""
        columns = self.flag_checks.get(api)
        if not columns:
            return None
        return {
            "columns": columns,
            "rows": [dict(r, cells=[self._flag_cell(c, r) for c in columns]) for r in self.flag_rows(api)],
            "zero": self.zero_flags(api),
            "unknown": [c for c in columns if not c["known"]],
            "trees": sorted({c["tree"] for c in columns}, key=version_key),
        }

    def _flag_cell(self, column: dict, row: dict) -> dict:
        cell = {"driver": column["driver"], "reason": column["reason"], "tree": column["tree"], "bit": row["bit"]}
        if column["driver"] in row["accepted"]:
            return cell | {"status": "ok", "since": row["accepted"][column["driver"]]["since"]}
        if not column["known"]:
            return cell | {"status": "unknown"}
        return cell | {"status": "past" if self.past_sources(row["own"], column["tree"]) else "no"}

    def past_sources(self, names: list[str], tree: str) -> bool:
        """Whether every one of NAMES may have arrived after TREE, the newest analysed source: nothing is known of them."""
        return bool(names) and all(self.by_name[n]["since_key"] > version_key(tree) for n in names)

    def accepted_by(self, flag: str) -> list[tuple[str, str, dict]]:
        """(driver, API, since) for every driver mask accepting FLAG's bit, in each function taking it."""
        sym = self.by_name[flag]
        return [(column["driver"], api, bit["since"]) for api in self.takers.get(sym["enum_type"], [])
                for column in self.flag_checks.get(api, []) for bit in column["bits"] if bit["bit"] == sym["int_value"]]

    def flag_masks(self, driver: str, rows: list[dict]) -> dict | None:
        """Of the flag-taking APIs DRIVER implements, how many have a known mask (None: no mask on record)."""
        known = {api: c["known"] for api, columns in self.flag_checks.items() for c in columns if c["driver"] == driver}
        if not known:
            return None
        taking = [r["api"] for r in rows if not r["removed_in"] and self.by_name.get(r["api"], {}).get("has_flags")]
        return {"known": sum(1 for api in taking if known.get(api)), "apis": len(taking)}


def _source_facts(conn: sqlite3.Connection) -> dict:
    """What the source trees add: RPC procedures, driver implementations, flag masks, symbol-file sections."""
    flag_apis = [r[0] for r in conn.execute("SELECT DISTINCT api FROM flag_checks ORDER BY api")]
    return {
        "procedures": [dict(r, since_version=query.procedure_version(r)) for r in conn.execute("SELECT * FROM procedures ORDER BY protocol, number")],
        "implementations": [dict(r) for r in conn.execute(
            "SELECT function, driver, api FROM implementations UNION SELECT performer, driver, api FROM flag_checks ORDER BY 1, 3")],
        "flag_checks": {api: flagbits.flags_by_driver(conn, api) for api in flag_apis},
        "newest_source": flagbits.newest_source(conn),
        "sections": _grouped(conn.execute("SELECT section, symbol FROM symbol_sections ORDER BY section, symbol")),
        **_search_facts(conn),
    }


def _search_facts(conn: sqlite3.Connection) -> dict:
    """What only the search box shows: XML paths and their documentation pages."""
    pages = {}
    for fmt, origin in conn.execute("SELECT format, doc_origin FROM xml_paths WHERE doc_origin IS NOT NULL ORDER BY format, doc_origin"):
        match = re.search(r"html/(format\w*\.html)", origin)
        if match:
            pages.setdefault(fmt, Counter())[match.group(1)] += 1
    return {"xml_paths": xml_facts(conn, {fmt: f"https://libvirt.org/{max(sorted(c), key=c.__getitem__)}" for fmt, c in pages.items()})}




def _with_version(row: dict) -> dict:
    row["since_exact"] = bool(row["since_exact"])
    row["since_version"] = query.since_version(row["since"], row["since_exact"])
    return row


def _constants_by_type(symbols: list[dict]) -> dict[str, list[dict]]:
    constants = sorted((s for s in symbols if s["kind"] == "enum" and s["enum_type"]), key=_constant_order)
    return _grouped((s["enum_type"], s) for s in constants)


def _constant_order(constant: dict) -> tuple:
    """By type, then numerically by value (values that are no number last), then by name."""
    value = constant["int_value"]
    return (constant["enum_type"], value is None, value or 0, constant["name"])


def _grouped(pairs) -> dict:
    grouped: dict = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return grouped


# --- pages -------------------------------------------------------------------------


class SiteWriter:
    """Writes the files of one site; every page gets `root`, the relative way back to the top."""

    def __init__(self, out: Path, catalog: Catalog):
        self.out = out
        self.catalog = catalog
        self.env = _environment(catalog)
        self.listed: list[str] = []
        self.pages = 0

    def page(self, path: str, template: str, *, listed: bool = True, **context) -> None:
        html = self.env.get_template(template).render({"root": "../" * path.count("/"), "path": path} | context)
        self.write(path, html)
        self.pages += 1
        if listed:
            self.listed.append(path)

    def write(self, path: str, text: str) -> None:
        target = self.out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", newline="\n")


def _environment(catalog: Catalog) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["slug"] = slug
    env.filters["page"] = catalog.page
    env.filters["breakable"] = breakable
    env.filters["bound"] = lambda version: bound_text(catalog.dated.dated(dict(version)) if version else version)
    env.filters["date"] = catalog.dated.date
    env.filters["earliest_since"] = lambda names: min((catalog.by_name[n] for n in names), key=lambda s: s["since_key"])["since"]
    env.globals["inline_asset"] = _inline_asset
    env.globals.update(
        meta=catalog.meta,
        release_versions=[r["version"] for r in catalog.releases],
        known=frozenset(s["name"] for s in catalog.symbols),
        driver_pages=frozenset(r["driver"] for r in catalog.support),
        groups=sorted(catalog.group_drivers),
        newest_tree=catalog.newest_source,
    )
    return env


def _render_into(out: Path, catalog: Catalog, base_url: str) -> int:
    site = SiteWriter(out, catalog)
    windows = _release_windows(catalog)
    site.page("index.html", "index.html", counts=_kind_counts(catalog.symbols), windows=[w for w in windows if w["release"]["ingested"]])
    _symbol_pages(site)
    _matrix_pages(site)
    _driver_pages(site)
    _release_pages(site, windows)
    virsh_pages(site)
    xml_pages(site)
    site.page("explain.html", "explain.html")
    site.page("404.html", "404.html", listed=False, root=_origin_relative_root(base_url))
    _write_search_index(site)
    _write_explain_data(site)
    _write_daemon_data(site)
    _copy_assets(out)
    site.write("sitemap.xml", site.env.get_template("sitemap.xml").render(pages=site.listed, base_url=base_url))
    site.write(SITE_MARKER, "Generated by `kbgen site`: this directory is replaced on every render.\n")
    return site.pages


def _origin_relative_root(base_url: str) -> str:
    """The path of BASE_URL ("/", "/kb/"), for pages served at any address; "" (relative) without one.

    Never "//host" or a backslash, which a browser would take for another origin.
    """
    if not base_url:
        return ""
    path = quote(urlsplit(base_url).path, safe="/%").strip("/")
    return f"/{path}/" if path else "/"


def _inline_asset(name: str) -> Markup:
    """An asset's text for a <style> or <script> element of its own (404.html loads no file: its address may be anything)."""
    text = (templates_dir() / "assets" / name).read_text(encoding="utf-8")
    if "</" in text:
        raise KbgenError(f"assets/{name}: contains '</', which would end the element it is inlined in")
    return Markup(text)


def _kind_counts(symbols: list[dict]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for s in symbols:
        counts[s["kind"]] = counts.get(s["kind"], 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _symbol_pages(site: SiteWriter) -> None:
    for sym in site.catalog.symbols:
        site.page(site.catalog.page(sym["name"], "symbol"), "symbol.html", **_symbol_context(site.catalog, sym))


def _symbol_context(catalog: Catalog, sym: dict) -> dict:
    name = sym["name"]
    enum_type = sym["enum_type"] if sym["kind"] == "enum" else name
    return {
        "sym": sym,
        "declaration": declaration(name, sym["kind"], catalog.signatures[name]) if name in catalog.signatures else None,
        "description": catalog.descriptions.get(name),
        "header": f"libvirt/{sym['file']}.h" if sym["file"] else None,
        "reference": _reference_url(sym),
        "support": catalog.support_table(name),
        "flags": [(t, catalog.constants.get(t, [])) for t in catalog.flag_types.get(name, [])],
        "constants": catalog.constants.get(enum_type, []),
        "takers": catalog.takers.get(enum_type, []),
        "disagreements": catalog.disagreements.get(name, []),
        "arguments": catalog.arguments.get(name),
        "procedures": catalog.procedures_of.get(name, []),
        "virsh_users": catalog.virsh_users.get(name, []),
        "bindings": catalog.bindings["of"].get(name, []),
        "python_releases": catalog.bindings["releases"],
        "flag_matrix": catalog.flag_matrix(name) if sym["kind"] == "function" else None,
        "daemon_facts": daemon_facts(catalog, sym),
        "accepted": _accepted_by_driver(catalog, name) if sym["kind"] == "enum" else [],
        "past_sources": catalog.newest_source if sym["kind"] == "enum" and catalog.takers.get(enum_type)
        and catalog.newest_source and catalog.past_sources([name], catalog.newest_source) else None,
    }


def _accepted_by_driver(catalog: Catalog, flag: str) -> list[tuple[str, list[tuple[str, str]]]]:
    entries = sorted(catalog.accepted_by(flag), key=lambda e: e[:2])
    return [(driver, [(api, since) for _, api, since in group]) for driver, group in groupby(entries, key=lambda e: e[0])]


def _reference_url(sym: dict) -> str | None:
    if not sym["file"]:
        return None
    return REFERENCE_URL.format(file=quote(sym["file"], safe=""), name=quote(sym["name"], safe=""))


def _matrix_pages(site: SiteWriter) -> None:
    catalog = site.catalog
    by_group = _grouped((m["driver_group"], m["api"]) for m in catalog.matrix.values())
    for group, apis in sorted(by_group.items()):
        rows = [dict(catalog.support_table(api), api=api) for api in sorted(apis)]
        site.page(catalog.page(group, "matrix"), "matrix.html", group=group, drivers=catalog.group_drivers.get(group, []), rows=rows)
    site.page("matrix/index.html", "matrix_index.html", by_group={g: len(a) for g, a in sorted(by_group.items())},
              group_drivers=catalog.group_drivers)


def _driver_pages(site: SiteWriter) -> None:
    by_driver = _grouped((r["driver"], r) for r in site.catalog.support)
    summaries = []
    for driver, rows in sorted(by_driver.items()):
        rows.sort(key=lambda r: r["api"])
        history = _driver_history(rows)
        summary = _driver_summary(driver, rows, history)
        site.page(site.catalog.page(driver, "driver"), "driver.html", driver=driver, rows=rows, history=history, driver_groups=summary["groups"],
                  flag_masks=site.catalog.flag_masks(driver, rows))
        summaries.append(summary)
    site.page("driver/index.html", "driver_index.html", summaries=summaries)


def _driver_summary(driver: str, rows: list[dict], history: list[dict]) -> dict:
    return {
        "driver": driver,
        "apis": sum(1 for r in rows if not r["removed_in"]),
        "removed": sum(1 for r in rows if r["removed_in"]),
        "groups": sorted({r["driver_group"] for r in rows}),
        "first": history[-1]["version"],
    }


def _driver_history(rows: list[dict]) -> list[dict]:
    """Per libvirt version, newest first: the APIs the driver gained and dropped."""
    keys = {r["since_key"]: r["since"] for r in rows} | {r["removed_key"]: r["removed_in"] for r in rows if r["removed_in"]}
    return [
        {
            "version": version,
            "gained": [r for r in rows if r["since_key"] == key],
            "lost": [r for r in rows if r["removed_in"] and r["removed_key"] == key],
        }
        for key, version in sorted(keys.items(), reverse=True)
    ]


def _release_windows(catalog: Catalog) -> list[dict]:
    """Each known release with what arrived after the previous one, up to and including it."""
    windows = []
    previous = None
    for release in catalog.release_list:
        low, high = (previous["version_key"] if previous else -1), release["version_key"]
        added = [s for s in catalog.symbols if low < s["since_key"] <= high]
        added.sort(key=lambda s: (s["since_key"], s["name"]))
        gained = _support_window(catalog.support, "since_key", low, high)
        lost = _support_window(catalog.support, "removed_key", low, high)
        windows.append({
            "release": release,
            "previous": previous,
            "exact": [s for s in added if s["since_exact"]],
            "upper_bound": [s for s in added if not s["since_exact"]],
            "gained": gained,
            "lost": lost,
            "gained_count": sum(len(rows) for _, rows in gained),
            "lost_count": sum(len(rows) for _, rows in lost),
        })
        previous = release
    for window, following in zip(windows, [*windows[1:], None], strict=True):
        window["next"] = following["release"] if following else None
    return windows


def _support_window(support: list[dict], key: str, low: int, high: int) -> list[tuple[str, list[dict]]]:
    rows = sorted((r for r in support if r[key] is not None and r["since_exact"] and low < r[key] <= high),
                  key=lambda r: (r["driver"], r[key], r["api"]))
    return sorted(_grouped((r["driver"], r) for r in rows).items())


def _kind_sections(symbols: list[dict]) -> list[tuple[str, str, list[dict]]]:
    def section(sym: dict) -> str:
        return sym["kind"] if sym["kind"] in SECTION_TITLES else "other"

    return [(kind, title, members) for kind, title in SECTION_TITLES.items() if (members := [s for s in symbols if section(s) == kind])]


def _release_pages(site: SiteWriter, windows: list[dict]) -> None:
    for window in windows:
        site.page(site.catalog.page(window["release"]["version"], "release"), "release.html",
                  sections=_kind_sections(window["exact"]), **window)
    site.page("releases.html", "releases.html", windows=windows)
    _compare_page(site)


def _compare_page(site: SiteWriter) -> None:
    """compare.html and its data, compare-data.js (kbgen/render/site_compare.py)."""
    catalog = site.catalog
    data = compare_data(catalog.symbols, catalog.page_stems["symbol"], catalog.release_list, [r["version"] for r in catalog.releases])
    site.write("compare-data.js", f"window.KB_COMPARE={_script_safe_json(data)};\n")
    site.page("compare.html", "compare.html", releases=catalog.release_list)


# --- search index and assets -------------------------------------------------------


def search_index(symbols: list[dict], stems: dict[str, str]) -> dict:
    """Compact rows: [name, kind index, module index, since as shown (the version when exact), exact 0/1, page file name without .html if not the name]."""
    kinds = sorted({s["kind"] for s in symbols})
    modules = sorted({s["module"] or "" for s in symbols})
    rows = []
    for s in symbols:
        since = bound_text(query.since_version(s["since"], s["since_exact"]))
        row = [s["name"], kinds.index(s["kind"]), modules.index(s["module"] or ""), since, int(s["since_exact"])]
        if stems[s["name"]] != s["name"]:
            row.append(stems[s["name"]])
        rows.append(row)
    return {"kinds": kinds, "modules": modules, "symbols": rows}


def _script_safe_json(data) -> str:
    text = json.dumps(data, ensure_ascii=True, separators=(",", ":"), sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")



def search_extras(catalog: Catalog) -> dict:
    """What else the search box finds, each pointing at a row of `symbols` by its index there.

    values: [symbol, string value] (typed-parameter names: inbound.average); ints: [symbol, value] of enum constants (0x40);
    impls: [driver function, API, driver] (the names error messages give); virsh: [command or alias, API it calls (the most
    specific), the other APIs], each leading to virsh/COMMAND.html, with virshalias: alias -> command and virshpages: command ->
    its page's file name where that is not the name; xml: [path, since as shown(, its element's page where site.js would not
    derive it)] (site_xml.search_rows); and kbgen/render/site_bindings.py's binding_search() (Python binding names).
    """
    position = {s["name"]: i for i, s in enumerate(catalog.symbols)}
    names = set(position)
    values = [[position[s["name"]], s["value"]] for s in catalog.symbols
              if s["kind"] == "macro" and s["value"] and s["value"] not in names and not re.fullmatch(r"[-+()0-9xXa-fA-FuUlL <|]*", s["value"])]
    ints = [[position[s["name"]], s["int_value"]] for s in catalog.symbols if s["kind"] == "enum" and s["int_value"] is not None]
    impls = sorted({(i["function"], position[i["api"]], i["driver"]) for i in catalog.implementations
                    if i["api"] in position and i["function"] != i["api"]})
    commands, calls = catalog.virsh["commands"], catalog.virsh["calls"]
    callers = Counter(c["api"] for rows in calls.values() for c in rows)
    paged = catalog.page_stems["virsh"]
    virsh = [[name, *_virsh_apis(calls.get(row["alias_of"] or name, []), callers, position)] for name, row in commands.items()
             if (row["alias_of"] or name) in paged]
    return {"values": values, "ints": ints, "impls": [list(i) for i in impls], "virsh": sorted(virsh), "xml": search_rows(catalog.xml_paths),
            "virshalias": {name: row["alias_of"] for name, row in commands.items() if row["alias_of"]},
            "virshpages": {name: stem for name, stem in paged.items() if stem != name}} | binding_search(catalog.bindings, position)


def _virsh_apis(calls: list[dict], callers: Counter, position: dict[str, int]) -> list[int]:
    """The indexes of the APIs a command CALLS, the most specific (the one fewest commands call) first."""
    apis = {c["api"] for c in calls if c["api"] in position}
    return [position[api] for api in sorted(apis, key=lambda api: (callers[api], api))]


def _write_search_index(site: SiteWriter) -> None:
    data = _script_safe_json(search_index(site.catalog.symbols, site.catalog.page_stems["symbol"]) | search_extras(site.catalog))
    site.write("search-index.json", data + "\n")
    site.write("search-index.js", f"window.KB_INDEX={data};\n")


def _write_daemon_data(site: SiteWriter) -> None:
    data = _script_safe_json(daemon_data(site.catalog))
    site.write("daemon-data.json", data + "\n")
    site.write("daemon-data.js", f"window.KB_DAEMON={data};\n")


def explain_data(catalog: Catalog) -> dict:
    """What explain.html needs, keyed the way libvirt's messages name things (kbgen/diagnose.py reads the same facts).

    procedures: remote number -> [name, API or null, label, since, since as shown]; implementations: function -> [driver, API];
    flags: API -> [[flag, value, {driver: "since X" or its bounds}, the flag's since]]; support: API -> [[driver, since(, removed)]]; sections: section -> symbols;
    rules: the message patterns (kbgen/answers/explain_patterns.json) and explain's limits; and kbgen/render/site_explain.py's
    message_facts().
    """
    taking = {s["name"] for s in catalog.symbols if s["kind"] == "function" and s["has_flags"]}
    return {
        "procedures": {str(p["number"]): [p["name"], p["api"], p["label"], p["since"], bound_text(p["since_version"])]
                       for p in catalog.procedures if p["protocol"] == "remote"},
        "implementations": {i["function"]: [i["driver"], i["api"]] for i in catalog.implementations},
        "flags": {api: rows for api in sorted(taking) if (rows := _decodable_flags(catalog, api))},
        "support": {api: [_support_entry(r) for r in sorted(rows.values(), key=lambda r: (r["since_key"], r["driver"]))]
                    for api, rows in catalog.support_of.items()},
        "sections": catalog.sections,
        "rules": explain_rules(),
    } | catalog.messages


def _decodable_flags(catalog: Catalog, api: str) -> list[list]:
    return [[r["names"][0], r["bit"], {driver: since_text(b["since"]) for driver, b in r["accepted"].items()}, catalog.by_name[r["names"][0]]["since"]]
            for r in catalog.flag_rows(api)]


def _support_entry(row: dict) -> list[str]:
    since = bound_text(row["since_version"])
    return [row["driver"], since, row["removed_in"]] if row["removed_in"] else [row["driver"], since]


def _write_explain_data(site: SiteWriter) -> None:
    data = _script_safe_json(explain_data(site.catalog))
    site.write("explain-data.json", data + "\n")
    site.write("explain-data.js", f"window.KB_EXPLAIN={data};\n")


def _copy_assets(out: Path) -> None:
    shutil.copytree(templates_dir() / "assets", out / "assets")


# --- the atomic swap ---------------------------------------------------------------
#
# Beside OUT: .OUT.lock (one render at a time), .OUT.new-PID-XXXX (the site being
# rendered; after the exchange, the previous one being removed) and, only where the
# exchange is not available, .OUT.old-PID (the previous site between two renames).

AT_FDCWD = -100
RENAME_EXCHANGE = 2


def _render_lock(out_dir: Path):
    """One render per output directory at a time: a second one fails at once."""
    return exclusive(out_dir, f"{out_dir.parent}: cannot write the site there; choose another output directory",
                     f"{out_dir}: another kbgen site is rendering into it; wait for it to finish")


def _remove_leftovers(out_dir: Path) -> None:
    """Remove what renders killed before they finished left beside OUT_DIR (only of processes that are gone).

    A previous site that a kill left between the fallback's two renames goes back in place first.
    """
    pattern = re.compile(rf"\.{re.escape(out_dir.name)}\.(new|old)-(\d+)(?:-.*)?")
    for entry in sorted(out_dir.parent.iterdir()):
        match = pattern.fullmatch(entry.name)
        if not match or _process_exists(int(match.group(2))):
            continue
        if match.group(1) == "old" and not out_dir.exists():
            os.rename(entry, out_dir)
        else:
            shutil.rmtree(entry, ignore_errors=True)


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:
        return True
    return True


def _staging_dir(out_dir: Path) -> Path:
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-{os.getpid()}-", dir=out_dir.parent))
        staging.chmod(0o755)
    except OSError as err:
        raise KbgenError(f"{out_dir.parent}: cannot write the site there ({err.strerror}); choose another output directory") from err
    return staging


def _check_replaceable(out_dir: Path) -> None:
    if out_dir.is_symlink() or (out_dir.exists() and not out_dir.is_dir()):
        raise KbgenError(f"{out_dir}: exists and is not a directory; choose another output directory")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / SITE_MARKER).is_file():
        raise KbgenError(f"{out_dir}: a non-empty directory kbgen did not generate; refusing to replace it (choose a new or empty directory)")


def _swap_in(staging: Path, out_dir: Path) -> None:
    """Put STAGING in OUT_DIR's place in one step, then remove the previous site (now at STAGING's name).

    Where the kernel, libc or file system cannot exchange two directories, two renames
    instead: for a moment there is no site, and a kill then leaves the previous one
    as .OUT.old-PID, which the next render puts back.
    """
    old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
    try:
        if not out_dir.exists():
            os.rename(staging, out_dir)
            return
        if _exchange(staging, out_dir):
            old = staging
        else:
            os.rename(out_dir, old)
            os.rename(staging, out_dir)
    except OSError as err:
        if old.exists() and not out_dir.exists():
            os.rename(old, out_dir)
        shutil.rmtree(staging, ignore_errors=True)
        raise KbgenError(f"{out_dir}: could not put the new site in place ({err}); the previous site is unchanged") from err
    shutil.rmtree(old, ignore_errors=True)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically with Linux's renameat2(RENAME_EXCHANGE); False where that is not available."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def _size_of(directory: Path) -> int:
    return sum(p.stat().st_size for p in directory.rglob("*") if p.is_file())
