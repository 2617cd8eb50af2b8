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

  function isoDay(moment) {  // the visitor's own calendar date, 2025-03-14
    function pad(n) { return (n < 10 ? "0" : "") + n; }
    return moment.getFullYear() + "-" + pad(moment.getMonth() + 1) + "-" + pad(moment.getDate());
  }

  function startOf(entry) {
    var clock = entry.querySelector("time[data-visitor-clock]");
    return clock ? new Date(clock.getAttribute("datetime")) : null;
  }

  // An online meetup belongs on the visitor's day: 17:00 in Berlin is the next morning in
  // Auckland. Without script (or when that day is not in the grid) it stays on the event's.
  function moveOnlineEntries() {
    var grid = document.querySelector(".month-grid");
    if (!grid) return;
    var cells = {};
    grid.querySelectorAll("td").forEach(function (cell) {
      var day = cell.querySelector(".day-head time");
      if (day) cells[day.getAttribute("datetime")] = cell;
    });
    grid.querySelectorAll("li[data-visitor-day]").forEach(function (entry) {
      var moment = startOf(entry);
      if (!moment || isNaN(moment.getTime())) return;
      var from = entry.closest("td");
      var to = cells[isoDay(moment)];
      if (!to || to === from) return;
      var list = to.querySelector("ul.entries");
      if (!list) {
        list = document.createElement("ul");
        list.className = "entries";
        to.appendChild(list);
        to.classList.remove("empty");
      }
      var before = null;  // the first entry starting later, else the "+N more" line
      list.querySelectorAll(":scope > li").forEach(function (other) {
        if (before) return;
        var start = startOf(other);
        if (other.classList.contains("more") || (start && start > moment)) before = other;
      });
      list.insertBefore(entry, before);
      var left = from.querySelector("ul.entries");
      if (left && !left.children.length) {
        left.remove();
        from.classList.add("empty");
      }
    });
  }

  document.addEventListener("DOMContentLoaded", fillVisitorTimes);
  document.addEventListener("DOMContentLoaded", fillVisitorClocks);
  document.addEventListener("DOMContentLoaded", moveOnlineEntries);
})();
