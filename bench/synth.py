"""Synthetic libvirt inputs at N times the size of libvirt 12.8.0, for bench/scale.py.

    python bench/synth.py --scale 10 --out /tmp/synth10

writes one directory per release (7.0.0, 9.0.0, 11.3.0, 12.8.0) holding
libvirt-api.xml, libvirt-qemu-api.xml, libvirt-lxc-api.xml, libvirt-admin-api.xml
and hvsupport.html, shaped like the real files:

- API XML: a <files> section of <exports>, then <symbols> of every kind with the
  attributes and children libvirt writes (info text, args, return, fields); 9.0.0
  and later put a `version` attribute on every symbol, 7.0.0 has none (the old
  generation). A release holds the symbols whose version is not newer than it.
- hvsupport.html: 8 tables (common, hypervisor, interface, nwfilter, network,
  nodedevice, secret, storage) with libvirt's driver columns; cells are versions,
  empty, or spans `A - B` for a driver that dropped an API; a few rows are unlinked
  internal entry points.

At scale 1 the counts are those of 12.8.0: 2533 symbols (libvirt-api.xml alone:
1080 enum, 525 function, 511 macro, 224 typedef, 55 functype, 47 struct,
1 variable; about 1.2 MB) and 407 hvsupport rows. Scale N multiplies every count
(names get a numeric suffix); the output is deterministic for a given scale.
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import quoteattr

RELEASES = ("7.0.0", "9.0.0", "11.3.0", "12.8.0")
OLD_GENERATION = {"7.0.0"}  # no version attributes

# Symbols per module and kind in libvirt 12.8.0.
COUNTS = {
    "libvirt": {"enum": 1080, "function": 525, "macro": 511, "typedef": 224, "functype": 55, "struct": 47, "variable": 1},
    "qemu": {"function": 6, "enum": 9, "typedef": 3, "functype": 1},
    "lxc": {"function": 4},
    "admin": {"function": 33, "enum": 5, "macro": 20, "typedef": 5, "struct": 3, "functype": 1},
}
# hvsupport.html of 12.8.0: rows per table and each table's driver columns.
TABLES = {
    "commonapis": (9, ["nwfilter", "remote"]),
    "virHypervisorDriver": (260, ["bhyve", "bridge", "ch", "esx", "hyperv", "interface", "libxl", "lxc", "nwfilter", "openvz",
                                  "qemu", "remote", "secret", "storage", "test", "udev", "vbox", "vmware", "vz"]),
    "virInterfaceDriver": (16, ["esx", "interface", "remote", "test"]),
    "virNWFilterDriver": (14, ["nwfilter", "remote"]),
    "virNetworkDriver": (31, ["bridge", "esx", "hyperv", "remote", "test"]),
    "virNodeDeviceDriver": (20, ["remote", "test", "udev"]),
    "virSecretDriver": (12, ["remote", "secret"]),
    "virStorageDriver": (45, ["esx", "remote", "storage", "test"]),
}
INTERNAL_ROWS = 19  # hvsupport rows without a link (migration steps ...), in the hypervisor table

_OBJECTS = ["Domain", "Network", "StoragePool", "StorageVol", "NodeDevice", "Secret", "Interface", "NWFilter", "Connect", "Stream"]
_VERBS = ["Get", "Set", "Create", "Define", "Undefine", "Lookup", "List", "Update", "Attach", "Detach", "Migrate", "Save"]
_HEADERS = ["libvirt-domain", "libvirt-network", "libvirt-storage", "libvirt-nodedev", "libvirt-secret", "libvirt-interface",
            "libvirt-nwfilter", "libvirt-host", "libvirt-stream", "libvirt-event"]


def _all_releases() -> list[str]:
    """libvirt's release history, roughly: the versions a symbol can carry."""
    minors = {0: [6, 9, 3, 3, 6, 1, 5, 7, 8, 13, 2], 1: [6, 4, 21, 5]}
    versions = [f"{major}.{minor}.{micro}" for major, counts in minors.items()
                for minor, top in enumerate(counts) for micro in range(1 if (major, minor) == (0, 0) else 0, top + 1)]
    versions += [f"{major}.{minor}.0" for major in range(2, 12) for minor in range(11)]
    versions += [f"12.{minor}.0" for minor in range(9)]
    return versions


_KEYS: dict[str, tuple[int, ...]] = {}


def _key(version: str) -> tuple[int, ...]:
    key = _KEYS.get(version)
    if key is None:
        key = _KEYS[version] = tuple(int(part) for part in version.split("."))
    return key


@dataclass
class SynthSymbol:
    name: str
    kind: str
    module: str
    file: str
    version: str
    enum_type: str | None = None
    value: int = 0
    flags_type: str | None = None  # a function's flags argument names this enum type
    has_flags: bool = False
    string: str | None = None


class Universe:
    """Every symbol and hvsupport row of the synthetic libvirt at one scale."""

    def __init__(self, scale: float = 1.0, seed: int = 12008000):
        self.scale = scale
        rng = random.Random(seed)
        history = _all_releases()
        self.symbols: dict[str, list[SynthSymbol]] = {module: [] for module in COUNTS}
        self.enum_types: list[tuple[str, str, str]] = []  # (type, module, version)
        for module, kinds in COUNTS.items():
            counts = {kind: max(1, round(n * scale)) for kind, n in kinds.items()}
            self._make(module, counts, rng, history)
        self.rows = self._rows(rng, history)

    def _make(self, module: str, counts: dict[str, int], rng: random.Random, history: list[str]) -> None:
        out = self.symbols[module]
        prefix = {"libvirt": "vir", "qemu": "virDomainQemu", "lxc": "virDomainLxc", "admin": "virAdm"}[module]
        const = {"libvirt": "VIR", "qemu": "VIR_DOMAIN_QEMU", "lxc": "VIR_DOMAIN_LXC", "admin": "VIR_ADM"}[module]
        file = {"libvirt": None, "qemu": "libvirt-qemu", "lxc": "libvirt-lxc", "admin": "libvirt-admin"}[module]
        types = []
        for t in range(max(1, counts.get("enum", 0) // 8)):
            obj = _OBJECTS[t % len(_OBJECTS)]
            version = rng.choice(history)
            types.append((f"{prefix}{obj}Thing{t}Flags", f"{const}_{obj.upper()}_THING{t}", version, _HEADERS[t % len(_HEADERS)]))
        for i in range(counts.get("enum", 0)):
            type_name, stem, type_version, header = types[i % len(types)]
            bit = i // len(types)
            start = history.index(type_version)
            version = history[rng.randrange(start, min(len(history), start + 40))]
            out.append(SynthSymbol(f"{stem}_FLAG{bit}", "enum", module, file or header, version, type_name, 1 << min(bit, 30)))
        for type_name, _, version, header in types:
            if counts.get("enum"):
                self.enum_types.append((type_name, module, version))
        for i in range(counts.get("typedef", 0)):
            if i < len(types) and counts.get("enum"):
                type_name, _, version, header = types[i]
                out.append(SynthSymbol(type_name, "typedef", module, file or header, version))
            else:
                obj = _OBJECTS[i % len(_OBJECTS)]
                out.append(SynthSymbol(f"{prefix}{obj}Handle{i}Ptr", "typedef", module, file or _HEADERS[i % len(_HEADERS)], rng.choice(history)))
        flag_types = [t for t in types] if counts.get("enum") else []
        for i in range(counts.get("function", 0)):
            obj, verb = _OBJECTS[i % len(_OBJECTS)], _VERBS[(i // len(_OBJECTS)) % len(_VERBS)]
            has_flags = rng.random() < 0.47
            flags_type = None
            if has_flags and flag_types and rng.random() < 0.62:
                flags_type = flag_types[i % len(flag_types)][0]
            out.append(SynthSymbol(f"{prefix}{obj}{verb}Thing{i}", "function", module, file or _HEADERS[i % len(_HEADERS)],
                                   rng.choice(history), has_flags=has_flags, flags_type=flags_type))
        for i in range(counts.get("macro", 0)):
            obj = _OBJECTS[i % len(_OBJECTS)]
            string = f"{obj.lower()}.param{i}" if i % 2 == 0 else None
            out.append(SynthSymbol(f"{const}_{obj.upper()}_PARAM{i}", "macro", module, file or _HEADERS[i % len(_HEADERS)],
                                   rng.choice(history), string=string))
        for i in range(counts.get("struct", 0)):
            obj = _OBJECTS[i % len(_OBJECTS)]
            out.append(SynthSymbol(f"_{prefix}{obj}Info{i}", "struct", module, file or _HEADERS[i % len(_HEADERS)], rng.choice(history)))
        for i in range(counts.get("functype", 0)):
            obj = _OBJECTS[i % len(_OBJECTS)]
            out.append(SynthSymbol(f"{prefix}{obj}EventCallback{i}", "functype", module, file or "libvirt-event", rng.choice(history)))
        for i in range(counts.get("variable", 0)):
            out.append(SynthSymbol(f"virConnectAuthPtrDefault{i or ''}", "variable", module, "libvirt-host", "0.4.1"))

    def _rows(self, rng: random.Random, history: list[str]) -> dict[str, list[tuple[str, str, bool, dict[str, tuple[str, str | None]]]]]:
        """table anchor -> [(api, version, linked, {driver: (since, removed)})]."""
        functions = [s for s in self.symbols["libvirt"] if s.kind == "function"]
        public = iter(functions * 2)
        position = {v: i for i, v in enumerate(history)}
        rows: dict[str, list] = {}
        for anchor, (count, drivers) in TABLES.items():
            n = max(1, round(count * self.scale))
            internal = max(1, round(INTERNAL_ROWS * self.scale)) if anchor == "virHypervisorDriver" else 0
            table = []
            fill = min(0.9, 4.6 / len(drivers) + 0.1)
            for i in range(n):
                if i < internal:
                    api, version, linked = f"virDomainMigrateStep{i}", rng.choice(history), False
                else:
                    symbol = next(public)
                    api, version, linked = symbol.name, symbol.version, True
                cells = {}
                for driver in drivers:
                    if rng.random() < fill:
                        start = position[version]
                        since_at = min(len(history) - 1, start + int(rng.expovariate(0.3)))
                        since, removed = history[since_at], None
                        if rng.random() < 0.002 and since_at + 1 < len(history):
                            removed = history[(since_at + 1 + len(history)) // 2]
                        cells[driver] = (since, removed)
                table.append((api, version, linked, cells))
            rows[anchor] = sorted(table)
        return rows


def write_api_xml(universe: Universe, module: str, release: str, path: Path) -> int:
    """One API XML file of RELEASE; the number of symbols written."""
    versioned = release not in OLD_GENERATION
    limit = _key(release)
    symbols = sorted((s for s in universe.symbols[module] if _key(s.version) <= limit), key=lambda s: (s.kind, s.name))
    api_name = "libvirt" if module == "libvirt" else f"libvirt-{module}"
    with path.open("w", encoding="utf-8", buffering=1 << 20) as out:
        out.write(f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<api name='{api_name}'>\n  <files>\n")
        by_file: dict[str, list[SynthSymbol]] = {}
        for s in symbols:
            by_file.setdefault(s.file, []).append(s)
        for file, members in sorted(by_file.items()):
            out.write(f"    <file name='{file}'>\n     <summary>APIs of {file}</summary>\n"
                      f"     <description>Provides the APIs of {file} for the libvirt library</description>\n")
            for s in members:
                out.write(f"     <exports symbol='{s.name}' type='{s.kind}'/>\n")
            out.write("    </file>\n")
        out.write("  </files>\n  <symbols>\n")
        for s in symbols:
            out.write(_symbol_xml(s, versioned))
        out.write("  </symbols>\n</api>\n")
    return len(symbols)


def _symbol_xml(s: SynthSymbol, versioned: bool) -> str:
    version = f" version='{s.version}'" if versioned else ""
    info = (f"<![CDATA[{s.name} is part of the synthetic libvirt API used to measure kbgen at scale; "
            "the text is as long as a typical libvirt description of a symbol and says nothing. "
            "See the documentation of the real API for what such a symbol does and when to use it.]]>")
    if s.kind == "enum":
        return (f"    <enum name='{s.name}' file='{s.file}' value='{s.value}' value_hex='{s.value:#x}' "
                f"value_bitshift='{s.value.bit_length() - 1}' type='{s.enum_type}'{version} info='{s.name}: one bit of {s.enum_type}, accepted by the functions taking it'/>\n")
    if s.kind == "macro":
        string = f" string={quoteattr(s.string)}" if s.string else " raw='1'"
        return f"    <macro name='{s.name}' file='{s.file}'{string}{version}>\n      <info>{info}</info>\n    </macro>\n"
    if s.kind == "typedef":
        kind = "enum" if s.name.endswith("Flags") else f"{s.name.removesuffix('Ptr')} *"
        return f"    <typedef name='{s.name}' file='{s.file}' type={quoteattr(kind)}{version}>\n      <info>{info}</info>\n    </typedef>\n"
    if s.kind == "struct":
        return (f"    <struct name='{s.name}' file='{s.file}' type='struct {s.name}'{version}>\n"
                "      <field name='state' type='unsigned char' info='the state'/>\n"
                "      <field name='maxMem' type='unsigned long' info='the maximum memory in KBytes allowed'/>\n"
                "    </struct>\n")
    if s.kind == "functype":
        return (f"    <functype name='{s.name}' file='{s.file}' module='{s.file}'{version}>\n      <info>{info}</info>\n"
                "      <return type='int' info='0 on success, -1 on failure'/>\n"
                "      <arg name='conn' type='virConnectPtr' info='connection object'/>\n"
                "      <arg name='opaque' type='void *' info='application specified data'/>\n    </functype>\n")
    if s.kind == "variable":
        return f"    <variable name='{s.name}' file='{s.file}' type='virConnectAuthPtr'{version}>\n      <info>{info}</info>\n    </variable>\n"
    flags = ""
    if s.has_flags:
        text = f"bitwise-OR of {s.flags_type}" if s.flags_type else "extra flags; not used yet, so callers should always pass 0"
        flags = f"      <arg name='flags' type='unsigned int' info='{text}'/>\n"
    return (f"    <function name='{s.name}' file='{s.file}' module='{s.file}'{version}>\n      <info>{info}</info>\n"
            "      <return type='int' info='0 in case of success and -1 in case of failure.'/>\n"
            "      <arg name='domain' type='virDomainPtr' info='pointer to the object'/>\n"
            "      <arg name='params' type='virTypedParameterPtr' info='pointer to an array of typed parameters, filled in'/>\n"
            f"{flags}    </function>\n")


def write_hvsupport(universe: Universe, release: str, path: Path) -> int:
    """hvsupport.html of RELEASE; the number of rows written."""
    limit = _key(release)
    written = 0
    with path.open("w", encoding="utf-8", buffering=1 << 20) as out:
        out.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">\n"
                  "  <head>\n    <meta charset=\"UTF-8\"/>\n    <title>libvirt: libvirt API support matrix</title>\n  </head>\n"
                  "  <body>\n    <div id=\"body\">\n      <h1>libvirt API support matrix</h1>\n")
        for anchor, rows in universe.rows.items():
            drivers = TABLES[anchor][1]
            out.write(f"<h2><a id=\"{anchor}\">{anchor} APIs</a><a class=\"headerlink\" href=\"#{anchor}\">¶</a></h2>\n"
                      "<table class=\"top_table\">\n<thead>\n<tr>\n<th>API</th>\n<th>Version</th>\n")
            out.write("".join(f"  <th>{d}</th>\n" for d in drivers))
            out.write("</tr>\n</thead>\n<tbody>\n")
            for i, (api, version, linked, cells) in enumerate(rows):
                if _key(version) > limit:
                    continue
                if i and i % 25 == 0:  # libvirt repeats the header row inside the body
                    out.write("<tr>\n<th>API</th>\n<th>Version</th>\n" + "".join(f"  <th>{d}</th>\n" for d in drivers) + "</tr>\n")
                name = f"<a href=\"html/libvirt-libvirt-domain.html#{api}\">{api}</a>" if linked else api
                out.write(f"<tr>\n<td>\n{name}\n</td>\n<td>{version}</td>\n")
                for driver in drivers:
                    since, removed = cells.get(driver, (None, None))
                    if since is None or _key(since) > limit:
                        out.write("<td/>\n")
                    elif removed and _key(removed) <= limit:
                        out.write(f"<td>{since} - <span class=\"removedhv\">{removed}</span></td>\n")
                    else:
                        out.write(f"<td>{since}</td>\n")
                out.write("</tr>\n")
                written += 1
            out.write("</tbody>\n</table>\n")
        out.write("    </div>\n  </body>\n</html>\n")
    return written


API_FILES = {"libvirt": "libvirt-api.xml", "qemu": "libvirt-qemu-api.xml", "lxc": "libvirt-lxc-api.xml", "admin": "libvirt-admin-api.xml"}


def generate(out: Path, scale: float = 1.0, releases=RELEASES) -> dict[str, Path]:
    """Write every release's inputs under OUT/<release>/; release -> its directory."""
    universe = Universe(scale)
    dirs = {}
    for release in releases:
        directory = Path(out) / release
        directory.mkdir(parents=True, exist_ok=True)
        for module, name in API_FILES.items():
            write_api_xml(universe, module, release, directory / name)
        write_hvsupport(universe, release, directory / "hvsupport.html")
        dirs[release] = directory
    return dirs


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="times the size of libvirt 12.8.0 (default 1)")
    parser.add_argument("--out", type=Path, required=True, help="directory to write one sub-directory per release into")
    args = parser.parse_args(argv)
    for release, directory in generate(args.out, args.scale).items():
        size = sum(p.stat().st_size for p in directory.iterdir())
        print(f"{release}: {directory} ({size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
