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
    "daemon-version": "Versions",
    "not-a-version": "Not a libvirt version",
    "unsupported-event": "Event unknown to the daemon",
    "unsupported-parameter": "Typed parameter refused",
    "private-symbol-version": "Mixed libvirt packages",
    "unknown-version-node": "No such version node",
    "binding-attribute": "Python binding lacks a method",
    "binding-module-attribute": "Python module lacks a name",
    "binding-import": "Python import failed",
    "c-undeclared": "Not declared by the libvirt headers",
    "c-implicit-declaration": "Function not declared by the libvirt headers",
    "message": "libvirt message",
    "symbol": "libvirt symbol"
  };
  var CONTEXT = ["daemon-version", "hypervisor-version", "connection-uri"];
  var DAEMON_LINES = ["libvirt version:", "Running against daemon:"];
  var IN_CLIENT = "test";
  var LIBRARIES = { libvirt: "libvirt.so", qemu: "libvirt-qemu.so", lxc: "libvirt-lxc.so", admin: "libvirt-admin.so" };
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
    var programs = Object.assign({ remote: data.procedures }, data.programs);
    var procedureOf = new Map();
    var protocolsOf = new Map();
    var lastOf = {};
    Object.keys(programs).sort().forEach(function (protocol) {
      var numbers = Object.keys(programs[protocol]).map(Number).sort(function (a, b) { return a - b; });
      lastOf[protocol] = numbers[numbers.length - 1];
      numbers.forEach(function (number) {
        var api = programs[protocol][number][1];
        if (!api) return;
        if (!protocolsOf.has(api)) protocolsOf.set(api, []);
        if (protocolsOf.get(api).indexOf(protocol) < 0) protocolsOf.get(api).push(protocol);
        var known = procedureOf.get(api);
        if (!known || number < known.number) procedureOf.set(api, { number: number, protocol: protocol });
      });
    });
    var symbols = new Map();
    index.symbols.forEach(function (row) { symbols.set(row[0], { kind: index.kinds[row[1]], since: row[3], exact: row[4] }); });
    var drivers = new Set();
    Object.keys(data.support).forEach(function (api) { data.support[api].forEach(function (d) { drivers.add(d[0]); }); });
    return {
      data: data, pages: pages, functions: functions, procedureOf: procedureOf, protocolsOf: protocolsOf, programs: programs,
      lastOf: lastOf, drivers: drivers, symbols: symbols, catalogue: catalogueOf(data.catalogue, data.rules),
      rules: data.rules, patterns: compiled(data.rules), libvirtVersion: new RegExp("^(?:" + data.rules.version + ")$")
    };
  }

  // --- the message catalogue, as kbgen/answers/messages.py and named_symbols.py ------------

  var MIN_LETTERS = 12;
  var MIN_WORD = 4;
  var MAX_SITES = 5;
  var MAX_APIS = 8;
  var MAX_NAMES = 100;
  var WORD = new RegExp("[A-Za-z]{" + MIN_WORD + ",}", "g");
  var SYMBOL_NAME = /(?<![A-Za-z0-9_])(?:vir[A-Z][A-Za-z0-9_]*|VIR_[A-Z0-9_]+)(?![A-Za-z0-9_])/g;
  /* The white space Python's str.rstrip() removes (JavaScript's \s differs in a few characters). */
  var TRAILING_SPACE = /[\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/;

  /* As messages.literal_parts(): the template's literal text between its placeholders, %% read as %. */
  function literalParts(template, placeholder) {
    return template.replace(/%%/g, "\0").split(placeholder).map(function (part) { return part.replace(/\0/g, "%"); });
  }

  /* As messages.words(): the template's words, when it has enough literal text to be matched; else none. */
  function templateWords(parts) {
    var letters = 0;
    var found = new Set();
    parts.forEach(function (part) {
      letters += (part.match(/[A-Za-z]/g) || []).length;
      (part.match(WORD) || []).forEach(function (word) { found.add(word); });
    });
    return letters < MIN_LETTERS ? [] : Array.from(found).sort();
  }

  /* As messages.index_word(): the rarest word, then the longest, then the first in ASCII order. */
  function indexWord(words, frequency) {
    var best = null;
    words.forEach(function (word) {
      var a = frequency.get(word) || 0;
      var b = best === null ? 0 : frequency.get(best) || 0;
      if (best === null || a < b || a === b && (word.length > best.length || word.length === best.length && word < best)) best = word;
    });
    return best;
  }

  function escapedRegex(text) {
    return text.replace(/[.*+?^${}()|[\]\\\/]/g, "\\$&");
  }

  /* As messages.matcher(): the regex that finds a template's message. */
  function matcherSource(parts) {
    var source = parts[0] || parts.length === 1 ? "" : "[^\\t\\n ]+";
    parts.forEach(function (part, i) {
      if (i === 1 && !parts[0]) { /* the leading placeholder: the one token above */ }
      else if (i && i < parts.length - 1 || i && part) source += "[^\\n]+?";
      else if (i) source += "[^\\n]*";
      source += escapedRegex(part);
    });
    return source;
  }

  /* As messages.Catalogue: the catalogue's groups (explain-data's catalogue), indexed by their rarest word. */
  function catalogueOf(data, rules) {
    var placeholder = new RegExp(rules.placeholder);
    var groups = (data ? data.groups : []).map(function (group) {
      var parts = literalParts(group[0], placeholder);
      var literal = parts.reduce(function (sum, part) { return sum + Array.from(part).length; }, 0);
      return { template: group[0], sites: group[1], parts: parts, words: templateWords(parts), literal: literal, regex: null };
    });
    var frequency = new Map();
    groups.forEach(function (group) {
      group.words.forEach(function (word) { frequency.set(word, (frequency.get(word) || 0) + 1); });
    });
    var index = new Map();
    groups.forEach(function (group) {
      var word = indexWord(group.words, frequency);
      if (word === null) return;
      if (!index.has(word)) index.set(word, []);
      index.get(word).push(group);
    });
    return {
      index: index, strings: data ? data.strings : [], prefixes: data ? data.prefixes : {}, trees: data ? data.analysed_trees : [],
      ruleRegexes: new Map()
    };
  }

  function compareParts(a, b) {
    for (var i = 0; i < Math.min(a.length, b.length); i++) {
      if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
    }
    return a.length - b.length;
  }

  /* As Catalogue.find(): [match, group] of each template found in LINE, the longest literal text first, none
     overlapping another or a span in TAKEN. */
  function findMessages(catalogue, line, taken) {
    var found = [];
    new Set(line.match(WORD) || []).forEach(function (word) {
      (catalogue.index.get(word) || []).forEach(function (group) {
        if (!group.parts.every(function (part) { return line.indexOf(part) >= 0; })) return;
        if (!group.regex) group.regex = new RegExp(matcherSource(group.parts));
        var match = group.regex.exec(line);
        if (match) found.push({ match: match, group: group });
      });
    });
    found.sort(function (a, b) {
      return b.group.literal - a.group.literal || a.match.index - b.match.index || compareParts(a.group.parts, b.group.parts);
    });
    return found.filter(function (f) {
      var start = f.match.index;
      var end = start + f.match[0].length;
      if (taken.some(function (span) { return start < span[1] && span[0] < end; })) return false;
      taken.push([start, end]);
      return true;
    });
  }

  function siteOf(strings, row) {
    function text(i) { return i === null ? null : strings[i]; }
    return {
      code: text(row[0]), component: text(row[1]), function: text(row[2]), file: text(row[3]),
      apis: (text(row[4]) || "").split(" ").filter(function (api) { return api; }), api_count: row[5], first_tree: text(row[6]), last_tree: text(row[7])
    };
  }

  /* As messages._rule(): the first message rule whose code, component and template patterns all match. */
  function messageRule(catalogue, rules, site, template, matched) {
    function regex(source) {
      if (!catalogue.ruleRegexes.has(source)) catalogue.ruleRegexes.set(source, new RegExp(source));
      return catalogue.ruleRegexes.get(source);
    }
    var rule = rules.message_rules.filter(function (r) {
      return [["code", site.code], ["component", site.component], ["template", template]].every(function (fv) {
        return !r[fv[0]] || regex(r[fv[0]]).test(fv[1] || "");
      });
    })[0];
    var detail = rule.detail ? regex(rule.detail).exec(matched) : null;
    var fill = detail ? detail[1] : "the daemon";
    return { kind: rule.kind, meaning: rule.meaning.split("{detail}").join(fill), advice: rule.advice.split("{detail}").join(fill) };
  }

  function pyText(value) { return value === null || value === undefined ? "None" : String(value); }

  /* As messages._tree_note(). */
  function treeNote(span, trees) {
    if (!trees.length || span[0] === trees[0] && span[1] === trees[trees.length - 1]) return "";
    if (span[0] !== trees[0] && span[1] !== trees[trees.length - 1]) return " (this wording is in the sources of " + span[0] + " to " + span[1] + " only)";
    if (span[0] !== trees[0]) return " (this wording is new in the sources of " + span[0] + ": older releases word it differently or lack it)";
    return " (this wording is in the sources of " + span[1] + " and older only: newer releases word it differently or dropped it)";
  }

  /* As messages._raiser() for a virsh handler: COMMAND is [its name, the APIs it calls]. */
  function virshRaiser(command, where, code) {
    var calls = command.slice(1);
    var head = ["virsh " + command[0] + ": its handler " + where + " raises it" + (code ? " as " + code : "") + "; the command calls "];
    if (!calls.length) return head.concat(["no public API the analysis found"]);
    return head.concat(listed(calls.slice(0, MAX_APIS)), calls.length > MAX_APIS ? [" and " + (calls.length - MAX_APIS) + " more APIs"] : []);
  }

  /* As messages.message_finding(): who raises the message, through which APIs, in which trees, and its kind of problem. */
  function messageFinding(kb, group, match, line) {
    var catalogue = kb.catalogue;
    var sites = group.sites.map(function (row) { return siteOf(catalogue.strings, row); });
    var before = line.slice(0, match.index).replace(TRAILING_SPACE, "");
    var code = sites.map(function (s) { return s.code; }).filter(function (c) {
      var prefix = c ? own(catalogue.prefixes, c) : undefined;
      return c && before.endsWith(prefix === undefined ? "\0" : prefix);
    })[0] || null;
    var first = code ? sites.filter(function (s) { return s.code === code; })[0] : sites[0];
    var rule = messageRule(catalogue, kb.rules, first, group.template, match[0]);
    var apis = Array.from(new Set([].concat.apply([], sites.map(function (s) { return s.apis; })))).slice(0, MAX_APIS);
    var trees = catalogue.trees;
    var known = Array.from(new Set([].concat.apply([], sites.map(function (s) { return [s.first_tree, s.last_tree]; }))));
    var positions = known.map(function (t) { return trees.indexOf(t); });
    var span = positions.every(function (i) { return i >= 0; })
      ? [trees[Math.min.apply(null, positions)], trees[Math.max.apply(null, positions)]] : [sites[0].first_tree, sites[0].last_tree];
    var where = first.function ? first.function + " (" + pyText(first.file) + ")" : pyText(first.file);
    var command = first.component === "virsh" && first.function ? own(kb.data.virsh_handlers, first.function) : undefined;
    var raiser = ["the " + pyText(first.component) + " code's " + where + " raises it" + (first.code ? " as " + first.code : "")];
    if (command) {
      raiser = virshRaiser(command, where, first.code);
    } else if (apis.length) {
      var more = Math.max.apply(null, sites.map(function (s) { return s.api_count; })) - apis.length;
      raiser = raiser.concat([", reached from "], listed(apis), more > 0 ? [" and " + more + " more APIs"] : []);
    }
    var prefix = code ? own(catalogue.prefixes, first.code) : undefined;
    return {
      kind: "message", matched: match[0], count: 1,
      meaning: raiser.concat([": " + rule.meaning + treeNote(span, trees)]),
      advice: rule.advice ? [rule.advice] : [],
      facts: [["template: ", { code: group.template }]].concat(sites.length > 1 ? [["raised at " + sites.length + " places: " +
        sites.slice(0, MAX_SITES).map(function (s) { return (s.function || s.file) + " (" + s.component + ")"; }).join(", ") +
        (sites.length > MAX_SITES ? ", ..." : "")]] : []),
      fields: {
        template: group.template, code: first.code, prefix: prefix === undefined ? null : prefix, component: first.component,
        "function": first.function, problem: rule.kind, apis: apis, first_tree: span[0], last_tree: span[1], site_count: sites.length
      }
    };
  }

  /* As NamedSymbols.add(): count the libvirt names LINE gives, remembering no more than MAX_NAMES of them. */
  function addNames(named, line) {
    (line.match(SYMBOL_NAME) || []).forEach(function (name) {
      if (named.has(name) || named.size < MAX_NAMES) named.set(name, (named.get(name) || 0) + 1);
    });
  }

  /* As NamedSymbols.findings(): one finding per named public symbol, in the order the text names them. */
  function symbolFindings(kb, named) {
    var found = [];
    named.forEach(function (count, name) {
      var symbol = kb.symbols.get(name);
      if (!symbol) return;
      found.push({
        kind: "symbol", matched: name, count: count,
        meaning: [{ symbol: name }, " (" + symbol.kind + ") was added in libvirt " + symbol.since + ": no libvirt message about it was recognised"],
        advice: ["a library or daemon older than that lacks it; ", { code: "kb check --server VERSION " + name }, " checks one"],
        fields: { name: name, symbol_kind: symbol.kind, since: symbol.since }
      });
    });
    return found;
  }

  // --- the explainers: one per message, as in kbgen/answers/diagnose.py -------------------

  /* The RPC program whose procedures carry API (remote first), as diagnose.program_of(). */
  function programOf(kb, api) {
    var protocols = api ? (kb.protocolsOf.get(api) || []).slice().sort() : [];
    if (protocols.indexOf("remote") >= 0) return "remote";
    return protocols.length ? protocols[0] : "remote";
  }

  function unknownProcedure(kb, named, number) {
    var protocol = programOf(kb, named);
    var row = own(kb.programs[protocol] || {}, String(Number(number)));
    if (!row) {
      var last = kb.lastOf[protocol];
      var hint = last !== undefined ? "the " + protocol + " protocol of the ingested source trees ends at " + last : "no " + protocol + " protocol in this knowledge base";
      return {
        meaning: [protocol + " procedure " + number + " is not in any ingested source tree (" + hint + ")"], advice: [],
        fields: { number: null, api: null, protocol: null }
      };
    }
    var p = { protocol: protocol, number: Number(number), name: row[0], api: row[1], label: row[2], since: row[3], shown: row[4] };
    return Object.assign(procedureWords(kb, p, {}), {
      procedure: p, facts: p.api ? [["procedure ", { code: p.name }]] : [],
      fields: { number: p.number, api: p.api, protocol: protocol }
    });
  }

  /* As transcript.procedure_words(): what an unknown procedure means given what else the text told. */
  function procedureWords(kb, p, scene) {
    var what = p.api ? [{ symbol: p.api }] : [p.name + " (" + p.label + ", no public API)"];
    var client = scene.client ? " (" + scene.client + ")" : "";
    var daemon = scene.daemon ? " (" + scene.daemon + ")" : "";
    var meaning = ["the client" + client + " called "].concat(what, [" (" + p.protocol + " procedure " + p.number + "), added in " + p.shown +
      ": the daemon" + daemon + " is older than that"]);
    var advice = ["upgrade the daemon to libvirt " + p.since + " or later, or fall back to calls that the daemon's release has"];
    var driver = scene.driver;
    if (!(driver && p.api)) return { meaning: meaning, advice: advice };
    var row = (own(kb.data.support, p.api) || []).filter(function (d) { return d[0] === driver; })[0];
    if (!row && servedElsewhere(kb, p.api, driver) === null) {
      return {
        meaning: meaning.concat(["; no release of the " + driver + " driver implements it, so upgrading the daemon does not help"]),
        advice: ["use a driver that implements it (kb since " + p.api + "), or avoid the call"]
      };
    }
    var raw = row ? row[1].match(/[0-9]+\.[0-9]+\.[0-9]+/)[0] : null;
    if (row && versionKey(raw) > versionKey(p.since)) {
      return {
        meaning: meaning.concat(["; the " + driver + " driver implements it from " + row[1] + ": a " + p.since + " daemon would still refuse it"]),
        advice: ["upgrade the daemon to libvirt " + raw + " or later"]
      };
    }
    return { meaning: meaning, advice: advice };
  }

  /* As query.served_elsewhere(): "library" when no driver implements API, the drivers of another kind, or null. */
  function servedElsewhere(kb, api, driver) {
    var rows = own(kb.data.support, api) || [];
    if (!rows.length) return "library";
    var mine = own(kb.data.driver_groups, driver) || [];
    var groups = own(kb.data.api_groups, api) || [];
    if (groups.some(function (g) { return mine.indexOf(g) >= 0; })) return null;
    return rows.map(function (d) { return d[0]; }).sort().join(", ");
  }

  function decodeFlags(rows, mask, driver) {
    var bits = BigInt("0x" + mask);
    var flags = [];
    rows.forEach(function (row) {
      var value = BigInt(row[1]);
      if (!(bits & value)) return;
      var others = Object.keys(row[2]).filter(function (d) { return d !== driver; }).sort();
      flags.push({ flag: row[0], value: value, since: own(row[2], driver), others: others, flagSince: row[3] });
      bits &= ~value;
    });
    return { flags: flags, rest: bits };
  }

  function flagFact(flag, driver) {
    var verdict = flag.since ? driver + " accepts it " + flag.since : "the " + driver + " driver's mask does not include it";
    var others = flag.others.length ? "; also accepted by " + flag.others.join(", ") : "";
    return [{ symbol: flag.flag }, " = 0x" + flag.value.toString(16) + ": " + verdict + others];
  }

  function camelWords(name) {
    return name.match(/[A-Z]+(?![a-z])|[A-Z][a-z0-9]*|[a-z0-9]+/g) || [];
  }

  /* As flagmessages.older_name_of(): [driver, API] of a function no analysed tree names, from its words. */
  function olderNameOf(kb, fn) {
    var pairs = Object.keys(kb.data.implementations).map(function (f) { return kb.data.implementations[f]; });
    var driver = null;
    pairs.forEach(function (pair) {
      var d = pair[0];
      if (d && fn.indexOf(d) === 0 && /[A-Z]/.test(fn.charAt(d.length)) && (!driver || d.length > driver.length)) driver = d;
    });
    if (!driver) return null;
    var words = camelWords(fn.slice(driver.length)).reverse();
    var apis = Array.from(new Set(pairs.filter(function (pair) { return pair[0] === driver; }).map(function (pair) { return pair[1]; }))).sort();
    var found = apis.filter(function (api) {
      var mine = camelWords(api.slice(3)).reverse();
      return words.length <= mine.length && words.every(function (w, i) { return mine[i].indexOf(w) === 0 || w.indexOf(mine[i]) === 0; });
    });
    return found.length === 1 ? [driver, found[0]] : null;
  }

  function plural(list) { return list.length === 1 ? "it" : "them"; }

  /* As flagmessages.flags_advice(). */
  function flagsAdvice(kb, driver, api, flags, rest) {
    var tree = own(own(kb.data.masks, api) || {}, driver);
    var later = flags.filter(function (f) { return f.since; });
    var never = flags.filter(function (f) { return !f.since && tree && versionKey(f.flagSince) <= versionKey(tree); });
    var unknown = flags.filter(function (f) { return later.indexOf(f) < 0 && never.indexOf(f) < 0; });
    var parts = [];
    if (later.length) {
      parts.push(["upgrade the daemon: the " + driver + " driver accepts "].concat(listedWith(later, function (f) { return " " + f.since; })));
    }
    if (never.length) {
      var others = Array.from(new Set([].concat.apply([], never.map(function (f) { return f.others; })))).sort();
      parts.push(["drop "].concat(listed(never.map(function (f) { return f.flag; })),
        [": no analysed release of the " + driver + " driver accepts " + plural(never) + (others.length ? " (accepted by " + others.join(", ") + ")" : "")]));
    }
    if (unknown.length) {
      parts.push(listed(unknown.map(function (f) { return f.flag; })).concat([": whether the " + driver + " driver accepts " + plural(unknown) + " is not known"]));
    }
    if (rest) {
      parts.push(["0x" + rest.toString(16) + ": no flag of ", { symbol: api }, " in any ingested release has these bits; the client passed a newer or a wrong value"]);
    }
    var advice = [];
    parts.forEach(function (part, i) { advice = advice.concat(i ? ["; "] : [], part); });
    return advice;
  }

  function listedWith(flags, after) {
    var parts = [];
    flags.forEach(function (f, i) {
      if (i) parts.push(", ");
      parts.push({ symbol: f.flag }, after(f));
    });
    return parts;
  }

  function unsupportedFlags(kb, mask, fn) {
    var impl = own(kb.data.implementations, fn);
    var older = !impl && olderNameOf(kb, fn);
    if (older) impl = older;
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
    var rest = decoded.rest ? ["0x" + decoded.rest.toString(16) + " is no known flag of ", { symbol: api }] : [];
    return {
      meaning: ["the " + driver + " driver's ", { symbol: api }, (older ? " (as " + fn + ", a name older than the analysed source trees)" : "") +
        " rejected flags 0x" + mask + ": "].concat(listed(names), names.length && rest.length ? ["; "] : [], rest),
      advice: flagsAdvice(kb, driver, api, decoded.flags, decoded.rest),
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

  /* As linker.version_nodes(): MODULE's nodes oldest first, or null past the newest ingested release. */
  function versionNodes(kb, prefix, version) {
    if (!kb.data.newest_release || versionKey(version) > versionKey(kb.data.newest_release)) return null;
    var start = "LIBVIRT_" + prefix;
    return Object.keys(kb.data.sections).filter(function (s) {
      return s.indexOf(start) === 0 && /^[0-9]/.test(s.slice(start.length));
    }).sort(function (a, b) { return versionKey(nodeVersion(a)) - versionKey(nodeVersion(b)); });
  }

  function nodeVersion(section) { return section.slice(section.lastIndexOf("_") + 1); }

  function noSuchNode(section, prefix, version, nodes) {
    var before = nodes.filter(function (n) { return versionKey(nodeVersion(n)) < versionKey(version); }).slice(-1);
    var after = nodes.filter(function (n) { return versionKey(nodeVersion(n)) > versionKey(version); }).slice(0, 1);
    var near = before.concat(after);
    return {
      kind: "unknown-version-node",
      meaning: ["no libvirt release defined " + section + " in " + LIBRARIES[own(SYMS_MODULES, prefix)] + "'s symbol file (the nodes around it: " +
        (near.join(", ") || "none known") + "): the program was not built against a released libvirt, or the text was altered"],
      advice: ["rebuild the program against the installed libvirt, and check the name in the message"],
      fields: { section: section, nearest: near }
    };
  }

  function privateSymbols(kb, version) {
    return {
      meaning: ["a libvirt component (libvirtd, virsh, a driver module, libvirt-qemu.so ...) needs LIBVIRT_PRIVATE_" + version +
        ", the private symbols only libvirt.so " + version + " itself has: packages of different libvirt releases are installed together; this is no API gap"],
      advice: ["install every libvirt package from one release (" + version + ", or upgrade them all together)"],
      fields: { version: version }
    };
  }

  function eventEnum(family) {
    return "vir" + (family || "domain").split(" ").filter(Boolean).map(function (w) { return w.charAt(0).toUpperCase() + w.slice(1); }).join("") + "EventID";
  }

  function unsupportedEvent(kb, family, number) {
    var enumType = eventEnum(family);
    var events = own(kb.data.events, enumType) || { registered: [], ids: {} };
    var found = own(events.ids, String(Number(number)));
    if (!found) {
      return { meaning: [number + " is no " + enumType + " constant of any ingested release"], advice: [],
               fields: { enum_type: enumType, number: Number(number), event: null } };
    }
    return {
      meaning: ["the client registered for ", { symbol: found[0] }, " (" + enumType + " " + number + ", added in " + found[1] + ")"]
        .concat(events.registered.length ? [" with "].concat(listed(events.registered)) : [], [": the daemon is older than that"]),
      advice: ["upgrade the daemon to libvirt " + found[2] + " or later, or register for this event only with daemons that have it"],
      fields: { enum_type: enumType, number: Number(number), event: found[0] }
    };
  }

  function unsupportedParameter(kb, param) {
    var macros = own(kb.data.params, param) || [];
    if (!macros.length) {
      return { meaning: ["'" + param + "' is the name of no typed-parameter macro of any ingested release"], advice: [],
               fields: { param: param, macros: [] } };
    }
    var meaning = ["the connection's driver refused typed parameter '" + param + "': "];
    macros.forEach(function (m, i) {
      var accepted = m[2].map(function (a) { return a[0] + " " + a[1] + " " + a[2]; }).join(", ");
      meaning = meaning.concat(i ? ["; "] : [], [{ symbol: m[0] }, " (added in " + m[1] + "), accepted by " + (accepted || "no analysed driver")]);
    });
    var any = macros.some(function (m) { return m[2].length; });
    return {
      meaning: meaning,
      advice: [any ? "use a daemon release and driver from that list, or drop the parameter" : "no analysed driver accepts it: drop the parameter"],
      fields: { param: param, macros: macros.map(function (m) { return m[0]; }) }
    };
  }

  function symbolVersion(kb, prefix, version) {
    var section = "LIBVIRT_" + prefix + version;
    var names = own(kb.data.sections, section) || [];
    var nodes = names.length ? null : versionNodes(kb, prefix, version);
    if (nodes) return noSuchNode(section, prefix, version, nodes);
    var shown = names.length ? listed(names.slice(0, 8)) : ["none known"];
    return {
      meaning: ["the program needs symbols of " + section + " ("].concat(shown, [
        (names.length > 8 ? " ..." : "") + "): the installed " + own(SYMS_MODULES, prefix) + " library is older than " + version]),
      advice: ["install libvirt " + version + " or later, or rebuild the program against the installed libvirt"],
      facts: names.length > 8 ? [["all " + names.length + ": "].concat(listed(names))] : [],
      fields: { section: section, symbols: names }
    };
  }

  function versionLine(kb, source, version) {
    return { version: version, role: DAEMON_LINES.indexOf(source) >= 0 ? "daemon" : "client" };
  }

  // --- a name a program used and its libvirt lacked, as kbgen/answers/bindingmessages.py ---------

  var CLOSE_NAMES = 3;
  var CLOSE_CUTOFF = 0.8;
  var PYTHON = "the installed libvirt-python (or the libvirt it was built against)";
  var NO_MODULE = " (the message names no module: libvirt assumed)";
  var BINDING_MODULES = ["libvirt", "libvirt_qemu", "libvirt_lxc"];

  /* As bindingmessages._symbol(): a public symbol's kind, its version as shown, the release that surely has it and its date. */
  function symbolOf(kb, name) {
    var symbol = kb.symbols.get(name);
    if (!symbol) return null;
    var versions = symbol.since.match(/[0-9]+\.[0-9]+\.[0-9]+/g);
    var newest = symbol.exact ? symbol.since : versions[versions.length - 1];
    var date = symbol.exact ? own(kb.data.release_dates, symbol.since) : null;
    return { kind: symbol.kind, since: symbol.since, newest: newest, dated: symbol.since + (date ? ", " + date : "") };
  }

  /* The number of characters difflib.SequenceMatcher(None, a, b) matches (no junk: B is shorter than 200). */
  function matchedCount(a, b, b2j) {
    var total = 0;
    var queue = [[0, a.length, 0, b.length]];
    while (queue.length) {
      var q = queue.pop();
      var best = [q[0], q[2], 0];
      var lengths = new Map();
      for (var i = q[0]; i < q[1]; i++) {
        var next = new Map();
        var js = b2j.get(a[i]) || [];
        for (var n = 0; n < js.length && js[n] < q[3]; n++) {
          if (js[n] < q[2]) continue;
          var k = (lengths.get(js[n] - 1) || 0) + 1;
          next.set(js[n], k);
          if (k > best[2]) best = [i - k + 1, js[n] - k + 1, k];
        }
        lengths = next;
      }
      if (!best[2]) continue;
      total += best[2];
      if (q[0] < best[0] && q[2] < best[1]) queue.push([q[0], best[0], q[2], best[1]]);
      if (best[0] + best[2] < q[1] && best[1] + best[2] < q[3]) queue.push([best[0] + best[2], q[1], best[1] + best[2], q[3]]);
    }
    return total;
  }

  /* As bindingmessages.close_names() (difflib.get_close_matches): the NAMES most like NAME, best first. */
  function closeNames(name, names) {
    var b2j = new Map();
    Array.from(name).forEach(function (c, j) {
      if (!b2j.has(c)) b2j.set(c, []);
      b2j.get(c).push(j);
    });
    var scored = [];
    names.forEach(function (x) {
      var size = x.length + name.length;
      if (2 * Math.min(x.length, name.length) / size < CLOSE_CUTOFF) return;
      var ratio = 2 * matchedCount(x, name, b2j) / size;
      if (ratio >= CLOSE_CUTOFF) scored.push([ratio, x]);
    });
    scored.sort(function (p, q) { return q[0] - p[0] || (p[1] < q[1] ? 1 : p[1] > q[1] ? -1 : 0); });
    return scored.slice(0, CLOSE_NAMES).map(function (p) { return p[1]; });
  }

  function unknownWords(what, close) {
    return {
      meaning: [what + " is no libvirt name in any ingested release (a typo?)"],
      advice: close.length ? ["close names: "].concat(listed(close)) : ["check the spelling: no libvirt name is close to it"]
    };
  }

  function compilerName(kb, name) {
    var fields = { name: name, symbol_kind: null, since: null, needed: null, close: [] };
    var symbol = symbolOf(kb, name);
    if (!symbol) {
      fields.close = closeNames(name, Array.from(kb.symbols.keys()));
      return Object.assign(unknownWords(name, fields.close), { fields: fields });
    }
    var needed = symbol.newest;
    return {
      meaning: [{ symbol: name }, " (" + symbol.kind + ") was added in libvirt " + symbol.dated + ": the installed libvirt headers (libvirt-dev) are older than " + needed],
      advice: ["install libvirt's headers (libvirt-dev) " + needed + " or later, or guard its use with ",
        { code: "#if LIBVIR_CHECK_VERSION(" + needed.split(".").join(", ") + ")" }],
      fields: Object.assign(fields, { symbol_kind: symbol.kind, since: symbol.since, needed: needed })
    };
  }

  function moduleAttribute(kb, module, member) {
    return attributeOf(kb, (module || "libvirt") + "." + member, null, member, module || null);
  }

  /* As bindingmessages.python_rule(). */
  function pythonRule(cls, member) {
    if (cls) return /^[A-Za-z]/.test(member) ? cls + member.charAt(0).toUpperCase() + member.slice(1) : null;
    return member.indexOf("VIR_") === 0 ? member : null;
  }

  /* As bindings.resolve()'s last resort: the bindings with MEMBER that call a C symbol (of MODULE's, if given). */
  function bindingsWith(kb, member, module) {
    return Object.keys(kb.data.bindings).filter(function (name) {
      var dot = name.lastIndexOf(".");
      var prefix = name.slice(0, name.indexOf("."));
      var owner = BINDING_MODULES.indexOf(prefix) >= 0 ? prefix : "libvirt";
      return name.slice(dot + 1) === member && kb.data.bindings[name][0] !== null && (!module || owner === module);
    }).sort();
  }

  /* As bindingmessages._attribute(). */
  function attributeOf(kb, typed, cls, member, module) {
    var note = cls || module ? "" : NO_MODULE;
    var what = typed + note;
    var fields = { typed: typed, assumed_module: !(cls || module), binding: null, c_symbol: null, matched_by: null, since: null,
                   first_release: null, needed: null, elsewhere: [], close: [] };
    var row = own(kb.data.bindings, typed);
    var rule = pythonRule(cls, member);
    if (row) Object.assign(fields, { binding: typed, c_symbol: row[0], matched_by: "bindings table", first_release: row[1] });
    else if (rule && kb.symbols.has(rule)) Object.assign(fields, { c_symbol: rule, matched_by: "naming rule" });
    else {
      var elsewhere = bindingsWith(kb, member, cls ? null : module || "libvirt");
      if (!elsewhere.length && !cls) elsewhere = bindingsWith(kb, member, null);  /* a name of another libvirt module */
      if (elsewhere.length) {
        Object.assign(fields, { matched_by: "another class", elsewhere: elsewhere });
        return {
          meaning: [what + " is in no ingested python3-libvirt release, but " + elsewhere.join(", ") + " " + (elsewhere.length === 1 ? "is" : "are") +
            ": the name belongs to another class or module"],
          advice: ["use it on an object (or module) that has it"], fields: fields
        };
      }
      fields.close = closeNames(typed, Object.keys(kb.data.bindings));
      return Object.assign(unknownWords(what, fields.close), { fields: fields });
    }
    var symbol = fields.c_symbol ? symbolOf(kb, fields.c_symbol) : null;
    var first = fields.first_release;
    var later = first && first !== kb.data.oldest_binding ? first : null;
    var known = [symbol ? symbol.newest : null, later].filter(function (v) { return v; });
    known.sort(function (a, b) { return versionKey(a) - versionKey(b); });
    Object.assign(fields, { since: symbol ? symbol.since : null, needed: known.length ? known[known.length - 1] : null });
    var meaning;
    if (!fields.c_symbol) meaning = [what + " is python3-libvirt's own code, the binding of no one libvirt symbol"];
    else {
      meaning = [what + " is the binding of ", { symbol: fields.c_symbol },
        (fields.matched_by === "naming rule" ? " (by the naming rule: the ingested python3-libvirt releases lack it)" : "") +
        (symbol ? ", added in libvirt " + symbol.dated : ", which no ingested libvirt release declares (its release is unknown)")];
    }
    if (first) {
      meaning.push("; python3-libvirt has it " + (first === kb.data.oldest_binding ? "in every ingested release from " + first
        : "from " + first + " (the ingested releases before lack it)"));
    }
    if (!fields.needed) {
      return { meaning: meaning.concat([": " + PYTHON + " lacks it (the release that added it is unknown)"]), advice: ["install a newer libvirt-python"], fields: fields };
    }
    return {
      meaning: meaning.concat([": " + PYTHON + " is older than " + fields.needed]),
      advice: ["install libvirt-python " + fields.needed + " or later (its version numbers follow libvirt's)"], fields: fields
    };
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
    "unsupported-event": unsupportedEvent,
    "unsupported-parameter": unsupportedParameter,
    "private-symbol-version": privateSymbols,
    "symbol-version": symbolVersion,
    "daemon-version": versionLine,
    "hypervisor-version": function (kb, name, version) { return { hypervisor: name + " " + version }; },
    "connection-uri": function (kb, scheme) { return { scheme: scheme }; },
    "binding-attribute": function (kb, cls, member) { return attributeOf(kb, cls + "." + member, cls, member, null); },
    "binding-module-attribute": moduleAttribute,
    "binding-import": function (kb, member, module) { return moduleAttribute(kb, module, member); },
    "c-undeclared": compilerName,
    "c-implicit-declaration": compilerName
  };

  /* As transcript._refused(): the APIs with a procedure added after DAEMON, up to CLIENT (if known). */
  function refusedBy(kb, daemon, client) {
    var low = versionKey(daemon);
    var high = client ? versionKey(client) : Infinity;
    return kb.functions.filter(function (f) { return f.key > low && f.key <= high && kb.procedureOf.has(f.name); })
      .sort(function (a, b) { return a.key - b.key || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0); });
  }

  function versionEnd(context, role, newest) {
    var found = context.filter(function (f) { return f.kind === "daemon-version" && f.role === role; }).map(function (f) { return f.version; });
    found.sort(function (a, b) { return versionKey(a) - versionKey(b); });
    return found.length ? found[newest ? found.length - 1 : 0] : null;
  }

  /* As transcript.story(): the context lines folded into one last finding, each error judged against them. */
  function story(kb, findings) {
    var context = findings.filter(function (f) { return CONTEXT.indexOf(f.kind) >= 0; });
    var uri = context.filter(function (f) { return f.kind === "connection-uri" && kb.drivers.has(f.scheme); })[0];
    var hypervisor = context.filter(function (f) { return f.kind === "hypervisor-version"; })[0];
    var scene = {
      driver: uri ? uri.scheme : null, daemon: versionEnd(context, "daemon", false), client: versionEnd(context, "client", true),
      hypervisor: hypervisor ? hypervisor.hypervisor : null
    };
    var errors = findings.filter(function (f) { return CONTEXT.indexOf(f.kind) < 0; }).map(function (f) { return judged(kb, f, scene); });
    var versions = context.filter(function (f) { return f.kind === "daemon-version"; });
    return versions.length ? errors.concat([summaryOf(kb, versions, scene)]) : errors;
  }

  function judged(kb, finding, scene) {
    if (finding.kind === "unknown-procedure" && finding.procedure) return Object.assign(finding, procedureWords(kb, finding.procedure, scene));
    if (scene.driver === IN_CLIENT && (finding.kind === "unsupported-flags" || finding.kind === "not-supported")) {
      finding.meaning = finding.meaning.concat(["; the connection's test driver runs inside the client: the library" +
        (scene.client ? " (" + scene.client + ")" : "") + " refused it, not a daemon"]);
    }
    return finding;
  }

  function summaryOf(kb, found, scene) {
    var versions = Array.from(new Set(found.map(function (f) { return f.version; })));
    versions.sort(function (a, b) { return versionKey(a) - versionKey(b); });
    var summary = {
      kind: "daemon-version",
      matched: found.map(function (f) { return f.matched; }).join(", "),
      count: found.reduce(function (sum, f) { return sum + f.count; }, 0)
    };
    var refused = [];
    if (scene.driver === IN_CLIENT) {
      summary.meaning = ["libvirt " + versions.join(", ") + " found; the connection's test driver runs inside the client library: no daemon answers its calls"];
      summary.advice = ["errors come from the client library: upgrade it"];
    } else if (!scene.daemon) {
      summary.meaning = ["libvirt " + versions.join(", ") + " found, the client's: the daemon's release is not in the text"];
      summary.advice = [{ code: "virsh version --daemon" }, " prints the daemon's release"];
    } else {
      refused = refusedBy(kb, scene.daemon, scene.client);
      var parts = ["the daemon is libvirt " + scene.daemon];
      if (scene.client) parts.push("the client " + scene.client);
      if (scene.hypervisor) parts.push("the hypervisor " + scene.hypervisor);
      var first = [];
      refused.slice(0, 3).forEach(function (f, i) {
        var p = kb.procedureOf.get(f.name);
        first.push(i ? ", " : ", first among them ", { symbol: f.name }, " (" + f.since + ", " + p.protocol + " procedure " + p.number + ")");
      });
      summary.meaning = [parts.join(", ") + ": a client calling any of the " + refused.length + " APIs added after " + scene.daemon +
        (scene.client ? " up to " + scene.client : "") + " gets 'unknown procedure' from it"].concat(first);
      summary.advice = ["check calls with ", { code: "kb check --server " + scene.daemon + (scene.driver ? " --driver " + scene.driver : "") + " NAME" },
        "; ", { code: "kb diff " + scene.daemon + " " + (scene.client || "NEWER") }, " lists what it lacks"];
    }
    summary.fields = { versions: versions, refused: refused.length, daemon: scene.daemon, client: scene.client, driver: scene.driver };
    return summary;
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
    return Object.assign(explained, { kind: odd.length ? "not-a-version" : explained.kind || pattern.kind, matched: match[0], count: 1 });
  }

  /* Add LINE's messages to FOUND, or count them once more; false if a new one would pass max_findings. */
  function record(kb, line, found) {
    var matches = [];
    kb.patterns.forEach(function (pattern) {
      Array.from(line.matchAll(pattern.regex)).forEach(function (match) { matches.push({ pattern: pattern, match: match }); });
    });
    var taken = matches.map(function (m) { return [m.match.index, m.match.index + m.match[0].length]; });
    findMessages(kb.catalogue, line, taken).forEach(function (f) { matches.push({ pattern: null, group: f.group, match: f.match }); });
    matches.sort(function (a, b) { return a.match.index - b.match.index; });
    for (var i = 0; i < matches.length; i++) {
      var key = (matches[i].pattern ? matches[i].pattern.kind : "message") + "\n" + matches[i].match[0];
      if (found.has(key)) found.get(key).count += 1;
      else if (found.size === kb.rules.max_findings) return false;
      else if (matches[i].pattern) found.set(key, findingOf(kb, matches[i].pattern, matches[i].match));
      else found.set(key, messageFinding(kb, matches[i].group, matches[i].match, line));
    }
    return true;
  }

  /* As explain_lines() in kbgen/answers/diagnose.py: line by line, each cut at max_line characters,
     each distinct message once with its count, reading stopped before a new one past max_findings. */
  function explain(kb, text) {
    var found = new Map();
    var named = new Map();
    var answer = { truncated: false, linesRead: 0, linesCut: 0 };
    var lines = text.split("\n");
    for (var i = 0; i < lines.length && !answer.truncated; i++) {
      var line = head(lines[i], kb.rules.max_line);
      var whole = lines[i].replace(/[\r\n]+$/, "");
      answer.linesRead = i + 1;
      if (head(whole, kb.rules.max_line) !== whole) answer.linesCut += 1;
      answer.truncated = !record(kb, line, found);
      addNames(named, line);
    }
    answer.findings = story(kb, Array.from(found.values()));
    if (!answer.findings.length) answer.findings = symbolFindings(kb, named);
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
