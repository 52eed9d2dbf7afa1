// Type-ahead for search inputs: the ARIA 1.2 combobox pattern with a listbox
// popup ("list autocomplete"), https://www.w3.org/WAI/ARIA/apg/patterns/combobox/
//
// Markup it enhances (rendered by templates/includes/search_form.html):
//
//   <div class="ow-search__field ow-suggest">
//     <input type="search" name="q" id="…" data-module="ow-suggest"
//            data-suggest-url="/ka/search/suggest/"
//            data-suggest-none="…" data-suggest-one="…" data-suggest-many="… {count} …">
//   </div>
//
// (data-text-no-results, data-text-results-one and data-text-results-many with "%n"
// are accepted too.) The strings come from the template, already in the page's
// language; the endpoint answers {"suggestions": [{"title", "url", "kind"}]}, where
// kind is a label in the page's language. Without JavaScript, or if the endpoint is
// on another origin, nothing changes and the form submits to the search page.

const MIN_CHARS = 2;
const DEBOUNCE_MS = 200;
const MAX_OPTIONS = 10;

let instances = 0;

/** The URL if it is on this page's origin (http or https), else null. */
function sameOriginUrl(value) {
  try {
    const url = new URL(value, window.location.href);
    if (url.origin !== window.location.origin) return null;
    if (url.protocol !== "https:" && url.protocol !== "http:") return null;
    return url;
  } catch {
    return null;
  }
}

/** The wrapper that anchors the list: the input's parent if it is one, else a new one. */
function fieldFor(input) {
  const parent = input.parentElement;
  if (parent.classList.contains("ow-suggest")) return parent;
  const hadFocus = document.activeElement === input;
  const wrapper = document.createElement("div");
  wrapper.className = "ow-suggest";
  parent.insertBefore(wrapper, input);
  wrapper.appendChild(input);
  if (hadFocus) input.focus();
  return wrapper;
}

export function initSuggest(input) {
  const endpoint = sameOriginUrl(input.dataset.suggestUrl || "");
  if (!endpoint || input.dataset.suggestReady) return;
  input.dataset.suggestReady = "true";

  const field = fieldFor(input);
  const id = input.id || `ow-suggest-${++instances}`;
  input.id = id;
  const listId = `${id}-listbox`;
  const data = input.dataset;
  const messages = {
    none: data.suggestNone || data.textNoResults || "",
    one: data.suggestOne || data.textResultsOne || "",
    many: data.suggestMany || data.textResultsMany || "",
  };

  // The popup, labelled by the field's own label.
  const listbox = document.createElement("ul");
  listbox.id = listId;
  listbox.className = "ow-suggest__listbox";
  listbox.setAttribute("role", "listbox");
  const label = input.labels && input.labels[0];
  if (label) {
    label.id = label.id || `${id}-label`;
    listbox.setAttribute("aria-labelledby", label.id);
  }
  listbox.hidden = true;
  field.appendChild(listbox);

  // A polite live region for the number of results (present before it is used,
  // so screen readers register it).
  const status = document.createElement("div");
  status.className = "govuk-visually-hidden";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  status.setAttribute("aria-atomic", "true");
  field.appendChild(status);

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", listId);
  input.setAttribute("autocomplete", "off");

  let suggestions = [];
  let active = -1;
  let timer = 0;
  let controller = null;
  let lastQuery = null;
  let statusTimer = 0;
  let toggle = false;

  function announce(text) {
    window.clearTimeout(statusTimer);
    // Let typing settle before speaking, and make a repeated message differ so it
    // is announced again.
    statusTimer = window.setTimeout(() => {
      toggle = !toggle;
      status.textContent = text ? text + (toggle ? "\u00a0" : "") : "";
    }, 400);
  }

  function setActive(index) {
    const options = listbox.children;
    if (active >= 0 && options[active]) {
      options[active].classList.remove("ow-suggest__option--active");
      options[active].setAttribute("aria-selected", "false");
    }
    active = index;
    if (active >= 0 && options[active]) {
      const option = options[active];
      option.classList.add("ow-suggest__option--active");
      option.setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function open() {
    if (!suggestions.length) return;
    listbox.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function close() {
    setActive(-1);
    listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
  }

  function choose(index) {
    const suggestion = suggestions[index];
    if (!suggestion) return;
    const url = sameOriginUrl(suggestion.url);
    if (!url) return;
    close();
    window.location.assign(url.href);
  }

  function render(items) {
    suggestions = items;
    active = -1;
    input.removeAttribute("aria-activedescendant");
    listbox.replaceChildren(
      ...items.map((item, index) => {
        const option = document.createElement("li");
        option.id = `${listId}-${index}`;
        option.className = "ow-suggest__option";
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        const title = document.createElement("span");
        title.className = "ow-suggest__title";
        title.textContent = item.title;
        option.appendChild(title);
        if (typeof item.kind === "string" && item.kind) {
          const note = document.createElement("span");
          note.className = "ow-suggest__kind";
          note.textContent = item.kind;
          option.appendChild(note);
        }
        return option;
      }),
    );
    if (items.length) open();
    else close();
    const message =
      items.length === 0 ? messages.none : items.length === 1 ? messages.one : messages.many;
    announce(message.replace("{count}", String(items.length)).replace("%n", String(items.length)));
  }

  function cancelPending() {
    window.clearTimeout(timer);
    timer = 0;
    if (controller) controller.abort();
    controller = null;
  }

  async function fetchSuggestions(query) {
    timer = 0;
    if (controller) controller.abort();
    const current = new AbortController();
    controller = current;
    const url = new URL(endpoint.href);
    url.searchParams.set("q", query);
    try {
      const response = await fetch(url.href, {
        signal: current.signal,
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error(`suggest: HTTP ${response.status}`);
      const data = await response.json();
      // Only the answer to what is in the field now counts.
      if (current.signal.aborted || input.value.trim() !== query) return;
      const items = Array.isArray(data.suggestions) ? data.suggestions : [];
      render(
        items
          .filter((item) => item && typeof item.title === "string" && sameOriginUrl(item.url))
          .slice(0, MAX_OPTIONS),
      );
    } catch (error) {
      if (error.name === "AbortError") return;
      // The form still works: say nothing and leave the list closed.
      suggestions = [];
      close();
    } finally {
      if (controller === current) controller = null;
    }
  }

  function onInput() {
    const query = input.value.trim();
    if (query === lastQuery) return;
    lastQuery = query;
    cancelPending();
    if (query.length < MIN_CHARS) {
      suggestions = [];
      listbox.replaceChildren();
      close();
      announce("");
      return;
    }
    timer = window.setTimeout(() => fetchSuggestions(query), DEBOUNCE_MS);
  }

  input.addEventListener("input", onInput);

  input.addEventListener("keydown", (event) => {
    if (event.altKey && event.key === "ArrowDown") {
      open();
      event.preventDefault();
      return;
    }
    const expanded = !listbox.hidden;
    switch (event.key) {
      case "ArrowDown":
        if (!suggestions.length) return;
        event.preventDefault();
        if (!expanded) open();
        setActive(active + 1 >= suggestions.length ? 0 : active + 1);
        break;
      case "ArrowUp":
        if (!suggestions.length) return;
        event.preventDefault();
        if (!expanded) open();
        setActive(active <= 0 ? suggestions.length - 1 : active - 1);
        break;
      case "Enter":
        // With a suggestion chosen, go to it; otherwise the form submits.
        if (expanded && active >= 0) {
          event.preventDefault();
          choose(active);
        }
        break;
      case "Escape":
        // Dismiss the list, and any answer still on its way, keeping the text.
        // (Escape with nothing to dismiss keeps the browser's own behaviour.)
        if (expanded || timer || controller) {
          event.preventDefault();
          if (timer || controller) {
            // The list on hand answers an older text: forget it.
            cancelPending();
            suggestions = [];
            lastQuery = null;
          }
          close();
        }
        break;
      case "Tab":
        close();
        break;
      default:
    }
  });

  // Keep focus in the field while the pointer picks an option.
  listbox.addEventListener("mousedown", (event) => event.preventDefault());
  listbox.addEventListener("click", (event) => {
    const option = event.target.closest('[role="option"]');
    if (!option) return;
    choose(Array.prototype.indexOf.call(listbox.children, option));
  });

  input.addEventListener("blur", () => close());
  // A page restored from the back/forward cache must not show a stale list.
  window.addEventListener("pageshow", () => close());
}
