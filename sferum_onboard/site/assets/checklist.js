/* Checklist ticks kept in this browser only (localStorage; nothing leaves the device).
 *
 * Markup comes from sferum_onboard/site/pages.py:
 *   <ol class="so-checklist" data-checklist="parent" data-steps="a b c"
 *       data-renamed='{"old-id": "new-id"}'> <li data-step="a"> <input type=checkbox> ...
 * A tick is stored under "sferum-onboard:tick:<checklist>:<step>". On every
 * page view, ticks of renamed steps move to the new id and ticks of steps
 * that are gone are dropped. Without JavaScript the page is a plain list.
 * No dependencies; works with Material's instant navigation (document$).
 */
(function () {
  "use strict";

  var PREFIX = "sferum-onboard:tick:";

  function storage() {
    try {
      var probe = PREFIX + "probe";
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (error) {
      return null; // private mode or storage disabled: the list still works, without memory
    }
  }

  function key(checklist, step) {
    return PREFIX + checklist + ":" + step;
  }

  function isTicked(store, checklist, step) {
    return !!store && store.getItem(key(checklist, step)) === "1";
  }

  // Russian plural forms: 1 шаг, 2 шага, 5 шагов, 21 шаг.
  function plural(n, one, few, many) {
    var mod10 = n % 10, mod100 = n % 100;
    if (mod10 === 1 && mod100 !== 11) return one;
    if (mod10 >= 2 && mod10 <= 4 && (mod100 < 12 || mod100 > 14)) return few;
    return many;
  }

  // «Выполнено 3 из 8 шагов», «Выполнен 1 из 21 шага».
  function progressText(done, total) {
    var verb = plural(done, "Выполнен", "Выполнено", "Выполнено");
    var noun = plural(total, "шага", "шагов", "шагов");
    return verb + " " + done + " из " + total + " " + noun;
  }

  /* Carry ticks over to renamed steps and forget ticks of removed ones. */
  function migrate(store, checklist, steps, renamed) {
    if (!store) return;
    Object.keys(renamed).forEach(function (oldId) {
      var newId = renamed[oldId];
      if (store.getItem(key(checklist, oldId)) === "1") store.setItem(key(checklist, newId), "1");
      store.removeItem(key(checklist, oldId));
    });
    var current = {};
    steps.forEach(function (id) { current[id] = true; });
    var prefix = PREFIX + checklist + ":";
    var stale = [];
    for (var i = 0; i < store.length; i++) {
      var name = store.key(i);
      if (name && name.indexOf(prefix) === 0 && !current[name.slice(prefix.length)]) stale.push(name);
    }
    stale.forEach(function (name) { store.removeItem(name); });
  }

  function update(list, store) {
    var checklist = list.getAttribute("data-checklist");
    var items = Array.prototype.slice.call(list.querySelectorAll(":scope > li[data-step]"));
    var done = 0, next = null;
    items.forEach(function (item) {
      var box = item.querySelector("input.so-step__box");
      var ticked = box.checked;
      if (ticked) done += 1;
      else if (!next) next = item;
      item.classList.toggle("so-step--done", ticked);
      item.classList.remove("so-step--next");
      var badge = item.querySelector(".so-step__next-badge");
      if (badge) badge.hidden = true;
      // "Сначала выполните": show only the dependencies that are not done yet.
      var deps = item.querySelectorAll(".so-step__deps li[data-dep]");
      var open = 0;
      Array.prototype.forEach.call(deps, function (dep) {
        var link = dep.querySelector("a");
        var depList = link && link.getAttribute("data-dep-checklist");
        var depStep = dep.getAttribute("data-dep");
        var met = depList === checklist
          ? !!list.querySelector('li[data-step="' + depStep + '"] input:checked')
          : isTicked(store, depList, depStep);
        dep.hidden = met;
        if (!met) open += 1;
      });
      var box2 = item.querySelector(".so-step__deps");
      if (box2) box2.hidden = open === 0 || ticked;
    });
    if (next) {
      next.classList.add("so-step--next");
      var badge = next.querySelector(".so-step__next-badge");
      if (badge) badge.hidden = false;
    }
    var panel = list.parentNode.querySelector("[data-so-progress]");
    if (panel) {
      panel.hidden = false;
      var text = progressText(done, items.length);
      if (done === items.length) text += ". Все шаги выполнены!";
      panel.querySelector(".so-progress__text").textContent = text;
      panel.querySelector(".so-progress__bar").value = done;
      var jump = panel.querySelector(".so-progress__next");
      jump.hidden = !next;
      if (next) jump.setAttribute("href", "#" + next.id);
    }
  }

  function setup(list) {
    if (list.getAttribute("data-so-ready")) return;
    list.setAttribute("data-so-ready", "1");
    var store = storage();
    var checklist = list.getAttribute("data-checklist");
    var steps = (list.getAttribute("data-steps") || "").split(/\s+/).filter(Boolean);
    var renamed = {};
    try { renamed = JSON.parse(list.getAttribute("data-renamed") || "{}"); } catch (error) { renamed = {}; }
    migrate(store, checklist, steps, renamed);

    var boxes = list.querySelectorAll(":scope > li[data-step] input.so-step__box");
    Array.prototype.forEach.call(boxes, function (box) {
      var step = box.closest("li").getAttribute("data-step");
      box.checked = isTicked(store, checklist, step);
      box.addEventListener("change", function () {
        if (store) {
          if (box.checked) store.setItem(key(checklist, step), "1");
          else store.removeItem(key(checklist, step));
        }
        update(list, store);
      });
    });

    var print = list.parentNode.querySelector(".so-progress__print");
    if (print) print.addEventListener("click", function () { window.print(); });
    var reset = list.parentNode.querySelector(".so-progress__reset");
    if (reset) {
      reset.addEventListener("click", function () {
        if (!window.confirm("Снять все отметки в этом чек-листе?")) return;
        Array.prototype.forEach.call(boxes, function (box) {
          box.checked = false;
          if (store) store.removeItem(key(checklist, box.closest("li").getAttribute("data-step")));
        });
        update(list, store);
      });
    }
    update(list, store);
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("ol.so-checklist[data-checklist]"), setup);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init); // Material: runs on the first load and after every instant navigation
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
