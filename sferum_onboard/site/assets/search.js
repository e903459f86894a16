/* Site search over the Pagefind index (built by `sferum-onboard build` into pagefind/).
 *
 * Pagefind stems Russian and loads only the index chunks a query needs:
 * nothing is downloaded until a reader types. It stems the query's words
 * exactly as it stemmed the pages' words and matches the start of a word, so
 * the reader's word, sent as typed, finds its other forms; `searchWord` only
 * helps where that stemming falls short. Everything is fetched from this
 * site. No dependencies; the button is added to Material's header.
 */
(function () {
  "use strict";

  var MAX_RESULTS = 8;
  var TITLE_WEIGHT = 5; // Pagefind's own ranking boost for a query word in a page's title
  var ICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" aria-hidden="true" focusable="false">' +
    '<path d="M9.5 3A6.5 6.5 0 0 1 16 9.5c0 1.61-.59 3.09-1.56 4.23l.27.27h.79l5 5-1.5 1.5-5-5v-.79l-.27-.27A6.52 ' +
    '6.52 0 0 1 9.5 16 6.5 6.5 0 0 1 3 9.5 6.5 6.5 0 0 1 9.5 3m0 2C7 5 5 7 5 9.5S7 14 9.5 14 14 12 14 9.5 12 5 9.5 5"/></svg>';
  var pagefind = null;
  var sequence = 0;

  // ё as е, as Pagefind reads it, so that the rules below see one spelling.
  function fold(text) {
    return text.replace(/ё/g, "е").replace(/Ё/g, "Е");
  }

  // How readers write names the guide spells otherwise.
  var SYNONYMS = { "макс": "max", "максе": "max", "макса": "max", "максом": "max", "максу": "max",
    "вк": "vk", "вконтакте": "vk", "смска": "смс", "айфон": "iphone", "айфоне": "iphone", "айфона": "iphone",
    "андроид": "android", "андроиде": "android" };
  // Words readers use where the guide says another: both are searched («ставить MAX» is «установить»,
  // but «ставить отметку» is not).
  var ALSO = { "ставить": ["установить"], "поставить": ["установить"], "зайти": ["войти"] };
  // Words that carry the reader's mood, not the topic («не могу войти», «что должен сделать», «свой класс»).
  var STOP = {};
  ("как что для или это где мне меня если чтобы могу можно нужно надо должен должна должны сделать " +
    "мой моя мое мои моего моей моему моим моих свой своя свое свои своего своей своему своим своих " +
    "нас нам наш наша наше наши").split(" ").forEach(function (word) { STOP[word] = true; });
  // Nouns in -ение, -ание, -ка made from verbs («вступление», «установка»), and words that lose a vowel
  // before -к- («ребёнка» of «ребёнок»): the stem without the suffix also finds «вступите», «установить»,
  // «ребёнок».
  var ACTION_NOUN = /^([а-я]{4,}?)(?:ени|ани|к)(?:е|я|ю|и|ем|ям|ями|ях|а|у|ой|ами|ах)$/;
  var LABIAL_L = /([бвмпф])л$/; // «вступл|ение» ← «вступ|ить»

  /* What to send Pagefind for one word. Pagefind stems every query word with the same Russian
   * (Snowball) stemmer as the pages, after reading й as и, so the word itself finds its inflected
   * forms. A bare stem must not be sent: it is stemmed once more («войт», read «воит», becomes «во»
   * and finds every «во…» word). Two things the stemmer misses: «классный» (read «классныи») stems
   * to «классны», not the start of «классного», so a final й after ы or о is dropped; and a noun
   * made from a verb does not find the verb, so the stem they share is sent, with a noun ending the
   * stemmer removes exactly («изменами» → «измен»). */
  function searchWord(word) {
    if (!/^[а-я]+$/.test(word)) return word;
    var noun = ACTION_NOUN.exec(word);
    if (noun) return noun[1].replace(LABIAL_L, "$1") + "ами";
    return word.replace(/([ыо])й$/, "$1");
  }

  /* The words to look for, each with the forms to search it by: folded, without short and stop words,
   * synonyms applied, in a form Pagefind reads right. */
  function terms(query) {
    return fold(query.toLowerCase()).split(/[^0-9a-zа-я]+/).filter(function (word) {
      return word.length > 2 || /^[0-9]+$/.test(word) || SYNONYMS[word];
    }).map(function (word) { return SYNONYMS[word] || word; })
      .filter(function (word) { return !STOP[word]; })
      .map(function (word) {
        // The guide speaks in imperatives («войдите», «найдите»), and for the verbs in -йти the stemmer
        // does not join them with the reader's «войти», «найти»: both forms are searched.
        var forms = [word].concat(ALSO[word] || []);
        return forms.concat(forms.filter(function (form) { return /йти$/.test(form); }).map(function (form) {
          return form.replace(/йти$/, "йдите");
        })).map(searchWord);
      });
  }

  /* Every query the forms make («ставить max» and «установить max»): a page counts with its best score. */
  function searchAll(module, queries) {
    return Promise.all(queries.map(function (words) { return module.search(words.join(" ")); })).then(function (found) {
      var best = {};
      found.forEach(function (one) {
        one.results.forEach(function (r) {
          if (!best[r.id] || best[r.id].score < r.score) best[r.id] = r;
        });
      });
      return Object.keys(best).map(function (id) { return best[id]; }).sort(function (a, b) { return b.score - a.score; });
    });
  }

  /* All words first; when that finds little, pages with most of the words follow. */
  function find(module, query) {
    var words = terms(query);
    if (!words.length) return Promise.resolve([]);
    var queries = words.reduce(function (made, forms) {
      return [].concat.apply([], made.map(function (start) {
        return forms.map(function (form) { return start.concat([form]); });
      }));
    }, [[]]);
    return searchAll(module, queries).then(function (results) {
      if (results.length >= 3 || words.length < 2) return results;
      var seen = {};
      results.forEach(function (r) { seen[r.id] = true; });
      return Promise.all(words.map(function (forms) {
        return searchAll(module, forms.map(function (form) { return [form]; }));
      })).then(function (each) {
        var partial = {};
        each.forEach(function (found) {
          found.forEach(function (r) {
            if (seen[r.id]) return;
            var entry = partial[r.id] || (partial[r.id] = { result: r, words: 0, score: 0 });
            entry.words += 1;
            entry.score += r.score;
          });
        });
        var extra = Object.keys(partial).map(function (id) { return partial[id]; });
        extra.sort(function (a, b) { return b.words - a.words || b.score - a.score; });
        return results.concat(extra.map(function (entry) { return entry.result; }));
      });
    });
  }

  function plural(n, one, few, many) {
    var mod10 = n % 10, mod100 = n % 100;
    if (mod10 === 1 && mod100 !== 11) return one;
    if (mod10 >= 2 && mod10 <= 4 && (mod100 < 12 || mod100 > 14)) return few;
    return many;
  }

  /* The site's root URL, from Material's config (relative base of the page the script loaded on:
   * instant navigation keeps this script and the first page's config, so it is read once, here). */
  function siteRoot() {
    var base = ".";
    var config = document.getElementById("__config");
    if (config) {
      try { base = JSON.parse(config.textContent).base || "."; } catch (error) { base = "."; }
    }
    return new URL(base.replace(/\/?$/, "/"), window.location.href);
  }

  var ROOT = siteRoot();

  function load() {
    if (!pagefind) {
      var root = ROOT;
      pagefind = import(new URL("pagefind/pagefind.js", root).href).then(function (module) {
        // noWorker: the wasm runs here, so a first query skips the 41 KB worker script (and its
        // 5-second start-up limit, which a slow line overruns).
        // A page's synonyms (its `synonyms` metadata field, see search.py) count like words of its title.
        return Promise.resolve(module.options({ baseUrl: root.pathname, excerptLength: 24, noWorker: true,
          ranking: { metaWeights: { synonyms: TITLE_WEIGHT } } }))
          .then(function () { return module.init(); })
          .then(function () { return module; });
      });
      pagefind.catch(function () { pagefind = null; });
    }
    return pagefind;
  }

  function build() {
    var inner = document.querySelector(".md-header__inner");
    if (!inner || inner.querySelector(".so-search-toggle")) return null;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "md-header__button md-icon so-search-toggle";
    button.setAttribute("aria-label", "Поиск по инструкции");
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", "so-search");
    button.title = "Поиск (клавиша /)";
    button.innerHTML = ICON + '<span class="so-search-toggle__text">Поиск</span>';

    var panel = document.createElement("div");
    panel.id = "so-search";
    panel.className = "so-search";
    panel.hidden = true;
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", "Поиск по инструкции");
    panel.innerHTML =
      '<form class="so-search__form" role="search">' +
      '<label class="so-search__label" for="so-search-input">Что вы ищете?</label>' +
      '<div class="so-search__row"><input id="so-search-input" class="so-search__input" type="search" ' +
      'autocomplete="off" spellcheck="false" placeholder="Например: не приходит СМС">' +
      '<button type="button" class="so-search__close md-button">Закрыть</button></div></form>' +
      '<p class="so-search__status" role="status" aria-live="polite"></p>' +
      '<ol class="so-search__results"></ol>';
    var source = inner.querySelector(".md-header__source");
    inner.insertBefore(button, source);
    inner.parentNode.insertBefore(panel, inner.nextSibling);
    return { button: button, panel: panel };
  }

  function setup() {
    // Material's instant-loading bar is a nameless progressbar: screen readers announce nothing useful.
    var bar = document.querySelector(".md-progress[role=progressbar]");
    if (bar && !bar.hasAttribute("aria-label")) bar.setAttribute("aria-label", "Загрузка страницы");
    var ui = build();
    if (!ui) return;
    var input = ui.panel.querySelector("input");
    var status = ui.panel.querySelector(".so-search__status");
    var list = ui.panel.querySelector(".so-search__results");
    var timer = null;

    function open() {
      ui.panel.hidden = false;
      ui.button.setAttribute("aria-expanded", "true");
      input.focus();
      load(); // start fetching the small entry files while the reader types
    }
    function close(returnFocus) {
      ui.panel.hidden = true;
      ui.button.setAttribute("aria-expanded", "false");
      if (returnFocus) ui.button.focus();
    }

    function render(results, query) {
      list.innerHTML = "";
      results.forEach(function (result) {
        var item = document.createElement("li");
        item.className = "so-search__result";
        var link = document.createElement("a");
        link.href = result.url;
        link.className = "so-search__link";
        var title = document.createElement("span");
        title.className = "so-search__title";
        title.textContent = (result.meta && result.meta.title) || result.url;
        var excerpt = document.createElement("span");
        excerpt.className = "so-search__excerpt";
        excerpt.innerHTML = result.excerpt; // Pagefind escapes the text and adds <mark>
        link.appendChild(title);
        link.appendChild(excerpt);
        item.appendChild(link);
        var subs = (result.sub_results || []).filter(function (sub) { return sub.url !== result.url; }).slice(0, 2);
        if (subs.length) {
          var nested = document.createElement("ul");
          subs.forEach(function (sub) {
            var li = document.createElement("li");
            var a = document.createElement("a");
            a.href = sub.url;
            a.textContent = sub.title;
            li.appendChild(a);
            nested.appendChild(li);
          });
          item.appendChild(nested);
        }
        list.appendChild(item);
      });
      status.textContent = results.length
        ? "Найдено: " + results.length + " " + plural(results.length, "страница", "страницы", "страниц")
        : "По запросу «" + query + "» ничего не нашлось. Попробуйте другое слово или откройте раздел своей роли в меню.";
      status.setAttribute("data-query", query); // which query the list shows (for tests and styles)
    }

    function run() {
      var query = input.value.trim();
      var mine = ++sequence;
      if (!query) { list.innerHTML = ""; status.textContent = ""; return; }
      status.textContent = "Ищем…";
      load().then(function (module) {
        return find(module, query);
      }).then(function (results) {
        return Promise.all(results.slice(0, MAX_RESULTS).map(function (r) { return r.data(); }));
      }).then(function (results) {
        if (mine === sequence) render(results, query);
      }).catch(function () {
        if (mine === sequence) {
          status.textContent = "Поиск сейчас недоступен. Откройте раздел своей роли в меню.";
        }
      });
    }

    ui.button.addEventListener("click", function () {
      if (ui.panel.hidden) open(); else close(true);
    });
    ui.panel.querySelector(".so-search__close").addEventListener("click", function () { close(true); });
    ui.panel.querySelector("form").addEventListener("submit", function (event) {
      event.preventDefault();
      window.clearTimeout(timer);
      run();
    });
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(run, 200);
    });
    ui.panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") close(true);
    });
    list.addEventListener("click", function (event) {
      if (event.target.closest("a")) close(false);
    });
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      var typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
      if (event.key === "/" && !typing && ui.panel.hidden) {
        event.preventDefault();
        open();
      }
    });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setup); // the header survives instant navigation; setup runs once
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
