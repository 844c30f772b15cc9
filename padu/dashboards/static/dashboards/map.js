// A shaded map of areas (padu.dashboards.maps): outlines, or points where no outline is
// known; where the map allows it (data-drill), a click on an area goes down to it. No tile server unless one is configured.
(function () {
  var data = JSON.parse(document.getElementById("map-data").textContent);
  var tiles = JSON.parse(document.getElementById("map-tiles").textContent);
  var map = L.map("map", {zoomSnap: 0.25, attributionControl: true});
  if (tiles) { L.tileLayer(tiles, {maxZoom: 18}).addTo(map); }
  map.attributionControl.addAttribution("Batas: cahyadsn/wilayah_boundaries (MIT)");
  function go(kode) {
    var params = new URLSearchParams(window.location.search);
    params.set("wilayah", kode);
    window.location.search = params.toString();
  }
  var layer = L.geoJSON(data, {
    style: function (f) { return {color: "#555", weight: 1, fillColor: f.properties.warna, fillOpacity: 0.85}; },
    pointToLayer: function (f, latlng) {
      return L.circleMarker(latlng, {radius: 9, color: "#555", weight: 1, fillColor: f.properties.warna, fillOpacity: 0.9});
    },
    onEachFeature: function (f, l) {
      l.bindTooltip(f.properties.nama + ": " + f.properties.teks, {sticky: true});
      if (document.getElementById("map").dataset.drill) {
        l.on("click", function () { go(f.properties.kode); });
      }
    }
  }).addTo(map);
  var bounds = L.latLngBounds([]);
  if (data.features.length) { bounds.extend(layer.getBounds()); }
  var pointsNode = document.getElementById("map-points");
  if (pointsNode) {
    // Households (only for roles that may see them): coloured by status; a click opens
    // the family's page, which checks access again.
    var url = JSON.parse(document.getElementById("family-url").textContent);
    var points = L.geoJSON(JSON.parse(pointsNode.textContent), {
      pointToLayer: function (f, latlng) {
        var p = f.properties;
        if (p.jumlah !== undefined) {  // a cluster: its size grows with its households
          return L.circleMarker(latlng, {radius: 4 + 2 * Math.log2(1 + p.jumlah), weight: 1, color: "#333",
                                         fillColor: p.ekstrem ? "#d7301f" : "#fc8d59", fillOpacity: 0.75});
        }
        return L.circleMarker(latlng, {radius: 5, weight: 1, color: "#333", fillColor: p.warna, fillOpacity: 0.9});
      },
      onEachFeature: function (f, l) {
        var p = f.properties;
        if (p.jumlah !== undefined) {
          l.bindTooltip(p.jumlah + " keluarga" + (p.ekstrem ? ", " + p.ekstrem + " miskin ekstrem" : ""), {permanent: false});
          return;
        }
        l.bindTooltip((p.status || "–") + (p.desil ? ", desil " + p.desil : "") + (p.program.length ? " · " + p.program.join(", ") : " · tanpa program"));
        l.on("click", function () { window.location = url.replace("{id}", p.id); });
      }
    }).addTo(map);
    if (points.getLayers().length) { bounds.extend(points.getBounds()); }
  }
  if (bounds.isValid()) { map.fitBounds(bounds, {padding: [10, 10], maxZoom: 17}); }
  else { map.setView([-2.5, 118], 4); }
})();
