// Where a visit was recorded (the form's GPS and its photos') and where the family is
// recorded, over the village's outline. No tile server unless one is configured.
(function () {
  var node = document.getElementById("visit-map-data");
  if (!node) { return; }
  var data = JSON.parse(node.textContent);
  var map = L.map("visit-map", {zoomSnap: 0.25});
  if (data.tiles) { L.tileLayer(data.tiles, {maxZoom: 19}).addTo(map); }
  var bounds = L.latLngBounds([]);
  if (data.outline) {
    var outline = L.geoJSON(data.outline, {style: {color: "#555", weight: 1, fillColor: "#ddd", fillOpacity: 0.4}}).addTo(map);
    bounds.extend(outline.getBounds());
  }
  var colours = {visit: "#0b5", photo: "#06c", family: "#c60"};
  data.points.forEach(function (p) {
    var at = L.latLng(p.lat, p.lng);
    L.circleMarker(at, {radius: 7, weight: 2, color: "#222", fillColor: colours[p.kind] || "#888", fillOpacity: 0.9})
      .bindTooltip(p.label, {permanent: true, direction: "right"}).addTo(map);
    if (p.accuracy) { L.circle(at, {radius: p.accuracy, weight: 1, color: colours[p.kind], fillOpacity: 0.1}).addTo(map); }
    bounds.extend(at);
  });
  // Close enough to see the house, with the village around it when the points are near.
  map.fitBounds(bounds.pad(0.1), {maxZoom: 17});
})();
