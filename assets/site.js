/* Loads the search engine only when the reader starts to use the search
   field, so that no page loads search code or index before that. */
(function () {
  "use strict";
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
