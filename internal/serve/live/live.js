/* ledenbrief serve: reloads the page after a rebuild, at the same scroll
   position, and shows the content's errors over the page while there are
   any. Served only by `ledenbrief serve`, never part of a built site. */
(function () {
  "use strict";
  var KEY = "ledenbrief-scroll:" + location.pathname;
  var saved = sessionStorage.getItem(KEY);
  if (saved !== null) {
    sessionStorage.removeItem(KEY);
    window.addEventListener("load", function () { window.scrollTo(0, +saved); });
  }
  function overlay(errors) {
    var old = document.getElementById("ledenbrief-errors");
    if (old) old.remove();
    if (!errors.length) return;
    var box = document.createElement("section");
    box.id = "ledenbrief-errors";
    box.setAttribute("role", "alert");
    var h = document.createElement("h2");
    h.textContent = errors.length === 1 ? "1 fout in de inhoud" : errors.length + " fouten in de inhoud";
    box.appendChild(h);
    var p = document.createElement("p");
    p.textContent = "De pagina toont de laatste goede versie. Na het bewaren van een verbetering verdwijnt deze melding.";
    box.appendChild(p);
    var list = document.createElement("ol");
    errors.forEach(function (e) {
      var li = document.createElement("li");
      var where = document.createElement("code");
      where.textContent = e.file ? e.file + ":" + e.line + ":" + e.col : "(site)";
      li.appendChild(where);
      li.appendChild(document.createTextNode(" " + e.message));
      if (e.source) {
        var pre = document.createElement("pre");
        pre.textContent = e.source;
        li.appendChild(pre);
      }
      list.appendChild(li);
    });
    box.appendChild(list);
    document.body.appendChild(box);
  }
  function errors() {
    fetch("/__ledenbrief/errors").then(function (r) { return r.json(); }).then(overlay, function () {});
  }
  var events = new EventSource("/__ledenbrief/events");
  events.addEventListener("reload", function () {
    sessionStorage.setItem(KEY, String(window.scrollY));
    location.reload();
  });
  events.addEventListener("errors", errors);
  errors();
})();
