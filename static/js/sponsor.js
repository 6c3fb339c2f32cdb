// The Sponsor Ad slot. The page may be cached and shared, so the server's pick is only
// the no-JavaScript fallback: here each visit picks again, by weight, among the
// sponsors inside their dates right now, then reports the impression with a beacon.
(function () {
  "use strict";
  var slot = document.querySelector("[data-sponsor-slot]");
  var data = document.getElementById("sponsor-data");
  if (!slot || !data) return;

  var sponsors;
  try {
    sponsors = JSON.parse(data.textContent);
  } catch (e) {
    return;
  }
  var now = Date.now();
  var live = sponsors.filter(function (s) {
    return s.weight > 0 &&
      (!s.from || Date.parse(s.from) <= now) &&
      (!s.until || Date.parse(s.until) > now);
  });
  if (!live.length) {
    slot.hidden = true;
    return;
  }

  var total = live.reduce(function (sum, s) { return sum + s.weight; }, 0);
  var ticket = Math.random() * total;
  var chosen = live[live.length - 1];
  for (var i = 0; i < live.length; i++) {
    ticket -= live[i].weight;
    if (ticket < 0) { chosen = live[i]; break; }
  }

  var link = slot.querySelector("[data-sponsor-link]");
  var image = slot.querySelector("[data-sponsor-image]");
  var name = slot.querySelector("[data-sponsor-name]");
  if (link.getAttribute("href") !== chosen.href) {
    link.setAttribute("href", chosen.href);
    image.setAttribute("src", chosen.image);
    image.setAttribute("alt", chosen.alt);
    image.setAttribute("width", chosen.width);
    image.setAttribute("height", chosen.height);
    name.textContent = chosen.name;
  }
  slot.setAttribute("data-sponsor-shown", String(chosen.id));

  var body = new URLSearchParams({ id: String(chosen.id) });
  var url = slot.getAttribute("data-impression-url");
  if (navigator.sendBeacon) {
    navigator.sendBeacon(url, body);
  } else if (window.fetch) {
    fetch(url, { method: "POST", body: body, keepalive: true, credentials: "omit" });
  }
})();
