/* explain.html: find libvirt's version-mismatch messages in pasted text and say, for each,
   what it means and what to do, in the words of kbgen/answers/diagnose.py (`kb explain`),
   with its patterns (kbgen/answers/explain_patterns.json, in explain-data as rules). Runs
   offline on explain-data and the search index; answers are built from DOM text nodes.
   Each finding's key facts are in its data-fields (JSON), as tests/explain_vectors.json names them.

   An answer's sentences are lists of parts: a string is text, {symbol: NAME} links to
   NAME's page (plain code when it has none), {code: TEXT} is code. */
(function () {
  "use strict";

  var TITLES = {
    "unknown-procedure": "Unknown procedure",
    "unsupported-flags": "Unsupported flags",
    "not-supported": "Not supported by the driver",
    "symbol-version": "Library too old",
    "daemon-version": "Daemon version",
    "not-a-version": "Not a libvirt version"
  };
  var SYMS_MODULES = { "": "libvirt", "QEMU_": "qemu", "LXC_": "lxc", "ADMIN_": "admin" };
  var LONGEST_REMEMBERED = 2000;

  function versionKey(version) {
    var parts = version.split(".").map(Number);
    return parts[0] * 1000000 + parts[1] * 1000 + parts[2];
  }

  /* OBJECT's own KEY: a word from the pasted text may be "constructor" or "__proto__". */
  function own(object, key) {
    return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
  }

  /* NAMES as parts, separated by ", ". */
  function listed(names) {
    var parts = [];
    names.forEach(function (name, i) {
      if (i) parts.push(", ");
      parts.push({ symbol: name });
    });
    return parts;
  }

  /* The message patterns of kbgen/answers/explain_patterns.json (explain-data's rules) as RegExps. */
  function compiled(rules) {
    return rules.patterns.map(function (p) {
      var versions = p.groups.map(function (group) { return group[0] === "version"; });
      return { kind: p.kind, regex: new RegExp(p.regex, "g" + p.flags), versions: versions };
    });
  }

  function knowledgeOf(index, data) {
    var pages = new Map();
    var functions = [];
    var functionKind = index.kinds.indexOf("function");
    index.symbols.forEach(function (row) {
      pages.set(row[0], "symbol/" + (row[5] || row[0]) + ".html");
      if (row[1] === functionKind && row[4]) functions.push({ name: row[0], since: row[3], key: versionKey(row[3]) });
    });
    functions.sort(function (a, b) { return a.key - b.key; });
    var procedureOf = new Map();
    var numbers = Object.keys(data.procedures).map(Number).sort(function (a, b) { return a - b; });
    numbers.forEach(function (number) {
      var api = data.procedures[number][1];
      if (api && !procedureOf.has(api)) procedureOf.set(api, number);
    });
    return {
      data: data, pages: pages, functions: functions, procedureOf: procedureOf, lastProcedure: numbers[numbers.length - 1],
      rules: data.rules, patterns: compiled(data.rules), libvirtVersion: new RegExp("^(?:" + data.rules.version + ")$")
    };
  }

  // --- the explainers: one per message, as in kbgen/answers/diagnose.py -------------------

  function unknownProcedure(kb, number) {
    var p = own(kb.data.procedures, String(Number(number)));
    if (!p) {
      var hint = kb.lastProcedure ? "the remote protocol of the ingested source trees ends at " + kb.lastProcedure : "no remote protocol in this knowledge base";
      return {
        meaning: ["remote procedure " + number + " is not in any ingested source tree (" + hint + ")"], advice: [],
        fields: { number: null, api: null }
      };
    }
    var what = p[1] ? [{ symbol: p[1] }] : [p[0] + " (" + p[2] + ", no public API)"];
    return {
      meaning: ["the client called "].concat(what, [" (remote procedure " + number + "), added in " + p[4] + ": the daemon is older than that"]),
      advice: ["upgrade the daemon to libvirt " + p[3] + " or later, or fall back to calls that the daemon's release has"],
      facts: p[1] ? [["procedure ", { code: p[0] }]] : [],
      fields: { number: Number(number), api: p[1] }
    };
  }

  function decodeFlags(rows, mask, driver) {
    var bits = BigInt("0x" + mask);
    var flags = [];
    rows.forEach(function (row) {
      var value = BigInt(row[1]);
      if (!(bits & value)) return;
      var others = Object.keys(row[2]).filter(function (d) { return d !== driver; }).sort();
      flags.push({ flag: row[0], value: value, since: own(row[2], driver), others: others });
      bits &= ~value;
    });
    return { flags: flags, rest: bits };
  }

  function flagFact(flag, driver) {
    var verdict = flag.since ? driver + " accepts it " + flag.since : "the " + driver + " driver's mask does not include it";
    var others = flag.others.length ? "; also accepted by " + flag.others.join(", ") : "";
    return [{ symbol: flag.flag }, " = 0x" + flag.value.toString(16) + ": " + verdict + others];
  }

  function unsupportedFlags(kb, mask, fn) {
    var impl = own(kb.data.implementations, fn);
    if (!impl) {
      return {
        meaning: [fn + " is not a driver implementation known to this knowledge base"], advice: [],
        fields: { driver: null, api: null, flags: [], rejected: [], undecoded: null }
      };
    }
    var driver = impl[0];
    var api = impl[1];
    var decoded = decodeFlags(own(kb.data.flags, api) || [], mask, driver);
    var names = decoded.flags.map(function (f) { return f.flag; });
    var rejected = decoded.flags.filter(function (f) { return !f.since; }).map(function (f) { return f.flag; });
    var facts = decoded.flags.map(function (f) { return flagFact(f, driver); });
    if (decoded.rest) facts.push(["0x" + decoded.rest.toString(16) + ": no known flag of ", { symbol: api }]);
    return {
      meaning: ["the " + driver + " driver's ", { symbol: api }, " rejected flags 0x" + mask + ": "].concat(names.length ? listed(names) : ["unknown bits"]),
      advice: rejected.length
        ? listed(rejected).concat([" not accepted by this " + driver + " daemon; drop the flag, upgrade the daemon, or use a driver that accepts it"])
        : ["every decoded flag is accepted by a newer release of this driver: the daemon is older; upgrade it"],
      facts: facts,
      fields: { driver: driver, api: api, flags: names, rejected: rejected, undecoded: decoded.rest ? "0x" + decoded.rest.toString(16) : null }
    };
  }

  function notSupported(kb, api) {
    var support = own(kb.data.support, api) || [];
    var drivers = support.map(function (d) {
      return d[0] + " " + d[1] + (d[2] ? " (removed in " + d[2] + ")" : "");
    });
    return {
      meaning: ["the connection's driver does not implement ", { symbol: api }, drivers.length ? "; drivers that do: " + drivers.join(", ") : "; no driver implements it"],
      advice: [drivers.length ? "use a driver (and a daemon release) from that list, or avoid the call" : "avoid the call"],
      fields: { api: api, drivers: support.map(function (d) { return d[0]; }) }
    };
  }

  function symbolVersion(kb, prefix, version) {
    var section = "LIBVIRT_" + prefix + version;
    var names = own(kb.data.sections, section) || [];
    var shown = names.length ? listed(names.slice(0, 8)) : ["none known"];
    return {
      meaning: ["the program needs symbols of " + section + " ("].concat(shown, [
        (names.length > 8 ? " ..." : "") + "): the installed " + own(SYMS_MODULES, prefix) + " library is older than " + version]),
      advice: ["install libvirt " + version + " or later, or rebuild the program against the installed libvirt"],
      facts: names.length > 8 ? [["all " + names.length + ": "].concat(listed(names))] : [],
      fields: { section: section, symbols: names }
    };
  }

  function daemonVersion(kb, version) {
    return { version: version };
  }

  function notAVersion(version) {
    return {
      meaning: [version + " is no libvirt release: libvirt numbers them MAJOR.MINOR.MICRO with at most 4, 3 and 3 ASCII digits"],
      advice: ["libvirt did not print this version: check where the text came from"],
      fields: { version: version }
    };
  }

  var EXPLAINERS = {
    "unknown-procedure": unknownProcedure,
    "unsupported-flags": unsupportedFlags,
    "not-supported": notSupported,
    "symbol-version": symbolVersion,
    "daemon-version": daemonVersion
  };

  function refusedBy(kb, oldest) {
    var key = versionKey(oldest);
    return kb.functions.filter(function (f) { return f.key > key; });
  }

  /* All the versions found become one finding: what a newer client gets from the oldest. */
  function mergeDaemonVersions(kb, findings) {
    var found = findings.filter(function (f) { return f.kind === "daemon-version"; });
    if (!found.length) return findings;
    var versions = Array.from(new Set(found.map(function (f) { return f.version; })));
    versions.sort(function (a, b) { return versionKey(a) - versionKey(b); });
    var oldest = versions[0];
    var newer = refusedBy(kb, oldest);
    var first = [];
    newer.slice(0, 3).forEach(function (f, i) {
      var number = kb.procedureOf.get(f.name);
      first.push(i ? ", " : ", first among them ", { symbol: f.name }, " (" + f.since + (number ? ", procedure " + number + ")" : ")"));
    });
    var summary = {
      kind: "daemon-version",
      matched: found.map(function (f) { return f.matched; }).join(", "),
      count: found.reduce(function (sum, f) { return sum + f.count; }, 0),
      meaning: ["libvirt " + versions.join(", ") + " found; a newer client calling any of the " + newer.length + " APIs added after " + oldest +
                " gets 'unknown procedure' from it"].concat(first),
      advice: ["check calls with ", { code: "kb check --server " + oldest + " NAME" }, "; ", { code: "kb diff " + oldest + " NEWER" }, " lists what it lacks"],
      fields: { versions: versions, refused: newer.length }
    };
    return findings.filter(function (f) { return f.kind !== "daemon-version"; }).concat([summary]);
  }

  /* LINE's first MAX characters, counted as Python counts them (code points, not UTF-16 units). */
  function head(line, max) {
    if (line.length <= max) return line;
    return Array.from(line.slice(0, 2 * max)).slice(0, max).join("");
  }

  function findingOf(kb, pattern, match) {
    var groups = match.slice(1);
    var odd = groups.filter(function (group, i) { return pattern.versions[i] && !kb.libvirtVersion.test(group); });
    var explained = odd.length ? notAVersion(odd[0]) : EXPLAINERS[pattern.kind].apply(null, [kb].concat(groups));
    return Object.assign(explained, { kind: odd.length ? "not-a-version" : pattern.kind, matched: match[0], count: 1 });
  }

  /* Add LINE's messages to FOUND, or count them once more; false if a new one would pass max_findings. */
  function record(kb, line, found) {
    var matches = [];
    kb.patterns.forEach(function (pattern) {
      Array.from(line.matchAll(pattern.regex)).forEach(function (match) { matches.push({ pattern: pattern, match: match }); });
    });
    matches.sort(function (a, b) { return a.match.index - b.match.index; });
    for (var i = 0; i < matches.length; i++) {
      var key = matches[i].pattern.kind + "\n" + matches[i].match[0];
      if (found.has(key)) found.get(key).count += 1;
      else if (found.size === kb.rules.max_findings) return false;
      else found.set(key, findingOf(kb, matches[i].pattern, matches[i].match));
    }
    return true;
  }

  /* As explain_lines() in kbgen/answers/diagnose.py: line by line, each cut at max_line characters,
     each distinct message once with its count, reading stopped before a new one past max_findings. */
  function explain(kb, text) {
    var found = new Map();
    var answer = { truncated: false, linesRead: 0, linesCut: 0 };
    var lines = text.split("\n");
    for (var i = 0; i < lines.length && !answer.truncated; i++) {
      var line = head(lines[i], kb.rules.max_line);
      var whole = lines[i].replace(/[\r\n]+$/, "");
      answer.linesRead = i + 1;
      if (head(whole, kb.rules.max_line) !== whole) answer.linesCut += 1;
      answer.truncated = !record(kb, line, found);
    }
    answer.findings = mergeDaemonVersions(kb, Array.from(found.values()));
    return answer;
  }

  // --- rendering ------------------------------------------------------------------------

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function symbolLink(kb, name) {
    var code = element("code", name);
    var href = kb.pages.get(name);
    if (!href) return code;
    var link = element("a");
    link.href = href;
    link.append(code);
    return link;
  }

  function sentence(kb, parts) {
    var fragment = document.createDocumentFragment();
    parts.forEach(function (part) {
      if (typeof part === "string") fragment.append(part);
      else if (part.symbol) fragment.append(symbolLink(kb, part.symbol));
      else fragment.append(element("code", part.code));
    });
    return fragment;
  }

  function findingElement(kb, finding) {
    var article = element("article", undefined, "finding");
    article.dataset.kind = finding.kind;
    article.dataset.fields = JSON.stringify(Object.assign({ kind: finding.kind, matched: finding.matched, count: finding.count }, finding.fields));
    var heading = element("h2", TITLES[finding.kind] + " ");
    heading.append(element("code", finding.matched, "matched"));
    if (finding.count > 1) heading.append(" (" + finding.count + " times)");
    var facts = element("dl");
    facts.append(element("dt", "What it means"), element("dd"));
    facts.lastChild.append(sentence(kb, finding.meaning));
    if (finding.advice.length) {
      facts.append(element("dt", "What to do"), element("dd"));
      facts.lastChild.append(sentence(kb, finding.advice));
    }
    article.append(heading, facts);
    if (finding.facts && finding.facts.length) {
      var list = element("ul", undefined, "details");
      finding.facts.forEach(function (parts) {
        list.append(element("li"));
        list.lastChild.append(sentence(kb, parts));
      });
      article.append(list);
    }
    return article;
  }

  function statusText(kb, answer, text) {
    if (!text.trim()) return "";
    var count = answer.findings.length;
    var notes = [];
    if (!count) notes.push("No message that points to a version mismatch was found; the list below says which ones are recognised.");
    else notes.push(count === 1 ? "1 message explained." : count + " messages explained.");
    var max = kb.rules.max_line;
    if (answer.linesCut) notes.push(answer.linesCut + " line(s) longer than " + max + " characters: only their first " + max + " were read.");
    if (answer.truncated) {
      notes.push("Stopped at line " + answer.linesRead + ", after " + kb.rules.max_findings + " distinct messages: the rest was not read.");
    }
    return notes.join(" ");
  }

  function remember(text) {
    var query = text.trim();
    if (query.length > LONGEST_REMEMBERED) return;
    try {
      history.replaceState(null, "", query ? "?q=" + encodeURIComponent(query) : location.pathname);
    } catch (ignored) { /* some browsers refuse replaceState on file:// */ }
  }

  function attach(kb, form, input, results, status) {
    function update() {
      var answer = explain(kb, input.value);
      results.replaceChildren.apply(results, answer.findings.map(function (f) { return findingElement(kb, f); }));
      status.textContent = statusText(kb, answer, input.value);
    }
    input.addEventListener("input", update);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      update();
      remember(input.value);
    });
    update();
  }

  function start() {
    var form = document.getElementById("explain-form");
    if (!form || !window.kbgen) return;
    var input = document.getElementById("explain-input");
    var results = document.getElementById("explain-results");
    var status = document.getElementById("explain-status");
    var initial = new URLSearchParams(location.search).get("q");
    if (initial && !input.value) input.value = initial;
    status.textContent = "Loading the knowledge base\u2026";
    var loaded = {};
    function arrived(name, value) {
      loaded[name] = value;
      if (!("index" in loaded && "data" in loaded)) return;
      if (!loaded.index || !loaded.data) {
        status.textContent = "The knowledge base could not be loaded.";
        return;
      }
      attach(knowledgeOf(loaded.index, loaded.data), form, input, results, status);
    }
    window.kbgen.loadData("search-index", "KB_INDEX", function (index) { arrived("index", index); });
    window.kbgen.loadData("explain-data", "KB_EXPLAIN", function (data) { arrived("data", data); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
