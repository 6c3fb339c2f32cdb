// On a phone the search filters start folded, so results come first; without this
// script they simply stay open (the page works the same).
(function () {
  "use strict";
  var filters = document.querySelector("details.filters");
  if (filters && window.matchMedia("(max-width: 56rem)").matches) {
    filters.open = false;
  }
})();
