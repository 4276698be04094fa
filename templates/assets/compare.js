/* compare.html: what the newer of two releases has that the older lacks, from compare-data.js
   (window.KB_COMPARE, written by kbgen/render/site_compare.py). The choice is kept in the
   address (?from=9.0.0&to=11.3.0). Results are built from DOM text nodes only. */
(function () {
  "use strict";

  var ROOT = (function () {
    var script = document.currentScript;
    var src = script && script.src ? script.src : "";
    return src ? src.replace(/assets\/compare\.js(?:[?#].*)?$/, "") : "";
  }());

  function versionKey(version) {
    var parts = String(version).split(".");
    return (+parts[0] || 0) * 1000000 + (+parts[1] || 0) * 1000 + (+parts[2] || 0);
  }

  function node(tag, attrs, children) {
    var element = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { element.setAttribute(name, attrs[name]); });
    (children || []).forEach(function (child) {
      element.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return element;
  }

  function params() {
    var found = {};
    location.search.replace(/^\?/, "").split("&").forEach(function (pair) {
      var at = pair.indexOf("=");
      if (at > 0) {
        try { found[decodeURIComponent(pair.slice(0, at))] = decodeURIComponent(pair.slice(at + 1).replace(/\+/g, " ")); } catch (e) { /* ignored */ }
      }
    });
    return found;
  }

  function Compare(data, form, result) {
    this.data = data;
    this.form = form;
    this.result = result;
    this.from = form.elements.from;
    this.to = form.elements.to;
    this.dates = {};
    data.releases.forEach(function (r) { this.dates[r[0]] = r[1]; }, this);
  }

  Compare.prototype.dated = function (version) {
    return this.dates[version] ? version + " (" + this.dates[version] + ")" : version;
  };

  Compare.prototype.choose = function (select, wanted, fallback, notes) {
    if (wanted && this.dates.hasOwnProperty(wanted)) {
      select.value = wanted;
    } else {
      if (wanted) notes.push("“" + wanted + "” is not a known release; showing " + fallback + ".");
      select.value = fallback;
    }
  };

  /* The symbols added after the older release up to the newer: [sure by group], [bounds that straddle the older one]. */
  Compare.prototype.added = function (older, newer) {
    var low = versionKey(older), high = versionKey(newer);
    var sure = this.data.groups.map(function () { return []; }), maybe = [];
    this.data.symbols.forEach(function (s) {
      var key = versionKey(s[2]);
      if (key <= low || key > high) return;
      (s[3] ? sure[s[1]] : maybe).push(s);
    });
    function order(a, b) { return versionKey(a[2]) - versionKey(b[2]) || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0); }
    sure.forEach(function (list) { list.sort(order); });
    maybe.sort(order);
    return { sure: sure, maybe: maybe };
  };

  Compare.prototype.table = function (symbols, withKind) {
    var self = this;
    var head = [node("th", { scope: "col" }, ["Name"])];
    if (withKind) head.push(node("th", { scope: "col" }, ["Kind"]));
    head.push(node("th", { scope: "col" }, ["Added"]));
    var body = symbols.map(function (s) {
      var link = node("a", { href: ROOT + "symbol/" + encodeURIComponent(s[4] || s[0]) + ".html" }, [node("code", {}, [s[0]])]);
      var cells = [node("td", {}, [link])];
      if (withKind) cells.push(node("td", {}, [self.data.groups[s[1]][1]]));
      cells.push(node("td", s[3] ? {} : { "class": "upper" }, [s[3] ? self.dated(s[2]) : "≤ " + s[2] + " (first seen)"]));
      return node("tr", { "data-symbol": s[0] }, cells);
    });
    return node("div", { "class": "scroll" }, [node("table", { "class": "list" }, [node("thead", {}, [node("tr", {}, head)]), node("tbody", {}, body)])]);
  };

  Compare.prototype.render = function (notes) {
    var older = this.from.value, newer = this.to.value;
    if (versionKey(older) > versionKey(newer)) {
      notes.push("The older release goes first: swapped.");
      this.from.value = newer;
      this.to.value = older;
      older = this.from.value;
      newer = this.to.value;
    }
    var found = this.added(older, newer), parts = [];
    var total = found.sure.reduce(function (sum, list) { return sum + list.length; }, 0);
    notes.forEach(function (note) { parts.push(node("p", { "class": "note" }, [note])); });
    parts.push(node("p", { "class": "compare-summary" }, [
      older === newer ? "The same release: nothing to compare." :
        "libvirt " + this.dated(newer) + " has " + total + " symbol" + (total === 1 ? "" : "s") + " that " + this.dated(older) + " lacks" +
        (found.maybe.length ? ", and " + found.maybe.length + " that it may lack." : ".")]));
    this.data.groups.forEach(function (group, index) {
      var list = found.sure[index];
      if (!list.length) return;
      parts.push(node("section", { id: "compare-" + group[0] }, [
        node("h2", {}, [group[1] + " ", node("span", { "class": "count" }, [String(list.length)])]), this.table(list, group[0] === "other")]));
    }, this);
    if (found.maybe.length) {
      parts.push(node("section", { id: "compare-bound" }, [
        node("h2", {}, ["May be missing (version known only as a bound) ", node("span", { "class": "count" }, [String(found.maybe.length)])]),
        node("p", {}, ["No source gives the release that added these; the oldest ingested release containing each is newer than " + older +
                       ", so " + older + " may or may not have them."]),
        this.table(found.maybe, true)]));
    }
    this.result.textContent = "";
    parts.forEach(function (part) { this.result.appendChild(part); }, this);
    document.title = "Compare " + older + " and " + newer + " · libvirt API knowledge base";
    try {
      history.replaceState(null, "", "?from=" + encodeURIComponent(older) + "&to=" + encodeURIComponent(newer) + location.hash);
    } catch (e) { /* some browsers refuse it on file:// */ }
  };

  function start() {
    var form = document.getElementById("compare-form"), result = document.getElementById("compare-result");
    if (!form || !result) return;
    var data = window.KB_COMPARE;
    if (!data) {
      result.textContent = "The comparison data (compare-data.js) did not load.";
      return;
    }
    var compare = new Compare(data, form, result), wanted = params(), notes = [];
    compare.choose(compare.from, wanted.from, data.pair[0], notes);
    compare.choose(compare.to, wanted.to, data.pair[1], notes);
    form.addEventListener("submit", function (event) { event.preventDefault(); compare.render([]); });
    compare.from.addEventListener("change", function () { compare.render([]); });
    compare.to.addEventListener("change", function () { compare.render([]); });
    compare.render(notes);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
