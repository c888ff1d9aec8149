// The main navigation's "More" menu: a <details> that opens and closes by itself (a click, or
// Enter/Space on its summary); this only closes it on Escape (focus back on "More") or on a click
// elsewhere on the page, as a menu is expected to.
(() => {
  "use strict";
  const menus = () => document.querySelectorAll("details.nav-menu[open]");
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    for (const menu of menus()) {
      const inside = menu.contains(document.activeElement);
      menu.open = false;
      if (inside) menu.querySelector("summary").focus();
    }
  });
  document.addEventListener("click", (event) => {
    for (const menu of menus()) if (!menu.contains(event.target)) menu.open = false;
  });
})();
