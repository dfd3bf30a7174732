// The knowledge table: Remove asks "are you sure" only when a source is checked. With
// none checked, htmx sends at once and the page says to check some first, rather than
// asking to confirm a removal of nothing. One listener on the document serves every page
// htmx swaps in, however often this runs.
(function () {
  "use strict";
  if (window.agentKnowledgeReady) return;
  window.agentKnowledgeReady = true;

  document.addEventListener("htmx:confirm", function (ev) {
    var elt = ev.detail && ev.detail.elt;
    var name = elt && elt.getAttribute && elt.getAttribute("data-confirm-if-checked");
    if (!name || !elt.form || !ev.detail.question) return;
    var boxes = elt.form.querySelectorAll('input[type="checkbox"]');
    for (var i = 0; i < boxes.length; i++) {
      if (boxes[i].name === name && boxes[i].checked) return; // htmx asks as usual
    }
    ev.preventDefault();
    ev.detail.issueRequest(true);
  });
})();
