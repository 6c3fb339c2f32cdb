// Copy buttons: <button data-copy-target="ID" hidden> copies the text of #ID (a
// <textarea>'s value or an element's text). The buttons stay hidden without JavaScript;
// the text is still there to select by hand.
(function () {
  "use strict";

  function textOf(element) {
    return "value" in element && element.tagName !== "BUTTON" ? element.value : element.textContent.trim();
  }

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (e) {
      ok = false;
    }
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); });
    }
    return fallbackCopy(text);
  }

  function announce(button, message) {
    var scope = button.closest("[data-copy-scope]") || button.closest("details") || document;
    var status = scope.querySelector("[data-copy-status]");
    if (status) status.textContent = message;
    var label = button.getAttribute("data-label") || button.textContent;
    button.setAttribute("data-label", label);
    button.textContent = message;
    window.setTimeout(function () { button.textContent = label; }, 2000);
  }

  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    if (!target) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      copy(textOf(target)).then(
        function () { announce(button, "Copied"); },
        function () {
          if (target.select) target.select();
          announce(button, "Press Ctrl+C to copy");
        }
      );
    });
  });
})();
