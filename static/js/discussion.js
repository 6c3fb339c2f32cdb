/* radRounds discussion: like, save, follow and comment without a page reload.
 * Plain JavaScript, no framework. Every form works without this file (POST and
 * redirect back); this only sends it in the background and updates the page in
 * place, leaving the focus where it was. */
(function () {
  "use strict";

  function send(form) {
    return fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    }).then(function (response) {
      return response
        .json()
        .catch(function () {
          return {};
        })
        .then(function (data) {
          return { ok: response.ok, status: response.status, data: data };
        });
    });
  }

  function announce(root, text) {
    var live = (root.closest("#comments") || document).querySelector("[data-live]");
    if (live) {
      live.textContent = "";
      window.setTimeout(function () {
        live.textContent = text;
      }, 50);
    }
  }

  // A form waits for its answer before it is sent again. (No `disabled`: that
  // would take the focus away from the button the member just pressed.)
  function busy(form, on) {
    if (on && form.dataset.busy) return false;
    if (on) form.dataset.busy = "1";
    else delete form.dataset.busy;
    form.setAttribute("aria-busy", on ? "true" : "false");
    return true;
  }

  // Like / Save / Follow switches.
  function onToggle(form) {
    var button = form.querySelector("button");
    var state = form.querySelector("input[name=state]");
    if (!busy(form, true)) return;
    send(form)
      .then(function (result) {
        if (!result.ok) {
          // Let the server explain (sign-in page, error page) the plain way.
          form.submit();
          return;
        }
        var active = !!result.data.active;
        button.setAttribute("aria-pressed", active ? "true" : "false");
        state.value = active ? "off" : "on";
        var count = form.querySelector("[data-count]");
        if (count && result.data.count_text) {
          count.textContent = result.data.count_text;
        }
      })
      .catch(function () {
        form.submit();
      })
      .finally(function () {
        busy(form, false);
      });
  }

  function showErrors(form, messages) {
    var box = form.querySelector("[data-errors]");
    if (!box) return;
    box.textContent = "";
    messages.forEach(function (message) {
      var p = document.createElement("p");
      p.className = "errorlist";
      p.textContent = message;
      box.appendChild(p);
    });
  }

  // New comments and replies.
  function onComment(form) {
    var textarea = form.querySelector("textarea");
    if (!busy(form, true)) return;
    send(form)
      .then(function (result) {
        if (!result.ok) {
          var errors = result.data.errors || ["Your comment could not be posted. Please try again."];
          showErrors(form, errors);
          announce(form, errors.join(" "));
          return;
        }
        showErrors(form, []);
        var template = document.createElement("template");
        template.innerHTML = result.data.html.trim();
        var item = template.content.firstElementChild;
        var discussion = document.getElementById("comments");
        if (form.dataset.thread) {
          var thread = document.getElementById("thread-" + form.dataset.thread);
          thread.querySelector("[data-replies]").appendChild(item);
        } else {
          discussion.querySelector("[data-threads]").appendChild(item);
          var empty = discussion.querySelector("[data-empty]");
          if (empty) empty.remove();
        }
        document.querySelectorAll("[data-comment-count]").forEach(function (el) {
          el.textContent = result.data.count_text;
        });
        textarea.value = "";
        form.querySelector("input[name=client_token]").value = result.data.token;
        announce(form, "Your comment was posted.");
      })
      .catch(function () {
        form.submit();
      })
      .finally(function () {
        busy(form, false);
      });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches("[data-toggle]")) {
      event.preventDefault();
      onToggle(form);
    } else if (form.matches("[data-comment-form]")) {
      event.preventDefault();
      onComment(form);
    }
  });

  // "Reply" under a reply: open the thread's reply box with an @mention, no new page.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-reply]");
    if (!link) return;
    var box = document.getElementById("reply-box-" + link.dataset.reply);
    if (!box) return;
    event.preventDefault();
    box.open = true;
    var textarea = box.querySelector("textarea");
    var mention = link.dataset.mention ? "@" + link.dataset.mention + " " : "";
    if (mention && textarea.value.indexOf(mention) === -1) {
      textarea.value = mention + textarea.value;
    }
    textarea.focus();
    textarea.setSelectionRange(textarea.value.length, textarea.value.length);
  });

  // Comments inserted by this script join the enhanced page: nothing else to wire,
  // since every handler above is delegated from the document.
})();
