// The meetup map: Leaflet from static files, tiles from settings.MAP_TILE_URL (optional).
// Under the tiles, country outlines from a vendored Natural Earth 1:110m file (world-atlas),
// so the map means something offline, without a tile URL, or when tiles fail to load.
(function () {
  "use strict";
  var OFFLINE_MAX_ZOOM = 6;  // beyond this the 1:110m outlines are one plain square of land
  var FOCUS_ZOOM = 10;  // a single pin with street tiles

  // "and 47 more" lists the rest: the page's filter, near this pin.
  function moreUrl(marker) {
    var query = new URLSearchParams(window.location.search);
    ["page", "near", "near_city", "radius_km"].forEach(function (name) { query.delete(name); });
    var kept = new URLSearchParams();
    query.forEach(function (value, name) { if (value) kept.append(name, value); });
    kept.set("near", marker.lat + "," + marker.lon);
    kept.set("radius_km", "1");
    return "/events/?" + kept.toString();
  }

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
      var more = document.createElement("a");
      more.href = moreUrl(marker);
      more.className = "map-more";
      more.textContent = "and " + (marker.count - marker.meetups.length) + " more";
      box.appendChild(more);
    }
    return box;
  }

  function pinLabel(marker) {
    var parts = [marker.city || "A place"];
    if (marker.count) parts.push(marker.count + (marker.count === 1 ? " meetup" : " meetups"));
    if (marker.groups && marker.groups.length) {
      parts.push(marker.groups.length + (marker.groups.length === 1 ? " group" : " groups"));
    }
    return parts.join(": ");
  }

  // Rings in degrees jump from 180 to -180 where a country crosses the antimeridian (Russia,
  // Fiji): drawn as they are, they are stripes of land across the whole map. Each ring is
  // made continuous (longitudes past 180), a ring round a pole (Antarctica) is closed along
  // the pole, and a polygon reaching past ±180 is drawn a second time a world away.
  function unwrapRing(ring) {
    var out = [], shift = 0;
    ring.forEach(function (point, index) {
      if (index) {
        var step = point[0] + shift - out[index - 1][0];
        if (step > 180) shift -= 360; else if (step < -180) shift += 360;
      }
      out.push([point[0] + shift, point[1]]);
    });
    if (shift) {  // round a pole: along it back to the start
      var pole = out[0][1] < 0 ? -90 : 90;
      out.push([out[out.length - 1][0], pole], [out[0][0], pole], out[0]);
    }
    return out;
  }

  function shifted(polygon, by) {
    return polygon.map(function (ring) {
      return ring.map(function (point) { return [point[0] + by, point[1]]; });
    });
  }

  function unwrapGeometry(geometry) {
    var polygons = geometry.type === "Polygon" ? [geometry.coordinates]
      : geometry.type === "MultiPolygon" ? geometry.coordinates : null;
    if (!polygons) return geometry;
    var out = [];
    polygons.forEach(function (polygon) {
      var rings = polygon.map(unwrapRing);
      out.push(rings);
      var lons = rings[0].map(function (point) { return point[0]; });
      if (Math.max.apply(null, lons) > 180) out.push(shifted(rings, -360));
      if (Math.min.apply(null, lons) < -180) out.push(shifted(rings, 360));
    });
    return { type: "MultiPolygon", coordinates: out };
  }

  // Country outlines in their own pane below the tiles (Leaflet's tile pane is at 200).
  function addOutlines(map, url) {
    if (!url || typeof topojson === "undefined" || !window.fetch) return;
    map.createPane("outlines").style.zIndex = 150;
    fetch(url).then(function (response) {
      return response.ok ? response.json() : Promise.reject(response.status);
    }).then(function (topology) {
      var countries = topojson.feature(topology, topology.objects.countries);
      countries.features.forEach(function (feature) {
        feature.geometry = unwrapGeometry(feature.geometry);
      });
      L.geoJSON(countries, {
        pane: "outlines", interactive: false, className: "map-outline",
        style: { weight: 0.6, fillOpacity: 1 }
      }).addTo(map);
      map.getContainer().setAttribute("data-outlines", "loaded");
    }).catch(function () { /* the markers still show on the plain background */ });
  }

  // A pin is a focusable button named after its place: Tab reaches it, Enter opens its
  // popup (Leaflet), and the popup's first link takes the focus; Escape goes back to the pin.
  function addPin(map, m) {
    var first = m.meetups[0] || {};
    var size = Math.round(Math.min(12 + Math.sqrt(m.count) * 3, 32));
    var pin = L.marker([m.lat, m.lon], {
      icon: L.divIcon({
        className: "map-pin att-" + (first.attendance || (m.groups ? "group" : "in_person")),
        iconSize: [size, size]
      }),
      keyboard: true,
      title: pinLabel(m)
    }).bindPopup(popup(m)).addTo(map);
    var element = pin.getElement();
    element.setAttribute("aria-label", pinLabel(m));
    var byKey = false;
    element.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") {
        byKey = true;
        if (event.key === " ") { event.preventDefault(); pin.openPopup(); }
      }
    });
    pin.on("popupopen", function (event) {
      var content = event.popup.getElement();
      if (!byKey || !content) return;
      byKey = false;
      var link = content.querySelector(".leaflet-popup-content a") || content.querySelector("a");
      if (link) link.focus();
      content.addEventListener("keydown", function onKey(key) {
        if (key.key !== "Escape") return;
        content.removeEventListener("keydown", onKey);
        pin.closePopup();
        element.focus();
      });
    });
    return pin;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var element = document.getElementById("map");
    var data = document.getElementById("map-markers");
    if (!element || !data || typeof L === "undefined") return;
    var markers = JSON.parse(data.textContent);
    var tileUrl = element.getAttribute("data-tile-url");
    // Without tiles only the outlines are drawn: no closer than a region.
    var maxZoom = tileUrl ? 18 : OFFLINE_MAX_ZOOM;
    var focusZoom = Math.min(FOCUS_ZOOM, maxZoom);
    var map = L.map(element, { scrollWheelZoom: false, worldCopyJump: true, maxZoom: maxZoom });
    addOutlines(map, element.getAttribute("data-outline-url"));
    if (tileUrl) {
      L.tileLayer(tileUrl, { maxZoom: 18, attribution: element.getAttribute("data-attribution") || "" }).addTo(map);
    }
    var points = markers.map(function (m) { return [m.lat, m.lon]; });
    if (points.length === 1) {
      map.setView(points[0], focusZoom);
    } else if (points.length) {
      map.fitBounds(points, { padding: [24, 24], maxZoom: focusZoom });
    } else {
      map.setView([30, 10], 2);
    }
    // After the view: Leaflet draws a marker's element only on a map that has one.
    markers.forEach(function (m) { addPin(map, m); });
  });
})();
