// Progressive enhancement: "Use my location" for near-me, and copy buttons for feed URLs.
(function () {
  "use strict";

  function setUpGeolocation() {
    var button = document.querySelector("[data-geolocate]");
    if (!button || !("geolocation" in navigator)) return;
    var form = button.closest("form");
    var near = form.querySelector("[name=near]");
    var city = form.querySelector("[name=near_city]");
    var status = form.querySelector("[data-geo-status]");
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = "Finding your location…";
      navigator.geolocation.getCurrentPosition(
        function (position) {
          near.value = position.coords.latitude.toFixed(3) + "," + position.coords.longitude.toFixed(3);
          if (city) city.value = "";
          status.textContent = "Location found.";
          form.submit();
        },
        function () {
          status.textContent = "Your location is not available; type a city instead.";
          if (city) city.focus();
        },
        { timeout: 10000, maximumAge: 600000 }
      );
    });
    if (city) {
      city.addEventListener("input", function () { if (city.value) near.value = ""; });
    }
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

  document.addEventListener("DOMContentLoaded", function () {
    setUpGeolocation();
    setUpCopyButtons();
  });
})();
