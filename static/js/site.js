// Progressive enhancement: "Use my location" for near-me, copy buttons for feed URLs, and
// filter forms that send only the fields filled in (no `?q=&region=`).
(function () {
  "use strict";

  function setUpGeolocation() {
    if (!("geolocation" in navigator)) return;
    document.querySelectorAll("[data-geolocate]").forEach(function (button) {
      var form = button.closest("form");
      var near = form.querySelector("[name=near]");
      var city = form.querySelector("[name=near_city]");
      var status = form.querySelector("[data-geo-status]");
      if (!near) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        if (status) status.textContent = "Finding your location…";
        navigator.geolocation.getCurrentPosition(
          function (position) {
            near.value = position.coords.latitude.toFixed(3) + "," + position.coords.longitude.toFixed(3);
            if (city) city.value = "";
            if (status) status.textContent = "Location found.";
            if (form.requestSubmit) form.requestSubmit(); else form.submit();
          },
          function () {
            if (status) status.textContent = "Your location is not available; type a city instead.";
            if (city) city.focus();
          },
          { timeout: 10000, maximumAge: 600000 }
        );
      });
      if (city) {
        city.addEventListener("input", function () { if (city.value) near.value = ""; });
      }
    });
  }

  function setUpCopyButtons() {
    if (!navigator.clipboard) return;
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      var input = document.getElementById(button.getAttribute("data-copy"));
      if (!input) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(input.value).then(function () {
          button.textContent = "Copied";
          setTimeout(function () { button.textContent = "Copy"; }, 2000);
        });
      });
    });
  }

  function setUpCleanQueries() {
    document.querySelectorAll("form[method=get]").forEach(function (form) {
      form.addEventListener("submit", function () {
        var emptied = [];
        Array.prototype.forEach.call(form.elements, function (field) {
          if (field.name && !field.disabled && field.value.trim() === "" && field.type !== "submit") {
            field.disabled = true; // a disabled field is not sent
            emptied.push(field);
          }
        });
        setTimeout(function () { emptied.forEach(function (field) { field.disabled = false; }); }, 0);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpGeolocation();
    setUpCopyButtons();
    setUpCleanQueries();
  });
})();
