/* Loads the search engine only when the reader starts to use the search
   field, so that no page loads search code or index before that; sends a
   reader of an old address on to the place its fragment went; folds an
   annex's table of contents on a narrow screen and opens it for the
   links that lead to it; marks the words of a search in the section a
   result led to (LB_mark). */
(function () {
  "use strict";
  var toc = document.querySelector("nav.toc details");
  if (toc && window.matchMedia) {
    var wide = window.matchMedia("(min-width: 75rem)");
    // Folded on a phone unless the reader came for it; always open
    // beside the text.
    if (!wide.matches && location.hash !== "#lb_toc") toc.open = false;
    wide.addEventListener("change", function () { if (wide.matches) toc.open = true; });
    document.addEventListener("click", function (e) {
      var a = e.target.closest && e.target.closest('a[href="#lb_toc"]');
      if (a) toc.open = true;
    });
  }
  // A page kept at an old address leads on by itself (meta refresh); a
  // link to one of its old ids goes straight to where that id went.
  if (document.querySelector("[data-redirect]") && location.hash) {
    var old = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    var to = old && old.querySelector("a[href]");
    if (to) {
      location.replace(to.href);
      return;
    }
  }
  markFromAddress();
  var form = document.querySelector("form[role=search]");
  if (!form || !form.getAttribute("data-engine")) return;
  var input = form.querySelector("input[type=search]");
  var started = false;
  function start() {
    if (started) return;
    started = true;
    var s = document.createElement("script");
    s.src = form.getAttribute("data-engine");
    document.head.appendChild(s);
  }
  input.addEventListener("focus", start);
  input.addEventListener("input", start);
  if (/[?&]q=/.test(location.search)) start();

  // markFromAddress marks the words a search result passed in the
  // address (?markeer=, folded words) in the section of its fragment. A
  // page opened without them is left as it is.
  function markFromAddress() {
    var m = /[?&]markeer=([^&#]*)/.exec(location.search), words;
    if (!m) return;
    try {
      words = decodeURIComponent(m[1].replace(/\+/g, " "));
    } catch (err) { // a malformed %-escape: nothing to mark
      return;
    }
    LB_mark(decodeURIComponent(location.hash.slice(1)), words.split(" "));
  }
})();

/* LB_mark marks the words (folded, as the search engine folds them) in
   the section that starts at the element with the given id (the page's
   main text for none): with <mark>, which changes neither the layout nor
   an anchor. The first mark is scrolled into view; a button that floats
   over the page, or Escape, takes the marks away again. */
function LB_mark(id, words) {
  "use strict";
  var keys = {}, any = false;
  words.forEach(function (w) { if (w) { keys[w] = true; any = true; } });
  LB_unmark();
  if (!any) return;
  var start = (id && document.getElementById(id)) || document.querySelector("main h1") || document.querySelector("main");
  if (!start) return;
  var level = /^H[1-6]$/.test(start.tagName) ? +start.tagName[1] : 0;
  // The section: a container whole, or a heading with what follows it
  // up to the next heading of its level or higher.
  var parts = [start];
  if (level) {
    for (var n = start.nextElementSibling; n; n = n.nextElementSibling) {
      var h = /^H([1-6])$/.exec(n.tagName);
      if (h && +h[1] <= level) break;
      parts.push(n);
    }
  }
  var word = /[\p{L}\p{N}]+(?:['\u2019][\p{L}\p{N}]+)*/gu, found = [];
  parts.forEach(function (part) {
    var walker = document.createTreeWalker(part, NodeFilter.SHOW_TEXT, {
      acceptNode: function (t) {
        var p = t.parentNode;
        return p.closest("script, style, mark, .permalink, .alias") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      }
    });
    var texts = [];
    while (walker.nextNode()) texts.push(walker.currentNode);
    texts.forEach(function (t) {
      var m, spans = [];
      word.lastIndex = 0;
      while ((m = word.exec(t.data))) if (keys[LB_fold(m[0])]) spans.push([m.index, m.index + m[0].length]);
      for (var i = spans.length - 1; i >= 0; i--) {
        var after = t.splitText(spans[i][0]);
        after.splitText(spans[i][1] - spans[i][0]);
        var mark = document.createElement("mark");
        mark.className = "lb-found";
        after.parentNode.replaceChild(mark, after);
        mark.appendChild(after);
        found.unshift(mark);
      }
    });
  });
  if (!found.length) return;
  var clear = document.createElement("button");
  clear.type = "button";
  clear.className = "lb-unmark";
  clear.textContent = "Markering weghalen";
  clear.addEventListener("click", function () { LB_unmark(true); });
  document.body.appendChild(clear);
  document.addEventListener("keydown", LB_unmarkOnEscape);
  found[0].scrollIntoView({ block: "nearest" });
}

/* LB_unmark takes the marks of LB_mark away; asked by the reader, it
   also drops them from the address, so that a reload shows none. */
function LB_unmark(asked) {
  "use strict";
  document.querySelectorAll("mark.lb-found").forEach(function (m) {
    var p = m.parentNode;
    p.replaceChild(document.createTextNode(m.textContent), m);
    p.normalize();
  });
  var clear = document.querySelector("button.lb-unmark");
  if (clear) clear.remove();
  document.removeEventListener("keydown", LB_unmarkOnEscape);
  if (asked && /[?&]markeer=/.test(location.search)) {
    try {
      history.replaceState(null, "", location.pathname + location.hash);
    } catch (err) { // some browsers refuse it on file://: the marks are gone all the same
    }
  }
}

/* LB_unmarkOnEscape takes the marks away on Escape, unless the search
   field's results are open: Escape closes those first. */
function LB_unmarkOnEscape(e) {
  "use strict";
  if (e.key === "Escape" && !document.querySelector(".search-results:not(:empty)")) LB_unmark(true);
}

/* LB_fold folds a word as the search engine does for marking: lowercase,
   without diacritics, apostrophes or soft hyphens. */
function LB_fold(s) {
  "use strict";
  return s.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f'\u2019\u00ad]/g, "")
    .replace(/æ/g, "ae").replace(/œ/g, "oe").replace(/ß/g, "ss").replace(/ø/g, "o").replace(/ł/g, "l").replace(/ĳ/g, "ij");
}
