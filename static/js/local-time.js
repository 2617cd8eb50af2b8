// The visitor's own time for online meetups: fills <time datetime data-visitor-time>
// elements (rendered hidden) with Intl.DateTimeFormat in the browser's zone, and shows
// them when that zone differs from the event's.
(function () {
  "use strict";

  function visitorZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (error) {
      return "";
    }
  }

  function fillVisitorTimes() {
    if (typeof Intl === "undefined" || !Intl.DateTimeFormat) return;
    var zone = visitorZone();
    var format = new Intl.DateTimeFormat(undefined, {
      weekday: "short",
      day: "numeric",
      month: "short",
      hour: "2-digit",
      minute: "2-digit",
      timeZoneName: "short"
    });
    document.querySelectorAll("time[data-visitor-time]").forEach(function (element) {
      var moment = new Date(element.getAttribute("datetime"));
      if (isNaN(moment.getTime())) return;
      if (zone && zone === element.getAttribute("data-event-zone")) return;
      element.textContent = format.format(moment);
      var wrapper = element.closest(".visitor-time");
      if (wrapper) wrapper.hidden = false;
    });
  }

  // The month grid's times: each in the visitor's zone, with its name ("09:00 GMT-8");
  // without script they stay in the event's own zone, with its abbreviation.
  function fillVisitorClocks() {
    if (typeof Intl === "undefined" || !Intl.DateTimeFormat) return;
    var clock = new Intl.DateTimeFormat(undefined, {
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZoneName: "short"
    });
    document.querySelectorAll("time[data-visitor-clock]").forEach(function (element) {
      var moment = new Date(element.getAttribute("datetime"));
      if (isNaN(moment.getTime())) return;
      element.textContent = clock.format(moment);
    });
  }

  document.addEventListener("DOMContentLoaded", fillVisitorTimes);
  document.addEventListener("DOMContentLoaded", fillVisitorClocks);
})();
