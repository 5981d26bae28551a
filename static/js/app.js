/*
 * Back-office behaviour on top of htmx (load this file after htmx.min.js and
 * chart.umd.min.js). No framework: everything uses event delegation on
 * document, so it keeps working for content swapped in by htmx.
 */
(function () {
  "use strict";

  // ---------------------------------------------------------------------
  // htmx configuration
  // ---------------------------------------------------------------------
  // 422 (validation errors) and 409 (conflict) carry a re-rendered form or
  // message, so swap them like a 200 and don't treat them as errors.
  // 401 with HX-Redirect is handled by htmx before this table is consulted.
  if (window.htmx) {
    htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "422", swap: true, error: false },
      { code: "409", swap: true, error: false },
      { code: "[45]..", swap: false, error: true },
      { code: "...", swap: false }
    ];
    // Swapped content is live at once: with htmx's 20 ms settle delay, a row that had just
    // refreshed itself could take a click as a plain form post (a full reload, no confirm).
    htmx.config.defaultSettleDelay = 0;
  }

  // ---------------------------------------------------------------------
  // Tabs (WAI-ARIA tabs pattern, manual activation, roving tabindex)
  // ---------------------------------------------------------------------
  var TAB = '[role="tab"]';

  function tabsOf(tablist) {
    return Array.prototype.filter.call(
      tablist.querySelectorAll(TAB),
      function (t) {
        return t.closest('[role="tablist"]') === tablist &&
          t.getAttribute("aria-disabled") !== "true";
      }
    );
  }

  // Marks `tab` as the selected tab of its tablist.
  function selectTab(tab) {
    var tablist = tab.closest('[role="tablist"]');
    if (!tablist) return;
    tabsOf(tablist).forEach(function (t) {
      var on = t === tab;
      t.setAttribute("aria-selected", on ? "true" : "false");
      t.setAttribute("tabindex", on ? "0" : "-1");
    });
    // htmx swaps only the panel's contents: keep the panel labelled by the open tab.
    var panel = document.getElementById(tab.getAttribute("aria-controls"));
    if (panel && tab.id) panel.setAttribute("aria-labelledby", tab.id);
  }

  function normPath(p) {
    return p.length > 1 ? p.replace(/\/+$/, "") : p;
  }

  function tabPath(tab) {
    try {
      return normPath(new URL(tab.getAttribute("href") || "", location.href).pathname);
    } catch (e) {
      return null;
    }
  }

  // Finds the tab whose href is the current URL. The bare card URL
  // (/customers/{n}) means the data tab (/customers/{n}/data).
  function tabForLocation(tablist) {
    var here = normPath(location.pathname);
    var tabs = tabsOf(tablist);
    var i;
    for (i = 0; i < tabs.length; i++) if (tabPath(tabs[i]) === here) return tabs[i];
    for (i = 0; i < tabs.length; i++) if (tabPath(tabs[i]) === here + "/data") return tabs[i];
    return null;
  }

  // Makes sure every tablist under `root` has exactly one focusable tab.
  function initTablists(root, fromLocation) {
    root = root || document;
    var lists = root.querySelectorAll ? Array.prototype.slice.call(root.querySelectorAll('[role="tablist"]')) : [];
    if (root.matches && root.matches('[role="tablist"]')) lists.push(root);
    lists.forEach(function (tablist) {
      var tabs = tabsOf(tablist);
      if (!tabs.length) return;
      var current = fromLocation ? tabForLocation(tablist) : null;
      current = current || tablist.querySelector(TAB + '[aria-selected="true"]') ||
        tabForLocation(tablist);
      if (current) {
        selectTab(current);
      } else {
        tabs.forEach(function (t, i) { t.setAttribute("tabindex", i === 0 ? "0" : "-1"); });
      }
    });
  }

  document.addEventListener("keydown", function (ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    var tab = ev.target.closest && ev.target.closest(TAB);
    if (!tab) return;
    var tablist = tab.closest('[role="tablist"]');
    if (!tablist) return;
    var tabs = tabsOf(tablist);
    var i = tabs.indexOf(tab);
    if (i < 0) return;
    var vertical = tablist.getAttribute("aria-orientation") === "vertical";
    var prev = vertical ? "ArrowUp" : "ArrowLeft";
    var next = vertical ? "ArrowDown" : "ArrowRight";
    var target = null;

    switch (ev.key) {
      case prev: target = tabs[(i - 1 + tabs.length) % tabs.length]; break;
      case next: target = tabs[(i + 1) % tabs.length]; break;
      case "Home": target = tabs[0]; break;
      case "End": target = tabs[tabs.length - 1]; break;
      case "Enter":
      case " ":
      case "Spacebar":
        // preventDefault stops page scrolling (Space) and the native link
        // activation (Enter), so the tab is activated exactly once.
        ev.preventDefault();
        tab.click();
        return;
      default:
        return;
    }
    ev.preventDefault();
    tabs.forEach(function (t) { t.setAttribute("tabindex", t === target ? "0" : "-1"); });
    target.focus();
  });

  // If the swap replaces the tablist itself, put focus back on the tab with
  // the same href in the new markup.
  var focusedTabHref = null;
  document.addEventListener("htmx:beforeSwap", function () {
    var a = document.activeElement;
    focusedTabHref = a && a.matches && a.matches(TAB) ? a.getAttribute("href") : null;
  });

  document.addEventListener("htmx:afterSettle", function (ev) {
    var d = ev.detail || {};
    var source = d.requestConfig && d.requestConfig.elt;
    if (source && source.matches && source.matches(TAB) && source.isConnected && d.successful !== false) {
      selectTab(source);
    }
    initTablists(ev.target);
    if (focusedTabHref && (!document.activeElement || document.activeElement === document.body)) {
      var again = Array.prototype.find.call(document.querySelectorAll(TAB), function (t) {
        return t.getAttribute("href") === focusedTabHref;
      });
      if (again) again.focus();
    }
    focusedTabHref = null;
  });

  function syncTabsFromLocation() { initTablists(document, true); }
  document.addEventListener("htmx:historyRestore", syncTabsFromLocation);
  window.addEventListener("popstate", syncTabsFromLocation);

  // ---------------------------------------------------------------------
  // Charts: <canvas data-chart='{"labels":[...],"values":[...],"label":"Saldo"}'>
  // ---------------------------------------------------------------------
  var CHART_KEY = "__appChart";

  function fmt(v) {
    return typeof v === "number" ? v.toLocaleString("pl-PL") : String(v);
  }

  function cssVar(name, fallback) {
    var v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return v || fallback;
  }

  function destroyChart(canvas) {
    var chart = canvas[CHART_KEY];
    if (chart) {
      chart.destroy();
      canvas[CHART_KEY] = null;
    }
  }

  function drawChart(canvas) {
    var src = canvas.getAttribute("data-chart");
    var old = canvas[CHART_KEY];
    if (old && canvas.__appChartSrc === src) return; // unchanged, keep it
    destroyChart(canvas);
    var data;
    try {
      data = JSON.parse(src);
    } catch (e) {
      console.warn("data-chart: invalid JSON", canvas, e);
      return;
    }
    var labels = Array.isArray(data.labels) ? data.labels : [];
    var values = Array.isArray(data.values) ? data.values : [];
    var hasNegative = values.some(function (v) { return v < 0; });
    var color = cssVar("--pico-primary", "#0172ad");
    var muted = cssVar("--pico-muted-color", "#646b79");
    var grid = cssVar("--pico-muted-border-color", "#e7eaf0");

    canvas[CHART_KEY] = new Chart(canvas, {
      type: "line",
      data: {
        labels: labels,
        datasets: [{
          label: data.label || "",
          data: values,
          stepped: true,
          borderColor: color,
          backgroundColor: color,
          borderWidth: 2,
          pointRadius: values.length > 60 ? 0 : 2,
          pointHoverRadius: 4,
          fill: false
        }]
      },
      options: {
        locale: "pl-PL",
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: function (ctx) {
                return (ctx.dataset.label ? ctx.dataset.label + ": " : "") + fmt(ctx.parsed.y);
              }
            }
          }
        },
        scales: {
          x: {
            ticks: { color: muted, maxRotation: 0, autoSkip: true, maxTicksLimit: 8 },
            grid: { display: false }
          },
          y: {
            beginAtZero: !hasNegative,
            ticks: { color: muted, callback: function (v) { return fmt(v); } },
            grid: { color: grid }
          }
        }
      }
    });
    canvas.__appChartSrc = src;
  }

  function initCharts(root) {
    if (typeof window.Chart !== "function" || !root || !root.querySelectorAll) return;
    var canvases = Array.prototype.slice.call(root.querySelectorAll("canvas[data-chart]"));
    if (root.matches && root.matches("canvas[data-chart]")) canvases.push(root);
    canvases.forEach(drawChart);
  }

  // htmx fires this for every element it removes (recursively), so handling
  // the event target alone covers canvases nested in the removed subtree.
  document.addEventListener("htmx:beforeCleanupElement", function (ev) {
    var el = ev.target;
    if (el && el.tagName === "CANVAS" && el[CHART_KEY]) destroyChart(el);
  });

  document.addEventListener("htmx:afterSettle", function (ev) { initCharts(ev.target); });
  document.addEventListener("htmx:historyRestore", function () { initCharts(document); });

  // ---------------------------------------------------------------------
  // Toast for failed requests
  // ---------------------------------------------------------------------
  var toastTimer = null;

  function toastEl() {
    var el = document.getElementById("toast");
    if (!el) {
      el = document.createElement("div");
      el.id = "toast";
      document.body.appendChild(el);
    }
    el.setAttribute("role", "status");
    el.setAttribute("aria-live", "polite");
    return el;
  }

  function showToast(text) {
    var el = toastEl();
    el.textContent = text;
    el.hidden = false;
    el.classList.add("show");
    clearTimeout(toastTimer);
    toastTimer = setTimeout(hideToast, 8000);
  }

  function hideToast() {
    var el = document.getElementById("toast");
    if (el) el.classList.remove("show");
  }

  document.addEventListener("click", function (ev) {
    if (ev.target.closest && ev.target.closest("#toast")) hideToast();
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") hideToast();
  });

  document.addEventListener("htmx:responseError", function (ev) {
    var xhr = ev.detail && ev.detail.xhr;
    var status = xhr ? xhr.status : 0;
    if (status === 422) return;
    showToast("Nie udało się wykonać operacji (kod " + status + "). Spróbuj ponownie.");
  });
  document.addEventListener("htmx:sendError", function () {
    showToast("Brak połączenia z serwerem. Sprawdź sieć i spróbuj ponownie.");
  });
  document.addEventListener("htmx:timeout", function () {
    showToast("Serwer nie odpowiedział na czas. Spróbuj ponownie.");
  });
  // Any new request dismisses a stale error message.
  document.addEventListener("htmx:beforeRequest", hideToast);

  // ---------------------------------------------------------------------
  // Initial page
  // ---------------------------------------------------------------------
  function init() {
    initTablists(document);
    initCharts(document);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

/* =========================================================================
 * Messages (e-mail, SMS and internal tabs). Kept apart from the part above.
 *  - SMS counter: <textarea data-sms-counter="OUTPUT_ID"> shows characters,
 *    parts and encoding as the server's sms.Segments counts them (GSM-7:
 *    160 / 153 per part, € [ ] { } ^ ~ \ | and form feed count 2; anything
 *    else, Polish letters included, switches to UCS-2: 70 / 67 per part,
 *    emoji count 2). An escape pair or surrogate pair never splits a part.
 *  - <button data-copy="TEXT">: copies TEXT to the clipboard.
 *  - <button data-dismiss="SELECTOR">: empties the element (closes a preview).
 * ========================================================================= */
(function () {
  "use strict";

  var GSM_BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  var GSM_EXTENSION = "\f^{}\\[~]|€";

  function gsmWidth(ch) {
    if (GSM_BASIC.indexOf(ch) >= 0) return 1;
    if (GSM_EXTENSION.indexOf(ch) >= 0) return 2;
    return 0;
  }

  // segments mirrors app/channel/sms.Segments.
  function segments(body) {
    var chars = Array.from(body); // code points, like Go's range over a string
    var gsm = chars.every(function (c) { return gsmWidth(c) > 0; });
    var single = gsm ? 160 : 70, multi = gsm ? 153 : 67;
    var width = gsm ? gsmWidth : function (c) { return c.codePointAt(0) > 0xFFFF ? 2 : 1; };
    var total = 0;
    chars.forEach(function (c) { total += width(c); });
    var parts = 0;
    if (total > 0 && total <= single) {
      parts = 1;
    } else if (total > single) {
      var used = 0;
      parts = 1;
      chars.forEach(function (c) {
        var w = width(c);
        if (used + w > multi) { parts++; used = 0; }
        used += w;
      });
    }
    return { encoding: gsm ? "GSM-7" : "UCS-2", chars: total, parts: parts };
  }

  function updateCounter(textarea) {
    var out = document.getElementById(textarea.getAttribute("data-sms-counter"));
    if (!out) return;
    // Browsers submit a textarea's line ends as CRLF but the server counts "\n" (it normalises).
    var s = segments(textarea.value.replace(/\r\n/g, "\n"));
    out.textContent = s.chars + " znaków · " + s.parts + " SMS · " + s.encoding;
    out.classList.toggle("warn", s.parts > 10);
  }

  document.addEventListener("input", function (ev) {
    var t = ev.target;
    if (t && t.matches && t.matches("textarea[data-sms-counter]")) updateCounter(t);
  });

  function initCounters(root) {
    if (!root || !root.querySelectorAll) return;
    Array.prototype.forEach.call(root.querySelectorAll("textarea[data-sms-counter]"), updateCounter);
  }
  document.addEventListener("htmx:afterSettle", function (ev) { initCounters(ev.target); });

  document.addEventListener("click", function (ev) {
    var copy = ev.target.closest && ev.target.closest("[data-copy]");
    if (copy) {
      var text = copy.getAttribute("data-copy");
      var label = copy.textContent;
      var done = function (msg) {
        copy.textContent = msg;
        setTimeout(function () { copy.textContent = label; }, 2000);
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(function () { done("Skopiowano"); }, function () { done("Nie udało się skopiować"); });
      } else {
        done("Skopiuj ręcznie");
      }
      return;
    }
    var dismiss = ev.target.closest && ev.target.closest("[data-dismiss]");
    if (dismiss) {
      var target = document.querySelector(dismiss.getAttribute("data-dismiss"));
      if (target) target.innerHTML = "";
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { initCounters(document); });
  } else {
    initCounters(document);
  }
})();
