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
  if (data.features.length) { map.fitBounds(layer.getBounds(), {padding: [10, 10]}); }
  else { map.setView([-2.5, 118], 4); }
})();
