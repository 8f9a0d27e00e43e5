// newsweave progressive enhancement.  Every page works without this file: citation markers
// are links to their evidence panel, which CSS shows with :target.  With it, a marker opens
// and closes its panel in place (no jump), says so to assistive technology, and Escape closes.
(function () {
  "use strict";

  function panelOf(marker) {
    var id = marker.getAttribute("data-panel");
    return id ? document.getElementById(id) : null;
  }

  function markersFor(panelId) {
    return document.querySelectorAll('.marker[data-panel="' + panelId + '"]');
  }

  function setOpen(panel, open) {
    panel.classList.toggle("open", open);
    markersFor(panel.id).forEach(function (m) {
      m.setAttribute("aria-expanded", open ? "true" : "false");
    });
    var line = document.getElementById(panel.id.replace(/^ev-/, "line-"));
    if (line) {
      line.classList.toggle("active", open);
    }
  }

  function closeAll(except) {
    document.querySelectorAll(".evidence.open").forEach(function (panel) {
      if (panel !== except) {
        setOpen(panel, false);
      }
    });
  }

  function init() {
    document.documentElement.classList.add("js");
    var markers = document.querySelectorAll(".marker[data-panel]");
    if (!markers.length) {
      return;
    }
    markers.forEach(function (marker) {
      marker.setAttribute("aria-expanded", "false");
      marker.addEventListener("click", function (event) {
        var panel = panelOf(marker);
        if (!panel) {
          return;
        }
        event.preventDefault();
        var open = !panel.classList.contains("open");
        closeAll(panel);
        setOpen(panel, open);
        if (open) {
          history.replaceState(null, "", "#" + panel.id);
          panel.scrollIntoView({ block: "nearest" });
          panel.focus({ preventScroll: true });
        } else {
          history.replaceState(null, "", "#summary");
        }
      });
    });
    document.querySelectorAll(".evidence .close[data-close]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var panel = document.getElementById(link.getAttribute("data-close"));
        if (!panel) {
          return;
        }
        event.preventDefault();
        setOpen(panel, false);
        history.replaceState(null, "", "#summary");
        var first = markersFor(panel.id)[0];
        if (first) {
          first.focus();
        }
      });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") {
        return;
      }
      var open = document.querySelector(".evidence.open");
      if (open) {
        setOpen(open, false);
        var first = markersFor(open.id)[0];
        if (first) {
          first.focus();
        }
      }
    });
    // A page opened at #ev-N: show that panel the same way (CSS :target already does).
    if (location.hash.indexOf("#ev-") === 0) {
      var target = document.getElementById(location.hash.slice(1));
      if (target && target.classList.contains("evidence")) {
        setOpen(target, true);
      }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
