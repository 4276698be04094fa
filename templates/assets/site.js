/* Site behaviour: "/" focuses the search box on every page; on the home page
   the box searches the symbol index as you type. Results are built from DOM
   text nodes only. kbgen.loadData is shared with explain.js. */
(function () {
  "use strict";

  var MAX_SHOWN = 50;
  var WORD = /[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g;

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
      script.src = name + ".js";
      script.onload = function () { done(window[global]); };
      script.onerror = function () { done(null); };
      document.head.appendChild(script);
    }
    if (!window.fetch || location.protocol === "file:") {
      fromScript();
      return;
    }
    fetch(name + ".json")
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(done, fromScript);
  }

  function entriesOf(index) {
    return index.symbols.map(function (row) {
      return {
        name: row[0],
        lower: row[0].toLowerCase(),
        words: (row[0].match(WORD) || []).map(function (w) { return w.toLowerCase(); }),
        kind: index.kinds[row[1]],
        module: index.modules[row[2]],
        since: row[3],
        href: "symbol/" + (row[5] || row[0]) + ".html"
      };
    });
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

  function rank(entry, query, compact) {
    if (entry.lower === query) return 0;
    if (entry.lower.indexOf(query) === 0) return 1;
    if (entry.lower.indexOf(query) > 0) return 2;
    if (compact && matchesInitials(compact, entry.words)) return 3;
    return -1;
  }

  function byRank(a, b) {
    if (a.rank !== b.rank) return a.rank - b.rank;
    if (a.entry.name.length !== b.entry.name.length) return a.entry.name.length - b.entry.name.length;
    return a.entry.name < b.entry.name ? -1 : a.entry.name > b.entry.name ? 1 : 0;
  }

  function search(entries, text) {
    var query = text.trim().toLowerCase();
    if (!query) return [];
    var compact = query.replace(/[^a-z0-9]/g, "");
    var hits = [];
    for (var i = 0; i < entries.length; i++) {
      var r = rank(entries[i], query, compact);
      if (r >= 0) hits.push({ rank: r, entry: entries[i] });
    }
    hits.sort(byRank);
    return hits.map(function (hit) { return hit.entry; });
  }

  function span(className, text) {
    var element = document.createElement("span");
    element.className = className;
    element.textContent = text;
    return element;
  }

  function resultItem(entry, position) {
    var item = document.createElement("li");
    item.id = "result-" + position;
    item.setAttribute("role", "option");
    item.setAttribute("aria-selected", "false");
    var link = document.createElement("a");
    link.href = entry.href;
    link.tabIndex = -1;
    link.append(span("name", entry.name), span("kind", entry.kind), span("module", entry.module), span("since", entry.since));
    item.append(link);
    return item;
  }

  function statusText(total, text) {
    if (!text.trim()) return "";
    if (total === 0) return "No symbol matches \u201c" + text.trim() + "\u201d.";
    if (total > MAX_SHOWN) return total + " matches, showing the best " + MAX_SHOWN + ".";
    return total === 1 ? "1 match." : total + " matches.";
  }

  function liveSearch(box, list, status, entries) {
    var hits = [];
    var selected = -1;

    function select(position) {
      var items = list.children;
      if (selected >= 0 && items[selected]) items[selected].setAttribute("aria-selected", "false");
      selected = position;
      if (selected < 0 || !items[selected]) {
        box.removeAttribute("aria-activedescendant");
        return;
      }
      items[selected].setAttribute("aria-selected", "true");
      items[selected].scrollIntoView({ block: "nearest" });
      box.setAttribute("aria-activedescendant", items[selected].id);
    }

    function remember(text) {
      try {
        history.replaceState(null, "", text.trim() ? "?q=" + encodeURIComponent(text.trim()) : location.pathname);
      } catch (ignored) { /* some browsers refuse replaceState on file:// */ }
    }

    function update() {
      hits = search(entries, box.value);
      list.replaceChildren.apply(list, hits.slice(0, MAX_SHOWN).map(resultItem));
      box.setAttribute("aria-expanded", hits.length ? "true" : "false");
      status.textContent = statusText(hits.length, box.value);
      select(hits.length ? 0 : -1);
      remember(box.value);
    }

    function onKey(event) {
      var shown = list.children.length;
      if (event.key === "ArrowDown" && shown) {
        event.preventDefault();
        select((selected + 1) % shown);
      } else if (event.key === "ArrowUp" && shown) {
        event.preventDefault();
        select((selected - 1 + shown) % shown);
      } else if (event.key === "Enter") {
        event.preventDefault();
        if (selected >= 0 && hits[selected]) location.href = list.children[selected].firstChild.href;
      } else if (event.key === "Escape") {
        box.value = "";
        update();
      }
    }

    box.addEventListener("input", update);
    box.addEventListener("keydown", onKey);
    update();
  }

  function startLiveSearch(box) {
    var list = document.getElementById("results");
    var status = document.getElementById("status");
    if (!list || !status) return;
    box.setAttribute("role", "combobox");
    box.setAttribute("aria-controls", "results");
    box.setAttribute("aria-autocomplete", "list");
    box.setAttribute("aria-expanded", "false");
    var initial = new URLSearchParams(location.search).get("q");
    if (initial && !box.value) box.value = initial;
    status.textContent = "Loading the index\u2026";
    loadData("search-index", "KB_INDEX", function (index) {
      if (!index) {
        status.textContent = "The search index could not be loaded.";
        return;
      }
      status.textContent = "";
      liveSearch(box, list, status, entriesOf(index));
    });
  }

  function start() {
    var box = document.getElementById("q");
    if (!box) return;
    focusOnSlash(box);
    startLiveSearch(box);
  }

  window.kbgen = { loadData: loadData };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
