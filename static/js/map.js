// The meetup map: Leaflet from static files, tiles from settings.MAP_TILE_URL (optional).
// Under the tiles, country outlines from a vendored Natural Earth 1:110m file (world-atlas),
// so the map means something offline, without a tile URL, or when tiles fail to load.
(function () {
  "use strict";
  var COLOURS = { in_person: "#b7410e", virtual: "#2962a8", hybrid: "#6b4fa3" };

  // Built with DOM calls, never innerHTML: titles come from newsletters.
  function popup(marker) {
    var box = document.createElement("div");
    var heading = document.createElement("strong");
    heading.textContent = marker.city + (marker.count > 1 ? " · " + marker.count + " meetups" : "");
    box.appendChild(heading);
    var list = document.createElement("ul");
    list.className = "map-popup-list";
    marker.meetups.forEach(function (m) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = "/events/" + m.id + "/";
      link.textContent = m.title;
      item.appendChild(document.createTextNode(m.date + " "));
      item.appendChild(link);
      if (m.cancelled) item.appendChild(document.createTextNode(" (cancelled)"));
      list.appendChild(item);
    });
    (marker.groups || []).forEach(function (g) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = g.url;
      link.textContent = g.name;
      item.appendChild(link);
      list.appendChild(item);
    });
    if (list.childNodes.length) box.appendChild(list);
    if (marker.count > marker.meetups.length) {
      box.appendChild(document.createTextNode("and " + (marker.count - marker.meetups.length) + " more"));
    }
    return box;
  }

  // Country outlines in their own pane below the tiles (Leaflet's tile pane is at 200).
  function addOutlines(map, url) {
    if (!url || typeof topojson === "undefined" || !window.fetch) return;
    map.createPane("outlines").style.zIndex = 150;
    fetch(url).then(function (response) {
      return response.ok ? response.json() : Promise.reject(response.status);
    }).then(function (topology) {
      var countries = topojson.feature(topology, topology.objects.countries);
      L.geoJSON(countries, {
        pane: "outlines", interactive: false, className: "map-outline",
        style: { weight: 0.6, fillOpacity: 1 }
      }).addTo(map);
      map.getContainer().setAttribute("data-outlines", "loaded");
    }).catch(function () { /* the markers still show on the plain background */ });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var element = document.getElementById("map");
    var data = document.getElementById("map-markers");
    if (!element || !data || typeof L === "undefined") return;
    var markers = JSON.parse(data.textContent);
    var map = L.map(element, { scrollWheelZoom: false, worldCopyJump: true });
    addOutlines(map, element.getAttribute("data-outline-url"));
    var tileUrl = element.getAttribute("data-tile-url");
    if (tileUrl) {
      L.tileLayer(tileUrl, { maxZoom: 18, attribution: element.getAttribute("data-attribution") || "" }).addTo(map);
    }
    var points = [];
    markers.forEach(function (m) {
      var first = m.meetups[0] || {};
      var colour = COLOURS[first.attendance] || "#b7410e";
      L.circleMarker([m.lat, m.lon], {
        radius: Math.min(6 + Math.sqrt(m.count) * 1.5, 16), color: "#fff", weight: 2,
        fillColor: colour, fillOpacity: 0.9
      }).bindPopup(popup(m)).addTo(map);
      points.push([m.lat, m.lon]);
    });
    if (points.length === 1) {
      map.setView(points[0], 10);
    } else if (points.length) {
      map.fitBounds(points, { padding: [24, 24], maxZoom: 10 });
    } else {
      map.setView([30, 10], 2);
    }
  });
})();
