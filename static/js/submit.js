// The submission form: the time zone starts as the browser's own, when the list offers it.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var input = document.getElementById("id_timezone");
    if (!input || input.value || !window.Intl) return;
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    var list = input.list;
    if (!zone || !list) return;
    for (var i = 0; i < list.options.length; i++) {
      if (list.options[i].value === zone) {
        input.value = zone;
        return;
      }
    }
  });
})();
