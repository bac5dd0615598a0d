/* Loads the search engine only when the reader starts to use the search
   field, so that no page loads search code or index before that; sends a
   reader of an old address on to the place its fragment went; folds an
   annex's table of contents on a narrow screen and opens it for the
   links that lead to it. */
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
  var form = document.querySelector("form[role=search]");
  if (!form) return;
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
})();
