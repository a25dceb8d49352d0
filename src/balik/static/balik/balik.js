// Small progressive enhancements; every page works without them.
document.addEventListener("click", (event) => {
  const target = event.target.closest("[data-confirm]");
  if (target && !window.confirm(target.dataset.confirm)) {
    event.preventDefault();
  }
});
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const source = document.getElementById(button.dataset.copy);
  if (source && navigator.clipboard) {
    navigator.clipboard.writeText(source.textContent.trim());
    button.textContent = button.dataset.copied || button.textContent;
  }
});
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
// The mentorship page: a link to a form inside a closed <details> opens it; a form shown again
// after a refusal takes the focus when no field of it did (autofocus does otherwise).
function openTarget() {
  const id = decodeURIComponent(window.location.hash.slice(1));
  const target = id && document.getElementById(id);
  if (!target) return;
  let node = target;
  while (node) {
    if (node.tagName === "DETAILS") node.open = true;
    node = node.parentElement;
  }
  const inner = target.querySelector && target.querySelector("details.form-toggle");
  if (inner) inner.open = true;
}
window.addEventListener("hashchange", openTarget);
document.addEventListener("DOMContentLoaded", () => {
  openTarget();
  const refused = document.querySelector("[data-refused]");
  if (refused && !document.querySelector("[autofocus]")) {
    refused.closest("details")?.setAttribute("open", "");
    refused.focus();
  }
});
// A region that scrolls sideways (a wide table on a narrow screen) must be reachable by the
// keyboard: it becomes a named, focusable region while it overflows. Its name is the table's
// caption, else the nearest heading before it, else the page's generic "Scrollable table".
function regionName(region) {
  const caption = region.querySelector("caption");
  if (caption && caption.textContent.trim()) return caption.textContent.trim();
  for (let node = region; node && node !== document.body; node = node.parentElement) {
    for (let sibling = node.previousElementSibling; sibling; sibling = sibling.previousElementSibling) {
      const heading = sibling.matches("h1, h2, h3, h4") ? sibling : sibling.querySelector("h1, h2, h3, h4");
      if (heading && heading.textContent.trim()) return heading.textContent.trim();
    }
  }
  return document.body.dataset.scrollLabel || "";
}
function markScrollRegions() {
  for (const region of document.querySelectorAll(".table-wrap, .scroll-region")) {
    const scrolls = region.scrollWidth > region.clientWidth + 1;
    if (scrolls && !region.hasAttribute("tabindex")) {
      region.tabIndex = 0;
      region.setAttribute("role", "region");
      region.dataset.madeFocusable = "";
      if (!region.hasAttribute("aria-label") && !region.hasAttribute("aria-labelledby")) {
        region.setAttribute("aria-label", regionName(region));
      }
    } else if (!scrolls && "madeFocusable" in region.dataset) {
      region.removeAttribute("tabindex");
      region.removeAttribute("role");
      delete region.dataset.madeFocusable;
    }
  }
}
markScrollRegions();
window.addEventListener("resize", markScrollRegions);
document.addEventListener("htmx:afterSettle", markScrollRegions);
