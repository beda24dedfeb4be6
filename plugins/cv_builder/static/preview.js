// Live preview for the CV builder (progressive enhancement: every form works without it).
// While a form marked data-cv-preview is typed in, post it (debounced) to the preview URL;
// the server answers the CV's HTML with the unsaved changes, rendered by the same template
// as the PDF. Nothing is saved until the person presses "Enregistrer".
(function () {
  "use strict";
  var form = document.querySelector("form[data-cv-preview]");
  var target = document.getElementById("cv-apercu");
  if (!form || !target || !window.fetch || !window.DOMParser) { return; }
  var state = document.getElementById("apercu-etat");
  var url = form.getAttribute("data-cv-preview");
  var timer = null;
  var latest = 0;

  function refresh() {
    var ticket = ++latest;
    fetch(url, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("preview " + response.status); }
        return response.text();
      })
      .then(function (html) {
        if (ticket !== latest) { return; }  // an older answer arriving late
        // Parsed as an inert document: nothing in it runs, then its nodes are moved in.
        var parsed = new DOMParser().parseFromString(html, "text/html");
        var article = parsed.querySelector("article.cv-doc");
        if (!article) { return; }
        target.replaceChildren(document.importNode(article, true));
        if (state) { state.textContent = state.getAttribute("data-live-text"); }
      })
      .catch(function () { /* the saved preview stays; the form still works */ });
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 400);
  }
  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
}());
