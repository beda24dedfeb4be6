// Suggestions for the job and place fields, from the store's own lists. Without
// JavaScript the fields still work: the server understands names and postal codes.
(function () {
  "use strict";
  function suggest(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var url = input.getAttribute("data-suggest");
    var timer = null;
    var last = "";
    input.addEventListener("input", function () {
      var text = input.value.trim();
      if (text.length < 2 || text === last) { return; }
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        last = text;
        fetch(url + "?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : []; })
          .then(function (items) {
            list.textContent = "";
            items.forEach(function (item) {
              var option = document.createElement("option");
              option.value = item.label;
              list.appendChild(option);
            });
          })
          .catch(function () { /* suggestions are a comfort: typing still works */ });
      }, 150);
    });
  }
  document.querySelectorAll("input[data-suggest]").forEach(suggest);
  // Changing the sort order reloads the results at once.
  var sort = document.getElementById("f-sort");
  if (sort && sort.form) {
    sort.addEventListener("change", function () { sort.form.submit(); });
  }
})();
