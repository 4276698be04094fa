/* Site behaviour: "/" focuses the search box on every page, and the box searches
   the index as you type on every page (home lists the results in its page, the
   others under the box). Results are built from DOM
   text nodes only. kbgen.loadData is shared with explain.js. */
(function () {
  "use strict";

  var WORD = /[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g;

  /* The top of the site, from this script's own address (…/assets/site.js). */
  var ROOT = (function () {
    var script = document.currentScript;
    var src = script && script.src ? script.src : "";
    return src ? src.replace(/assets\/site\.js(?:[?#].*)?$/, "") : "";
  }());

  function isTyping(target) {
    var tag = target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable;
  }

  function focusOnSlash(box) {
    document.addEventListener("keydown", function (event) {
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
      event.preventDefault();
      box.focus();
      box.select();
    });
  }

  /* NAME.json at the top of the site. fetch() works over http; from file:// it fails,
     so fall back to NAME.js, the same data as a script that sets window[GLOBAL]. */
  function loadData(name, global, done) {
    function fromScript() {
      var script = document.createElement("script");
      script.src = ROOT + name + ".js";
      script.onload = function () { done(window[global]); };
      script.onerror = function () { done(null); };
      document.head.appendChild(script);
    }
    if (!window.fetch || location.protocol === "file:") {
      fromScript();
      return;
    }
    fetch(ROOT + name + ".json")
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(done, fromScript);
  }

  /* How well an entry's kind answers a query, at the same quality of match: functions first. */
  var KIND_ORDER = { "function": 0, "virsh command": 1, "enum": 2, "macro": 2, "XML path": 3 };
  var PAGE_STEP = 50;
  var HELP_DELAY = 120;
  var REMEMBER_DELAY = 300;  /* the query goes into the address once typing pauses: replaceState costs on every key */

  function entry(name, kind, detail, since, href, id) {
    return { name: name, lower: name.toLowerCase(), words: null, kind: kind, detail: detail, since: since, href: href,
             order: KIND_ORDER.hasOwnProperty(kind) ? KIND_ORDER[kind] : 4, alts: null, note: null, value: null, id: id };
  }

  function wordsOf(e) {
    if (!e.words) e.words = (e.name.match(WORD) || []).map(function (w) { return w.toLowerCase(); });
    return e.words;
  }

  function addAlt(e, text, note) {
    (e.alts || (e.alts = [])).push({ lower: text.toLowerCase(), note: note });
  }

  /* A Python binding name calling E. TIE: say so even when E's own name matches as well (a method's name is no C name). */
  function addBinding(e, name, tie) {
    (e.bindings || (e.bindings = [])).push({ lower: name.toLowerCase(), note: "Python: " + name, tie: tie });
  }

  /* QUERY with a variable name programs give a binding class's objects read as the class: conn.x -> virconnect.x. */
  function pythonQuery(query, receivers) {
    var dot = query.indexOf(".");
    var owner = dot > 0 ? query.slice(0, dot) : "";
    return receivers && receivers.hasOwnProperty(owner) ? receivers[owner].toLowerCase() + query.slice(dot) : query;
  }

  /* Every entry the box can find, best kinds and shortest names first: a search keeps this order within a quality of match. */
  function entriesOf(index) {
    var symbols = index.symbols.map(function (row, i) {
      return entry(row[0], index.kinds[row[1]], index.modules[row[2]], row[3], "symbol/" + (row[5] || row[0]) + ".html", i);
    });
    (index.values || []).forEach(function (pair) { addAlt(symbols[pair[0]], pair[1], "= \u201c" + pair[1] + "\u201d"); });
    (index.ints || []).forEach(function (pair) { symbols[pair[0]].value = pair[1]; });
    (index.impls || []).forEach(function (row) { addAlt(symbols[row[1]], row[0], "implemented by " + row[0] + " (" + row[2] + ")"); });
    (index.py || []).forEach(function (row) { addBinding(symbols[row[0]], row[1], true); });
    var constants = index.pyconsts || {};
    Object.keys(constants).forEach(function (module) {
      constants[module].forEach(function (i) { addBinding(symbols[i], module + "." + symbols[i].name, false); });
    });
    var all = symbols.slice();
    var aliases = index.virshalias || {}, stems = index.virshpages || {};
    (index.virsh || []).forEach(function (row, i) {
      var command = aliases[row[0]] || row[0];
      var apis = row.slice(1).map(function (s) { return symbols[s].name; });
      var detail = (command !== row[0] ? "alias of " + command + "; " : "") + (apis.length ? "calls " + apis.join(", ") : "no API call found");
      all.push(entry(row[0], "virsh command", detail, apis.length ? symbols[row[1]].since : "",
                     "virsh/" + (stems[command] || command) + ".html", symbols.length + i));
    });
    (index.xml || []).forEach(function (row, i) {
      var e = entry(row[0], "XML path", xmlKind(row[0]), row[1], xmlHref(row[0], row[2]), all.length + i);
      e.noInitials = true;
      all.push(e);
    });
    all.sort(function (a, b) {
      return a.order - b.order || a.name.length - b.name.length || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    });
    return all;
  }

  /* Does QUERY spell out prefixes of WORDS, in order (skipping words is allowed)?
     "undefflags" matches vir|Domain|Undefine|Flags as und(efine) + flags. */
  function matchesInitials(query, words) {
    var failed = {};
    function from(q, w) {
      if (q === query.length) return true;
      var key = q + ":" + w;
      if (failed[key]) return false;
      for (var i = w; i < words.length; i++) {
        var word = words[i];
        var n = 0;
        while (n < word.length && q + n < query.length && word[n] === query[q + n]) n++;
        for (; n > 0; n--) {
          if (from(q + n, i + 1)) return true;
        }
      }
      failed[key] = true;
      return false;
    }
    return from(0, 0);
  }

  /* Are QUERY's letters in TEXT, in order? Cheap, and needed for an initials match. */
  function inOrder(query, text) {
    var at = 0;
    for (var i = 0; i < query.length; i++) {
      at = text.indexOf(query[i], at) + 1;
      if (at === 0) return false;
    }
    return true;
  }

  function isAlnum(code) {
    return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
  }

  /* Does a word of NAME start at AT (after a non-letter, or a capital after a small letter)? */
  function boundary(name, at) {
    if (at === 0) return true;
    var before = name.charCodeAt(at - 1), here = name.charCodeAt(at);
    if (!isAlnum(before)) return true;
    return here >= 65 && here <= 90 && before >= 97 && before <= 122;
  }

  /* Quality of a match of TEXT (lower case) against LOWER/NAME: 0 exact, 1 prefix, 2 at a word, 3 inside a word; -1 none. */
  function quality(lower, name, text) {
    if (lower === text) return 0;
    var at = lower.indexOf(text);
    if (at < 0) return -1;
    if (at === 0) return 1;
    if (boundary(name, at)) return 2;
    var last = lower.lastIndexOf(text);
    return last !== at && boundary(name, last) ? 2 : 3;
  }

  var INITIALS = 4;
  var OTHER_NAME = 2;  /* a match on another name (value, implementation) counts as no better than one at a word */
  var QUALITIES = 6;

  /* The quality of E's best match and what it matched, or -1. PY: the query as a binding name (pythonQuery). */
  function rank(e, query, compact, hit, py) {
    var best = quality(e.lower, e.name, query);
    hit.note = null;
    if (best !== 0 && e.alts) {
      for (var i = 0; i < e.alts.length; i++) {
        var q = quality(e.alts[i].lower, e.alts[i].lower, query);
        if (q >= 0 && Math.max(q, OTHER_NAME) < (best < 0 ? QUALITIES : best)) {
          best = Math.max(q, OTHER_NAME);
          hit.note = e.alts[i].note;
        }
      }
    }
    for (var j = 0; e.bindings && best !== 0 && j < e.bindings.length; j++) {
      var b = e.bindings[j], bq = quality(b.lower, b.lower, py);
      if (bq < 0) continue;
      bq = Math.max(bq, OTHER_NAME);
      if (best < 0 || bq < best || (bq === best && b.tie && !hit.note)) {
        best = bq;
        hit.note = b.note;
      }
    }
    if (best < 0 && compact.length > 1 && !e.noInitials && inOrder(compact, e.lower) && matchesInitials(compact, wordsOf(e))) best = INITIALS;
    if (e.kind === "virsh command" || e.kind === "XML path") {
      if (best >= 0 && best < OTHER_NAME) best = OTHER_NAME + best;
    }
    return best;
  }

  function hexValue(query) {
    var match = /^0x([0-9a-f]+)$/.exec(query);
    return match ? parseInt(match[1], 16) : null;
  }

  /* A search: every matching entry, best first, and how many of each kind. Extending the previous query searches
     only what matched it (a longer query never matches more). */
  function Searcher(entries, receivers) {
    var previous = null;
    this.entries = entries;
    this.search = function (text) {
      var query = text.trim().toLowerCase().replace(/\s+/g, " ");
      if (!query) {
        previous = null;
        return { hits: [], notes: {}, counts: {} };
      }
      var compact = query.replace(/[^a-z0-9]/g, "");
      var py = pythonQuery(query, receivers);
      var pool = previous && query.indexOf(previous.query) === 0 && previous.compact === compact.slice(0, previous.compact.length)
        && py.indexOf(previous.py) === 0 ? previous.matched : entries;
      var buckets = [];
      for (var b = 0; b < QUALITIES; b++) buckets.push([]);
      var notes = {};
      var hit = { note: null };
      var hex = hexValue(query);
      var matched = [];
      for (var i = 0; i < pool.length; i++) {
        var e = pool[i];
        var r = rank(e, query, compact, hit, py);
        if (r >= 0) {
          matched.push(e);
          buckets[r].push(e);
          if (hit.note) notes[e.id] = hit.note;
        } else if (hex !== null && e.value === hex) {
          buckets[OTHER_NAME].push(e);
          notes[e.id] = "= " + query;
        }
      }
      previous = { query: query, compact: compact, py: py, matched: hex === null ? matched : entries };
      var hits = [].concat.apply([], buckets);
      var counts = {};
      for (var j = 0; j < hits.length; j++) counts[hits[j].kind] = (counts[hits[j].kind] || 0) + 1;
      return { hits: hits, notes: notes, counts: counts };
    };
  }

  /* Edit distance from QUERY to the closest part of NAME (a typo anywhere), at most LIMIT + 1. */
  function distanceWithin(query, name, limit) {
    var row = new Array(query.length + 1);
    for (var i = 0; i <= query.length; i++) row[i] = i;
    var best = row[query.length];
    for (var j = 1; j <= name.length; j++) {
      var diagonal = row[0];
      row[0] = 0;
      for (var k = 1; k <= query.length; k++) {
        var above = row[k];
        row[k] = Math.min(above + 1, row[k - 1] + 1, diagonal + (query[k - 1] === name[j - 1] ? 0 : 1));
        diagonal = above;
      }
      if (row[query.length] < best) best = row[query.length];
    }
    return best;
  }

  function suggestions(entries, text) {
    var query = text.trim().toLowerCase().replace(/[\s_-]+/g, "");
    if (query.length < 4) return [];
    var limit = Math.max(1, Math.floor(query.length / 4));
    var found = [];
    for (var i = 0; i < entries.length; i++) {
      var e = entries[i];
      if (e.kind === "XML path") continue;
      var d = distanceWithin(query, e.lower.replace(/[_-]/g, ""), limit);
      if (d <= limit) found.push({ d: d, e: e });
    }
    found.sort(function (a, b) { return a.d - b.d; });
    return found.slice(0, 3).map(function (f) { return f.e; });
  }

  var LOOKS_LIKE_AN_ERROR = /\berror\b|\bfailed\b|unsupported|not supported|unknown procedure|\binvalid\b|\bcannot\b|\bdenied\b|:\s.*\s/i;

  function span(className, text) {
    var element = document.createElement("span");
    element.className = className;
    element.textContent = text;
    return element;
  }

  function hrefOf(e) {
    if (e.external) return e.href;
    var setting = daemonSetting();
    var hash = e.href.indexOf("#");
    var page = hash < 0 ? e.href : e.href.slice(0, hash);
    return ROOT + page + (setting ? "?" + daemonQuery(setting) : "") + (hash < 0 ? "" : e.href.slice(hash));
  }

  function resultItem(e, position, note) {
    var item = document.createElement("li");
    item.id = "result-" + position;
    item.setAttribute("role", "option");
    item.setAttribute("aria-selected", "false");
    item.dataset.href = hrefOf(e);
    item.append(span("name", e.name), span("kind", e.kind), span("module", note || e.detail), span("since", e.since));
    return item;
  }

  function statusText(total, shown, text) {
    if (!text.trim()) return "";
    if (total === 0) return "Nothing matches \u201c" + text.trim() + "\u201d.";
    if (total > shown) return total + " matches, showing " + shown + ".";
    return total === 1 ? "1 match." : total + " matches.";
  }

  function button(text, onClick) {
    var element = document.createElement("button");
    element.type = "button";
    element.textContent = text;
    element.addEventListener("click", onClick);
    return element;
  }

  function liveSearch(box, parts, searcher) {
    var list = parts.list, status = parts.status, more = parts.more;
    var result = { hits: [], notes: {}, counts: {} };
    var shownHits = [];
    var kind = "";
    var shown = PAGE_STEP;
    var selected = -1;
    var helpTimer = 0;
    var rememberTimer = 0;
    var drawn = "";

    function select(position, scroll) {
      var items = list.children;
      if (selected >= 0 && items[selected]) items[selected].setAttribute("aria-selected", "false");
      selected = position;
      if (selected < 0 || !items[selected]) {
        box.removeAttribute("aria-activedescendant");
        return;
      }
      items[selected].setAttribute("aria-selected", "true");
      if (scroll) items[selected].scrollIntoView({ block: "nearest" });
      box.setAttribute("aria-activedescendant", items[selected].id);
    }

    function remember(text) {
      if (!parts.home) return;
      var params = new URLSearchParams(location.search);
      if (text.trim()) params.set("q", text.trim());
      else params.delete("q");
      var query = params.toString();
      try {
        history.replaceState(null, "", query ? "?" + query : location.pathname);
      } catch (ignored) { /* some browsers refuse replaceState on file:// */ }
    }

    function rememberNow() {
      clearTimeout(rememberTimer);
      remember(box.value);
    }

    function rememberSoon() {
      clearTimeout(rememberTimer);
      rememberTimer = setTimeout(rememberNow, REMEMBER_DELAY);
    }

    function filters() {
      var kinds = Object.keys(result.counts).sort();
      if (kinds.length < 2) return [];
      var all = [button("all " + result.hits.length, function () { kind = ""; shown = PAGE_STEP; draw(); })];
      all[0].setAttribute("aria-pressed", kind ? "false" : "true");
      kinds.forEach(function (k) {
        var b = button(k + " " + result.counts[k], function () { kind = k; shown = PAGE_STEP; draw(); });
        b.setAttribute("aria-pressed", kind === k ? "true" : "false");
        all.push(b);
      });
      return all;
    }

    function emptyHelp(text) {
      var help = [];
      var near = suggestions(searcher.entries, text);
      if (near.length) {
        var p = document.createElement("p");
        p.append("Did you mean ");
        near.forEach(function (e, i) {
          var a = document.createElement("a");
          a.href = hrefOf(e);
          a.textContent = e.name;
          p.append(a, i < near.length - 1 ? ", " : "?");
        });
        help.push(p);
      }
      if (LOOKS_LIKE_AN_ERROR.test(text)) {
        var q = document.createElement("p");
        var link = document.createElement("a");
        link.href = ROOT + "explain.html?q=" + encodeURIComponent(text.trim());
        link.textContent = "Explain this error message";
        q.append(link, " (what it means, and which release or driver lacks what).");
        help.push(q);
      }
      return help;
    }

    /* What draw() would show: when a key leaves it as it was, the list is not rebuilt (nor laid out again). */
    function drawing() {
      var ids = [];
      for (var i = 0; i < shownHits.length && i < shown; i++) ids.push(shownHits[i].id + ":" + (result.notes[shownHits[i].id] || ""));
      return [kind, shown, shownHits.length, result.hits.length, JSON.stringify(result.counts), ids.join(",")].join("|");
    }

    function draw() {
      shownHits = kind ? result.hits.filter(function (e) { return e.kind === kind; }) : result.hits;
      var now = drawing();
      if (now === drawn && result.hits.length) {
        status.textContent = statusText(shownHits.length, list.children.length, box.value);
        if (parts.popup) parts.popup.hidden = !box.value.trim();
        select(list.children.length ? 0 : -1);
        return;
      }
      drawn = now;
      var items = [];
      for (var i = 0; i < shownHits.length && i < shown; i++) items.push(resultItem(shownHits[i], i, result.notes[shownHits[i].id]));
      list.replaceChildren.apply(list, items);
      box.setAttribute("aria-expanded", items.length ? "true" : "false");
      status.textContent = statusText(shownHits.length, items.length, box.value);
      var extra = result.hits.length ? filters() : [];
      clearTimeout(helpTimer);
      if (!result.hits.length && box.value.trim()) {
        var asked = box.value;
        /* the suggestions compare the text with every name: once typing pauses, not on every key */
        helpTimer = setTimeout(function () { if (box.value === asked) more.append.apply(more, emptyHelp(asked)); }, HELP_DELAY);
      }
      if (shownHits.length > items.length) {
        extra.push(button("Show " + Math.min(PAGE_STEP, shownHits.length - items.length) + " more", function () { shown += PAGE_STEP; draw(); }));
      }
      more.replaceChildren.apply(more, extra);
      if (parts.popup) parts.popup.hidden = !box.value.trim();
      select(items.length ? 0 : -1);
    }

    function update() {
      result = searcher.search(box.value);
      kind = "";
      shown = PAGE_STEP;
      draw();
      rememberSoon();
    }

    function open(item, newTab) {
      rememberNow();  /* Back comes to this query */
      if (newTab) window.open(item.dataset.href, "_blank", "noopener");
      else location.href = item.dataset.href;
    }

    function onKey(event) {
      var count = list.children.length;
      if (event.key === "ArrowDown" && count) {
        event.preventDefault();
        select((selected + 1) % count, true);
      } else if (event.key === "ArrowUp" && count) {
        event.preventDefault();
        select((selected - 1 + count) % count, true);
      } else if (event.key === "Enter") {
        event.preventDefault();
        rememberNow();
        if (selected >= 0 && list.children[selected]) open(list.children[selected], event.ctrlKey || event.metaKey);
      } else if (event.key === "Escape") {
        box.value = "";
        update();
      }
    }

    list.addEventListener("click", function (event) {
      var item = event.target.closest("li[data-href]");
      if (item) open(item, event.ctrlKey || event.metaKey || event.button === 1);
    });
    list.addEventListener("auxclick", function (event) {
      var item = event.target.closest("li[data-href]");
      if (item && event.button === 1) open(item, true);
    });
    box.addEventListener("input", update);
    box.addEventListener("keydown", onKey);
    box.addEventListener("blur", rememberNow);
    update();
    return update;
  }

  /* The results of the header's box: the home page has its own list; every other page gets one under the box. */
  function resultParts(box) {
    var list = document.getElementById("results");
    var status = document.getElementById("status");
    var more = document.getElementById("results-more");
    if (list && status) {
      if (!more) {
        more = document.createElement("div");
        more.id = "results-more";
        more.className = "results-more";
        list.after(more);
      }
      return { list: list, status: status, more: more, home: true };
    }
    var popup = document.createElement("div");
    popup.className = "search-popup";
    popup.hidden = true;
    status = document.createElement("p");
    status.id = "status";
    status.className = "status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    list = document.createElement("ol");
    list.id = "results";
    list.className = "results";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Matching names");
    more = document.createElement("div");
    more.id = "results-more";
    more.className = "results-more";
    popup.append(status, list, more);
    box.form.after(popup);
    document.addEventListener("click", function (event) {
      if (!popup.contains(event.target) && event.target !== box) popup.hidden = true;
    });
    box.addEventListener("focus", function () { if (box.value.trim()) popup.hidden = false; });
    return { list: list, status: status, more: more, home: false, popup: popup };
  }

  function startLiveSearch(box) {
    var parts = null;
    var started = false;
    function begin() {
      if (started) return;
      started = true;
      parts = resultParts(box);
      box.setAttribute("role", "combobox");
      box.setAttribute("aria-controls", "results");
      box.setAttribute("aria-autocomplete", "list");
      box.setAttribute("aria-expanded", "false");
      parts.status.textContent = "Loading the index\u2026";
      loadData("search-index", "KB_INDEX", function (index) {
        if (!index) {
          parts.status.textContent = "The search index could not be loaded.";
          return;
        }
        parts.status.textContent = "";
        liveSearch(box, parts, new Searcher(entriesOf(index), index.receivers));
      });
    }
    var home = document.getElementById("results");
    if (home) {
      var initial = new URLSearchParams(location.search).get("q");
      if (initial && !box.value) box.value = initial;
      begin();
    } else if (ROOT) {  /* not in 404.html, whose inlined script cannot tell where the site's top is */
      box.addEventListener("focus", begin);
      box.addEventListener("input", begin);
    }
  }

  /* "My daemon": ?server=9.0.0&driver=qemu in the address. Kept on every link of the site, and with it set the
     function pages, their flags and the matrix say in words whether each thing works on that daemon, and why not. */
  var DAEMON_KEYS = ["server", "driver"];

  function versionKey(text) {
    var m = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(text || "");
    return m ? (+m[1]) * 1000000 + (+m[2]) * 1000 + (+(m[3] || 0)) : null;
  }

  /* Read once: every result of every keystroke links with it, and only leaving the page changes it. */
  var readSetting;
  function daemonSetting() {
    if (readSetting !== undefined) return readSetting;
    var params = new URLSearchParams(location.search);
    var server = (params.get("server") || "").trim(), driver = (params.get("driver") || "").trim();
    readSetting = !server && !driver ? null : { server: server, key: versionKey(server), driver: driver };
    return readSetting;
  }

  function daemonQuery(setting) {
    var params = new URLSearchParams();
    if (setting.server) params.set("server", setting.server);
    if (setting.driver) params.set("driver", setting.driver);
    return params.toString();
  }

  /* Every link to a page of this site carries the setting. */
  function carry(setting) {
    var links = document.querySelectorAll("a[href]");
    for (var i = 0; i < links.length; i++) {
      var raw = links[i].getAttribute("href");
      if (/^(?:[a-z][a-z0-9+.-]*:|\/\/|#)/i.test(raw) || !/\.html(?:[?#]|$)/.test(raw)) continue;
      var url = new URL(links[i].href);
      DAEMON_KEYS.forEach(function (k) { if (setting[k]) url.searchParams.set(k, setting[k]); });
      links[i].href = url.href;
    }
    var form = document.querySelector("form.search");
    if (form) {
      DAEMON_KEYS.forEach(function (k) {
        if (!setting[k]) return;
        var hidden = document.createElement("input");
        hidden.type = "hidden";
        hidden.name = k;
        hidden.value = setting[k];
        form.append(hidden);
      });
    }
  }

  /* Does it work on the daemon? {ok: true|false|null (unknown), why: words}. SINCE/BOUND/REMOVED: the driver's row. */
  function driverVerdict(setting, api, row, newest) {
    var name = setting.driver + " driver";
    var early = apiVerdict(setting, api, newest);
    if (early) return early;
    if (!row) return { ok: false, why: "the " + name + " lacks it" };
    if (setting.key < versionKey(row.since)) {
      return row.bound ? { ok: null, why: "unknown: the " + name + " has it by " + row.since }
        : { ok: false, why: "the " + name + " lacks it: added there in " + row.since };
    }
    if (row.removed && setting.key >= versionKey(row.removed)) return { ok: false, why: "the " + name + " lacks it: removed in " + row.removed };
    return { ok: true, why: "works: the " + name + " has it since " + row.since };
  }

  /* The API alone on the daemon: null when the daemon's release has it (or it is not known when the API came). */
  function apiVerdict(setting, api, newest) {
    if (setting.key > newest.key) return { ok: null, why: "unknown: " + setting.server + " is newer than the newest analysed release (" + newest.text + ")" };
    if (api && versionKey(api.since) !== null && setting.key < versionKey(api.since)) {
      return { ok: api.bound ? null : false, why: (api.bound ? "unknown: the API is known only by " : "API too new: added in ") + api.since };
    }
    return null;
  }

  /* Does the driver accept the flag (or the typed parameter: NOUN) on the daemon? CELL: the driver's data-status etc. */
  function flagVerdict(setting, cell, flagSince, noun) {
    noun = noun || "flag";
    var tree = cell.getAttribute("data-tree");
    var status = cell.getAttribute("data-status");
    if (flagSince && setting.key < versionKey(flagSince)) return { ok: false, why: noun + " too new: added in " + flagSince };
    if (status === "ok") {
      var from = cell.getAttribute("data-from");
      var lower = cell.getAttribute("data-lower"), after = cell.getAttribute("data-after");
      if (setting.key >= versionKey(from)) {
        if (tree && setting.key > versionKey(tree)) return { ok: null, why: "unknown past the newest analysed tree (" + tree + "); accepted there" };
        if (cell.hasAttribute("data-exact")) return { ok: true, why: "accepted (from " + from + ")" };
        return { ok: true, why: "accepted: the " + setting.driver + " driver started to accept it " +
          (lower ? "between " + lower + " and " + from : after ? "after " + after + ", by " + from : "by " + from) };
      }
      if (cell.hasAttribute("data-exact")) return { ok: false, why: noun + " not accepted: the driver accepts it from " + from };
      if (after && setting.key <= versionKey(after)) return { ok: false, why: noun + " not accepted: the driver accepts it from a release after " + after };
      if (lower && setting.key < versionKey(lower)) return { ok: false, why: noun + " not accepted: the driver accepts it from " + lower + " at the earliest" };
      return { ok: null, why: "unknown: accepted by " + from + (lower ? ", not before " + lower : after ? ", not up to " + after : "") };
    }
    if (status === "no") {
      if (tree && setting.key > versionKey(tree)) return { ok: null, why: "unknown past the newest analysed tree (" + tree + "); not accepted there" };
      return { ok: false, why: noun + " not accepted: no analysed " + (noun === "flag" ? "mask" : "parameter list") + " of the " + setting.driver +
        " driver includes it (analysed up to " + tree + ")" };
    }
    if (status === "past") return { ok: null, why: "unknown past the newest analysed tree (" + tree + ")" };
    return { ok: null, why: "unknown: the driver's " + (noun === "flag" ? "mask" : "parameter list") + " was not read" };
  }

  /* Per function taking a page's flag or typed parameter (its .daemon-facts, kbgen/render/site_daemon.py), as kb check
     reads it: the function on the daemon's driver first, then the driver's acceptance. [{api, verdict}] */
  function factsVerdicts(setting, block, newest) {
    var noun = block.getAttribute("data-what"), zero = block.hasAttribute("data-zero");
    return Array.prototype.map.call(block.children, function (fn) {
      var mine = fn.querySelector('[data-driver="' + CSS.escape(setting.driver) + '"]');
      /* a driver whose check of the function is on record has it, even when its support table does not say so */
      var row = rowFacts(mine) || (mine && mine.hasAttribute("data-status") ? rowFacts(fn) : null);
      var v = driverVerdict(setting, rowFacts(fn), row, newest);
      if (v.ok === true) {
        v = noun === "value" ? valueVerdict(setting, block, fn, mine)
          : zero ? { ok: true, why: "value 0: no bit for a mask to reject" }
          : mine && mine.hasAttribute("data-status") ? flagVerdict(setting, mine, fn.getAttribute("data-flag-since"), noun)
          : { ok: null, why: "unknown: no " + (noun === "flag" ? "flag" : "parameter") + " check of the " + setting.driver + " driver is recorded" };
      }
      return { api: fn.getAttribute("data-api"), verdict: v };
    });
  }

  /* Does the driver accept the enum value for the argument FN validates? As kb check says it (diagnose._value_at), from
     the driver's check in the analysed tree nearest to the daemon: the newest not after it, else the oldest. */
  function valueVerdict(setting, block, fn, mine) {
    var name = block.getAttribute("data-name"), argument = fn.getAttribute("data-argument");
    var checks = JSON.parse((mine && mine.getAttribute("data-checks")) || "[]");
    var before = checks.filter(function (c) { return versionKey(c[0]) <= setting.key; });
    var check = before.length ? before[before.length - 1] : checks[0];
    var driver = "the " + setting.driver + " driver";
    if (!check) return { ok: null, why: driver + "'s accepted " + argument + " values are unknown (no check of " + argument + " by " + driver + " is recorded)" };
    if (check[1] === "unknown") return { ok: null, why: driver + "'s accepted " + argument + " values are unknown (" + check[3] + ")" };
    var where = driver + "'s check of " + argument + " in " + fn.getAttribute("data-api") + " (" + check[0] + ": " + check[3] + ")";
    var after = setting.key >= versionKey(check[0]);
    var newest = checks[checks.length - 1][0];
    if (check[1] === "ok" && setting.key > versionKey(newest)) return { ok: null, why: where + " accepts " + name + "; unknown past " + newest };
    if (check[1] === "ok") return after ? { ok: true, why: where + " accepts " + name } : { ok: null, why: where + " accepts " + name + "; not known for releases before " + check[0] };
    var only = where + " accepts only " + check[2].split(/\s+/).filter(Boolean).join(", ");
    var tooNew = !block.hasAttribute("data-bound") && setting.key < versionKey(block.getAttribute("data-since"));
    return setting.key > versionKey(check[0]) && !tooNew ? { ok: null, why: only + "; unknown past " + check[0] } : { ok: false, why: only };
  }

  /* One verdict for them all, as kb check gives it: fails if one fails, else unknown if one cannot tell. */
  function overall(verdicts) {
    if (verdicts.length === 1) return { ok: verdicts[0].verdict.ok, why: verdicts[0].api + ": " + verdicts[0].verdict.why };
    var counts = [["work", true], ["fail", false], ["cannot tell", null]].map(function (pair) {
      return [pair[0], verdicts.filter(function (v) { return v.verdict.ok === pair[1]; }).length];
    });
    var ok = counts[1][1] ? false : counts[2][1] ? null : true;
    return { ok: ok, why: verdicts.length + " functions take it: " + counts.filter(function (c) { return c[1]; }).map(function (c) { return c[1] + " " + c[0]; }).join(", ") };
  }

  function verdictElement(tag, verdict) {
    var element = document.createElement(tag);
    element.className = "daemon-verdict " + (verdict.ok === true ? "works" : verdict.ok === false ? "fails" : "unknown");
    element.textContent = (verdict.ok === true ? "\u2713 " : verdict.ok === false ? "\u2717 " : "? ") + verdict.why;
    return element;
  }

  function rowFacts(element) {
    if (!element || !element.hasAttribute("data-since")) return null;
    return { since: element.getAttribute("data-since"), bound: element.hasAttribute("data-bound"), removed: element.getAttribute("data-removed") };
  }

  function daemonLabel(setting) {
    return "libvirt " + (setting.server || "?") + (setting.driver ? ", " + setting.driver + " driver" : "");
  }

  function verdictNote(anchor, setting, verdict) {
    var p = verdictElement("p", verdict);
    p.prepend(span("daemon-label", "On your daemon (" + daemonLabel(setting) + "): "));
    anchor.after(p);
    return p;
  }

  /* An enum constant or typed-parameter macro: per function taking it; any other non-function: compile-time. */
  function annotateTaken(setting, newest) {
    var heading = document.querySelector("h1.symbol[data-since]");
    var kind = heading && heading.querySelector(".kind");
    if (!kind || kind.textContent === "function") return;
    var block = document.querySelector(".daemon-facts");
    if (!block) {
      var since = heading.getAttribute("data-since");
      verdictNote(heading, setting, { ok: null, why: "compile-time: needs libvirt's headers of " + since + " or later" +
        (heading.hasAttribute("data-bound") ? " (it may be older)" : "") + "; the daemon plays no part" }).classList.add("compile-time");
      return;
    }
    if (!setting.driver) return;
    var verdicts = factsVerdicts(setting, block, newest);
    var note = verdictNote(heading, setting, overall(verdicts));
    if (verdicts.length < 2) return;
    var list = document.createElement("ul");
    list.className = "daemon-verdicts";
    verdicts.forEach(function (v) {
      var item = document.createElement("li");
      item.append(span("daemon-api", v.api + ": "), verdictElement("span", v.verdict));
      list.append(item);
    });
    note.after(list);
  }

  /* A driver page: with the server set, whether this driver of that release has each API. */
  function annotateDriver(setting, newest) {
    var table = document.querySelector("table.driver-apis[data-driver]");
    if (!table) return;
    var mine = { server: setting.server, key: setting.key, driver: table.getAttribute("data-driver") };
    var head = document.createElement("th");
    head.scope = "col";
    head.textContent = "On libvirt " + setting.server;
    table.querySelector("thead tr").append(head);
    table.querySelectorAll("tbody tr").forEach(function (tr) {
      var td = document.createElement("td");
      td.append(verdictElement("span", driverVerdict(mine, null, rowFacts(tr), newest)));
      tr.append(td);
    });
  }

  /* A release page: whether the daemon has what the release added (and, of its driver, what it gained or dropped). */
  function annotateRelease(setting) {
    var heading = document.querySelector("h1[data-release]");
    if (!heading) return;
    var release = heading.getAttribute("data-release"), has = setting.key >= versionKey(release);
    verdictNote(heading, setting, has ? { ok: true, why: "your daemon has this release's additions (" + setting.server + " is " + release + " or later)" }
      : { ok: false, why: "API too new: your daemon lacks this release's additions (added in " + release + ", after " + setting.server + ")" });
    [["gained", has ? "the " + setting.driver + " driver has these" : "the " + setting.driver + " driver lacks these: added there in " + release],
     ["lost", has ? "the " + setting.driver + " driver lacks these: removed in " + release : "the " + setting.driver + " driver still has these"]
    ].forEach(function (pair) {
      var dt = setting.driver && document.querySelector('#' + pair[0] + ' dt[data-driver="' + CSS.escape(setting.driver) + '"]');
      if (dt) dt.append(" ", verdictElement("span", { ok: has === (pair[0] === "gained"), why: pair[1] }));
    });
  }

  /* A virsh command's page (virsh.html): per API row as its function page says it, except that an API no driver of
     the daemon's kind implements is answered by the library or another driver (as kb virsh says); per flag or value
     as its enum page says it, for the functions the command calls; and one line for the command with the options
     ticked, read as kb check reads it. */
  /* An API no driver of the daemon's driver's kind implements (a storage call on qemu): as kb check, it cannot tell. */
  var NOT_THIS_DRIVERS = { ok: null, why: "not this driver's: the library or another driver answers it" };

  function virshApiRow(setting, th, newest) {
    var tr = th.closest("tr"), api = rowFacts(th);
    var served = (th.getAttribute("data-group-drivers") || "").split(" ").indexOf(setting.driver) >= 0;
    var mine = tr.querySelector('li[data-driver="' + CSS.escape(setting.driver) + '"]');
    return { api: th.getAttribute("data-api"), fallbackOf: th.getAttribute("data-fallback-of"), served: served,
      verdict: served ? driverVerdict(setting, api, rowFacts(mine), newest) : apiVerdict(setting, api, newest)
        || NOT_THIS_DRIVERS };
  }

  function virshFlagVerdict(setting, flag, newest) {
    var block = flag.nextElementSibling;
    if (block && block.classList.contains("daemon-facts")) return overall(factsVerdicts(setting, block, newest));
    var since = flag.getAttribute("data-since");
    if (!since) return { ok: null, why: "unknown: not in the ingested API" };
    if (setting.key < versionKey(since)) {
      return flag.hasAttribute("data-bound") ? { ok: null, why: "unknown: the flag is known only by " + since } : { ok: false, why: "flag too new: added in " + since };
    }
    return { ok: null, why: "unknown: no driver's check of it is recorded" };
  }

  /* What the command line needs: each API it calls that the daemon's driver serves; an API with fallbacks only when an
     option sets a flag (the older APIs take none) or while it works, else the fallbacks virsh then calls (those of
     another driver only when the daemon's release lacks them). {items, used: the fallbacks virsh calls instead} */
  function virshNeeded(rows, flagged) {
    var needed = { items: [], used: [] };
    rows.forEach(function (r) {
      if (!r.served || r.fallbackOf) return;
      var fallbacks = rows.filter(function (f) { return f.fallbackOf === r.api; });
      var relevant = fallbacks.filter(function (f) { return f.served || f.verdict.ok === false; });
      var fallbacksWork = relevant.every(function (f) { return f.verdict.ok === true; });
      if (!fallbacks.length || flagged || r.verdict.ok === true || (r.verdict.ok === null && !fallbacksWork)) needed.items.push(r);
      else if (r.verdict.ok === false) {
        needed.items.push.apply(needed.items, relevant);
        needed.used.push.apply(needed.used, fallbacks.map(function (f) { return f.api; }));
      }
    });
    return needed;
  }

  function virshSummary(setting, command, rows, ticked) {
    var needed = virshNeeded(rows, ticked.some(function (t) { return t.flags.length; }));
    var items = needed.items, used = needed.used;
    ticked.forEach(function (t) { items.push.apply(items, t.flags); });
    var failed = items.filter(function (i) { return i.verdict.ok === false; })[0];
    var unsure = items.filter(function (i) { return i.verdict.ok === null; })[0];
    var line = "virsh " + command + ticked.map(function (t) { return " --" + t.option; }).join("") +
      " on libvirt " + setting.server + " / " + setting.driver + ": ";
    if (failed) return { ok: false, why: line + "fails: " + failed.api + ": " + failed.verdict.why };
    if (unsure) return { ok: null, why: line + "unknown: " + unsure.api + ": " + unsure.verdict.why };
    return { ok: true, why: line + "works" + (used.length ? " (through the fallback" + (used.length > 1 ? "s " : " ") + used.join(", ") + ")" : "") };
  }

  function annotateVirsh(setting, newest) {
    var heading = document.querySelector("h1.virsh[data-command]");
    var table = document.querySelector("table.virsh-apis");
    var place = document.querySelector(".virsh-daemon");
    if (!heading || !place) return;
    var rows = table ? Array.prototype.map.call(table.querySelectorAll("tbody th[data-api]"), function (th) {
      var row = virshApiRow(setting, th, newest);
      var td = document.createElement("td");
      td.append(verdictElement("span", row.verdict));
      th.closest("tr").append(td);
      return row;
    }) : [];
    if (table) {
      var head = document.createElement("th");
      head.scope = "col";
      head.textContent = "On your daemon (" + daemonLabel(setting) + ")";
      table.querySelector("thead tr").append(head);
    }
    var options = Array.prototype.map.call(document.querySelectorAll("th[data-option]"), function (th) {
      var flags = Array.prototype.map.call(th.closest("tr").querySelectorAll(".virsh-flag"), function (flag) {
        var v = virshFlagVerdict(setting, flag, newest);
        var after = flag.nextElementSibling && flag.nextElementSibling.classList.contains("daemon-facts") ? flag.nextElementSibling : flag;
        after.after(" ", verdictElement("span", v));
        return { api: flag.getAttribute("data-flag"), verdict: v };
      });
      return { option: th.getAttribute("data-option"), flags: flags };
    });
    var note = document.createElement("p");
    var choice = document.createElement("fieldset");
    var legend = document.createElement("legend");
    legend.textContent = "With the options";
    choice.append(legend);
    options.forEach(function (o) {
      var label = document.createElement("label");
      var box = document.createElement("input");
      box.type = "checkbox";
      box.value = o.option;
      label.append(box, " --" + o.option);
      choice.append(label, " ");
    });
    function show() {
      var ticked = options.filter(function (o) { return choice.querySelector('input[value="' + CSS.escape(o.option) + '"]').checked; });
      var fresh = verdictElement("p", virshSummary(setting, heading.getAttribute("data-command"), rows, ticked));
      note.className = fresh.className + " virsh-summary";
      note.replaceChildren(span("daemon-label", "On your daemon: "), fresh.textContent);
    }
    note.setAttribute("aria-live", "polite");
    choice.addEventListener("change", show);
    place.append(note);
    if (options.length) place.append(choice);
    place.hidden = false;
    show();
  }

  function annotate(setting) {
    var body = document.body;
    var newest = { text: body.getAttribute("data-newest-release"), key: versionKey(body.getAttribute("data-newest-release")) };
    if (setting.key === null) return;
    annotateTaken(setting, newest);
    annotateDriver(setting, newest);
    annotateRelease(setting);
    if (!setting.driver) return;
    annotateVirsh(setting, newest);
    var heading = document.querySelector("h1.symbol[data-since]");
    var supportTable = document.querySelector("table.support");
    if (heading && supportTable) {
      var api = rowFacts(heading);
      var mine = supportTable.querySelector('tr[data-driver="' + CSS.escape(setting.driver) + '"]');
      var verdict = mine ? driverVerdict(setting, api, rowFacts(mine), newest) : apiVerdict(setting, api, newest) || NOT_THIS_DRIVERS;
      var p = verdictElement("p", verdict);
      p.prepend(span("daemon-label", "On your daemon (" + daemonLabel(setting) + "): "));
      heading.after(p);
      if (mine) {
        mine.classList.add("mine");
        mine.querySelector(".status").append(verdictElement("span", verdict));
      }
    }
    var flags = document.querySelector("table.flags-by-driver");
    if (flags) {
      var column = -1;
      var heads = flags.querySelectorAll("thead th");
      for (var i = 1; i < heads.length; i++) if (heads[i].textContent.trim() === setting.driver) column = i;
      var head = document.createElement("th");
      head.scope = "col";
      head.textContent = "On your daemon (" + daemonLabel(setting) + ")";
      flags.querySelector("thead tr").append(head);
      flags.querySelectorAll("tbody tr").forEach(function (tr) {
        var cell = column > 0 ? tr.children[column] : null;
        var v = cell ? flagVerdict(setting, cell, tr.getAttribute("data-flag-since"))
          : { ok: null, why: "unknown: no " + setting.driver + " mask on record" };
        var td = document.createElement("td");
        td.append(verdictElement("span", v));
        tr.append(td);
      });
    }
    var matrix = document.querySelector("table.matrix");
    if (matrix) {
      var index = -1;
      var cols = matrix.querySelectorAll("thead th");
      for (var c = 0; c < cols.length; c++) if (cols[c].getAttribute("data-driver") === setting.driver) index = c;
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = "On your daemon";
      var firstHeads = matrix.querySelector("thead tr");
      firstHeads.insertBefore(th, firstHeads.children[1]);
      matrix.querySelectorAll("tbody tr").forEach(function (tr) {
        var api = tr.hasAttribute("data-since") ? { since: tr.getAttribute("data-since"), bound: false } : null;
        var v = index < 0 ? { ok: null, why: "no " + setting.driver + " column in this table" }
          : driverVerdict(setting, api, rowFacts(tr.children[index]), newest);
        var td = document.createElement("td");
        td.append(verdictElement("span", v));
        tr.insertBefore(td, tr.children[1]);
      });
    }
  }

  /* The form's lists (kbgen/render/site_daemon.py): known releases with their dates, drivers, the newest analysed release. */
  var daemonData = { loaded: false, value: null, waiting: [] };
  function withDaemonData(done) {
    if (daemonData.loaded) return done(daemonData.value);
    daemonData.waiting.push(done);
    if (daemonData.waiting.length > 1) return;
    loadData("daemon-data", "KB_DAEMON", function (data) {
      daemonData.loaded = true;
      daemonData.value = data;
      daemonData.waiting.splice(0).forEach(function (f) { f(data); });
    });
  }

  var RELEASE = /^\d{1,4}\.\d{1,3}\.\d{1,3}$/;  /* libvirt's MAJOR.MINOR.MICRO, as kb check reads it */

  /* What the form says of a server (DATA: the lists, null before they load): {error, text}. */
  function serverMessage(text, data) {
    if (!text) return { error: true, text: "Enter the daemon's libvirt release, e.g. 9.0.0." };
    if (!RELEASE.test(text)) return { error: true, text: "\u201c" + text + "\u201d is not a libvirt release: MAJOR.MINOR.MICRO, e.g. 9.0.0." };
    if (!data) return { error: false, text: "" };
    if (versionKey(text) > versionKey(data.newest)) {
      return { error: false, text: "Newer than the newest analysed release: verdicts say unknown past " + data.newest + "." };
    }
    var known = data.releases.filter(function (r) { return r[0] === text; })[0];
    return known ? { error: false, text: "A known release" + (known[1] ? " (" + known[1] + ")" : "") + "." }
      : { error: false, text: "Not a known libvirt release: verdicts compare it with the known ones." };
  }

  function driverMessage(text, data) {
    if (!text || !data || data.drivers.indexOf(text) >= 0) return { error: false, text: "" };
    return { error: true, text: "\u201c" + text + "\u201d is not a known driver: one of " + data.drivers.join(", ") + "." };
  }

  function daemonField(name, label, value, placeholder) {
    var wrap = document.createElement("label");
    wrap.append(label + " ");
    var input = document.createElement("input");
    input.name = name;
    input.id = "daemon-" + name;
    input.value = value;
    input.placeholder = placeholder;
    input.size = 8;
    input.autocomplete = "off";
    input.setAttribute("aria-describedby", "daemon-" + name + "-message");
    wrap.append(input);
    var message = span("daemon-message", "");
    message.id = "daemon-" + name + "-message";
    message.setAttribute("aria-live", "polite");
    return [wrap, message];
  }

  /* Each field's message next to it; the first field in error, or null. */
  function showMessages(form, data) {
    var bad = null;
    [["server", serverMessage], ["driver", driverMessage]].forEach(function (pair) {
      var input = form.elements[pair[0]], said = pair[1](input.value.trim(), data);
      var message = document.getElementById(input.getAttribute("aria-describedby"));
      message.textContent = said.text;
      message.classList.toggle("error", said.error);
      if (said.error) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
      if (said.error && !bad) bad = input;
    });
    return bad;
  }

  function driverList(form, data) {
    if (!data || document.getElementById("daemon-drivers")) return;
    var list = document.createElement("datalist");
    list.id = "daemon-drivers";
    data.drivers.forEach(function (d) { var o = document.createElement("option"); o.value = d; list.append(o); });
    form.append(list);
    form.elements.driver.setAttribute("list", "daemon-drivers");
  }

  /* --- XML paths: the search box's links to their rows, and "my daemon" on the element pages --------------------
     (kbgen/render/site_xml.py: split_path, search_rows, row_data) */

  /* The page and row of an XML path: xml/ELEMENT.html (xml/ROOT/index.html) unless PAGE says otherwise, and the row
     `type=vhostuser` for domain/devices/disk/@type=vhostuser, `text()=hvm` for domain/os/type=hvm. */
  function xmlHref(path, page) {
    var eq = path.indexOf("="), head = eq < 0 ? path : path.slice(0, eq), at = head.lastIndexOf("/@");
    var element = at < 0 ? head : head.slice(0, at);
    var anchor = at >= 0 ? path.slice(at + 2) : eq >= 0 ? "text()" + path.slice(eq) : "";
    var href = page || "xml/" + element + (element.indexOf("/") < 0 ? "/index" : "") + ".html";
    return href + (anchor ? "#" + encodeURI(anchor).replace(/#/g, "%23") : "");
  }

  function xmlKind(path) {
    var head = path.split("=")[0];
    return head.length < path.length ? "value" : head.indexOf("/@") >= 0 ? "attribute" : "element";
  }

  /* Whether release KEY has what arrived at the version FROM (exact, or a bound by FROM, not before LOWER, after AFTER);
     null inside the bound (kbgen/answers/diagnose.py's _arrived). */
  function xmlArrived(key, exact, from, lower, after) {
    if (exact || versionKey(from) <= key) return versionKey(from) <= key;
    if ((lower && key < versionKey(lower)) || (after && key <= versionKey(after))) return false;
    return null;
  }

  function xmlSchemaVerdict(setting, row) {
    var from = row.getAttribute("data-from"), after = row.getAttribute("data-after"), first = row.getAttribute("data-first");
    var docs = row.getAttribute("data-source") === "docs";
    var arrived = xmlArrived(setting.key, row.hasAttribute("data-exact"), from, row.getAttribute("data-lower"), after);
    if (arrived === false) return { ok: false, why: "not accepted: " + (docs ? "documented since " + from : "added in the schema after " + after) };
    if (arrived === null) {
      return { ok: null, why: after ? "unknown: " + setting.server + " lies inside the bounds (" + row.getAttribute("data-text") + ")"
        : "unknown: the " + from + " schema, the oldest ingested, accepts it (earlier releases not analysed)" };
    }
    var goneAfter = row.getAttribute("data-dropped-after"), goneBy = row.getAttribute("data-dropped-upper");
    if (goneBy) {
      var gone = xmlArrived(setting.key, false, goneBy, null, goneAfter);
      if (gone !== false) return { ok: gone ? false : null, why: (gone ? "not accepted: " : "unknown: ") + "in the " + goneAfter + " schema, not in " + goneBy + "'s" };
    }
    var why = [];
    if (docs) why.push("documented since " + from);
    if (versionKey(first) <= setting.key) why.push("the " + first + " schema accepts it");
    return { ok: true, why: "works: " + why.join("; ") };
  }

  /* The verdict on one row of an element page: its schemas against the server, its note's hypervisors against the driver. */
  function xmlVerdict(setting, row) {
    if (!row.hasAttribute("data-from")) return { ok: null, why: "unknown: no path of its own in the schemas" };
    var verdict = setting.key !== null ? xmlSchemaVerdict(setting, row) : null;
    var named = (row.getAttribute("data-hypervisors") || "").split(" ");
    if (setting.driver && named[0] && named.indexOf(setting.driver) < 0 && !(verdict && verdict.ok === false)) {
      return { ok: null, why: "cannot tell: documented for " + row.getAttribute("data-hypervisor-text") + ", not for " + setting.driver
        + (verdict ? " (" + verdict.why + ")" : "") };
    }
    var restricted = named[0] ? "documented for " + row.getAttribute("data-hypervisor-text") : "";
    if (!verdict) return { ok: null, why: (restricted || "no hypervisor named in its documentation") + "; no libvirt release set" };
    return restricted && verdict.ok !== false ? { ok: verdict.ok, why: verdict.why + "; " + restricted } : verdict;
  }

  function annotateXml(setting) {
    var table = document.querySelector("table.xml-rows");
    if (!table || (setting.key === null && !setting.driver)) return;
    var head = document.createElement("th");
    head.scope = "col";
    head.textContent = "On your daemon (" + daemonLabel(setting) + ")";
    table.querySelector("thead tr").append(head);
    table.querySelectorAll("tbody tr").forEach(function (tr) {
      var td = document.createElement("td");
      td.append(verdictElement("span", xmlVerdict(setting, tr)));
      tr.append(td);
    });
  }

  /* The setting's form, in the header of every page: checked on submit, its errors said next to each field. */
  function daemonForm(setting) {
    var header = document.querySelector("header.top");
    if (!header) return;
    var form = document.createElement("form");
    form.className = "daemon";
    form.setAttribute("aria-label", "My daemon");
    form.noValidate = true;
    var apply = document.createElement("button");
    apply.type = "submit";
    apply.textContent = setting ? "Change" : "Show";
    /* the messages go below the fields and buttons: one appearing or going never moves a button under the pointer */
    var server = daemonField("server", "libvirt", setting ? setting.server : "", "9.0.0");
    var driver = daemonField("driver", "driver", setting ? setting.driver : "", "qemu");
    var messages = document.createElement("div");
    messages.className = "daemon-messages";
    messages.append(server[1], driver[1]);
    form.append(span("daemon-title", "My daemon:"), server[0], driver[0], apply);
    if (setting) form.append(button("Clear", function () { go({ server: "", driver: "" }); }));
    form.append(messages);
    function go(next) {
      var params = new URLSearchParams(location.search);
      DAEMON_KEYS.forEach(function (k) { if (next[k]) params.set(k, next[k]); else params.delete(k); });
      var query = params.toString();
      location.href = location.pathname + (query ? "?" + query : "") + location.hash;
    }
    form.addEventListener("focusin", function () { withDaemonData(function (data) { driverList(form, data); }); });
    form.addEventListener("change", function () { withDaemonData(function (data) { showMessages(form, data); }); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var next = { server: form.elements.server.value.trim(), driver: form.elements.driver.value.trim() };
      if (!next.server && !next.driver) return go(next);
      withDaemonData(function (data) {
        var bad = showMessages(form, data);
        if (bad) bad.focus();
        else go(next);
      });
    });
    header.append(form);
    if (setting) withDaemonData(function (data) { driverList(form, data); showMessages(form, data); });
  }

  function startDaemon() {
    var setting = daemonSetting();
    daemonForm(setting);
    if (!setting) return;
    carry(setting);
    annotate(setting);
    annotateXml(setting);
  }

  function start() {
    if (ROOT) startDaemon();
    var box = document.getElementById("q");
    if (!box) return;
    focusOnSlash(box);
    startLiveSearch(box);
  }

  window.kbgen = { loadData: loadData };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

/* Anchors and copy buttons (issue 14): on symbol, driver, matrix and release pages every h2/h3
   and every table row naming a driver, flag or symbol gets an id (from its text: the same on
   every load, unique in the page) and a "#" link shown on hover and focus; the name in a
   symbol page's (or virsh, XML page's) heading gets a button that copies it. */
(function () {
  "use strict";

  var ANCHORED = /\/(symbol|driver|matrix|release)\/[^\/]*$/;
  var COPYABLE = /\/(symbol|virsh|xml)\/[^\/]*$/;
  var COPY_WAIT = 1000;

  function idFor(text, used) {
    var base = text.trim().replace(/[^A-Za-z0-9_.]+/g, "-").replace(/^-+|-+$/g, "") || "x";
    var id = base, n = 2;
    while (used[id] || (document.getElementById(id) && !used.hasOwnProperty(id))) id = base + "-" + n++;
    used[id] = true;
    return id;
  }

  function anchorLink(id, label) {
    var link = document.createElement("a");
    link.className = "anchor";
    link.href = "#" + id;
    link.setAttribute("aria-label", "Link to " + label);
    /* the "#" is the style's (a.anchor::before): copied text and text read from the row stay the row's own */
    return link;
  }

  function rowName(row) {
    if (row.dataset.driver) return row.dataset.driver;
    if (row.dataset.symbol) return row.dataset.symbol;
    var cell = row.cells[0];
    var code = cell && cell.querySelector("a code, code:not(.bit), a");
    return code ? code.textContent : null;
  }

  function addAnchors(main) {
    var used = {};
    Array.prototype.forEach.call(main.querySelectorAll("h2, h3"), function (heading) {
      var label = heading.textContent.trim();
      if (!heading.id) heading.id = idFor(label, used);
      else used[heading.id] = true;
      heading.appendChild(document.createTextNode(" "));
      heading.appendChild(anchorLink(heading.id, "section " + label));
    });
    Array.prototype.forEach.call(main.querySelectorAll("tbody tr"), function (row) {
      var name = rowName(row);
      if (!name || !row.cells[0]) return;
      if (!row.id) row.id = idFor("row-" + name, used);
      else used[row.id] = true;
      row.cells[0].appendChild(document.createTextNode(" "));
      row.cells[0].appendChild(anchorLink(row.id, "row " + name));
    });
    var target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target) target.scrollIntoView();
  }

  function copyText(text, done) {
    function fallback() {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      done(ok);
    }
    if (navigator.clipboard && window.isSecureContext) {
      var settled = false;
      var once = function (ok) { if (!settled) { settled = true; if (ok) done(true); else fallback(); } };
      setTimeout(function () { once(false); }, COPY_WAIT);  /* a clipboard that never answers (file://, no permission) */
      navigator.clipboard.writeText(text).then(function () { once(true); }, function () { once(false); });
    } else {
      fallback();
    }
  }

  function addCopyButton(heading) {
    var code = heading.querySelector("code");
    if (!code) return;
    var name = code.textContent;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy";
    button.setAttribute("aria-label", "Copy the name " + name);
    button.textContent = "Copy";
    var status = document.createElement("span");
    status.className = "copied";
    status.setAttribute("role", "status");
    button.addEventListener("click", function () {
      copyText(name, function (ok) {
        status.textContent = ok ? "Copied " + name : "Could not copy: select the name and copy it";
      });
    });
    code.parentNode.insertBefore(status, code.nextSibling);
    code.parentNode.insertBefore(button, code.nextSibling);
    code.parentNode.insertBefore(document.createTextNode(" "), button);
  }

  function start() {
    var main = document.getElementById("main");
    if (!main) return;
    if (ANCHORED.test(location.pathname)) addAnchors(main);
    var heading = main.querySelector("h1");
    if (heading && COPYABLE.test(location.pathname)) addCopyButton(heading);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
