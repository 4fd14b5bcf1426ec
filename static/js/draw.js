// Drawing a core area or boundary on the map: the polygon goes into the form as GeoJSON.
(function () {
  const box = document.getElementById("draw-map");
  const [west, south, east, north] = box.dataset.extent.split(",").map(Number);
  (function merge(into, from) {  // Leaflet.draw ships English words only
    for (const [key, value] of Object.entries(from)) {
      if (typeof value === "object" && into[key]) merge(into[key], value); else into[key] = value;
    }
  })(L.drawLocal, JSON.parse(document.getElementById("draw-text").textContent));
  const map = L.map(box);
  map.attributionControl.setPrefix(false);
  map.fitBounds([[south, west], [north, east]]);
  if (box.dataset.tiles) {
    L.tileLayer(box.dataset.tiles, { maxZoom: 18 }).addTo(map);
  }
  L.rectangle([[south, west], [north, east]], { color: "#868e96", weight: 1, fill: false, dashArray: "4" }).addTo(map);
  const existing = JSON.parse(document.getElementById("existing-shape").textContent);
  if (existing) {
    const layer = L.geoJSON(existing, { style: { color: "#868e96", weight: 1, fillOpacity: 0.1 } }).addTo(map);
    map.fitBounds(layer.getBounds().pad(0.5));
  }
  const drawn = new L.FeatureGroup().addTo(map);
  map.addControl(new L.Control.Draw({
    draw: {  // areas in km² as the plan states them (about 1 km² per core area)
      polygon: { allowIntersection: false, showArea: true, metric: ["km", "m"], precision: { km: 2, m: 0 } },
      rectangle: { showArea: true, metric: ["km", "m"], precision: { km: 2, m: 0 } },
      polyline: false, circle: false, marker: false, circlemarker: false,
    },
    edit: { featureGroup: drawn },
  }));
  const field = document.getElementById("id_geojson");
  const status = document.getElementById("draw-status");
  function save() {
    const layers = drawn.getLayers();
    field.value = layers.length ? JSON.stringify(layers[layers.length - 1].toGeoJSON().geometry) : "";
    if (layers.length) {
      status.textContent = status.dataset.drawn;
      const crs = document.getElementById("id_crs");  // the shape page also takes files in other systems
      if (crs) crs.value = "wgs84";
    }
  }
  if (field.value) {
    try {
      const kept = L.geoJSON(JSON.parse(field.value));
      kept.eachLayer((layer) => drawn.addLayer(layer));
      map.fitBounds(drawn.getBounds().pad(0.5));
      status.textContent = status.dataset.drawn;
    } catch (error) {
      field.value = "";
    }
  }
  map.on(L.Draw.Event.CREATED, (e) => { drawn.clearLayers(); drawn.addLayer(e.layer); save(); });
  map.on(L.Draw.Event.EDITED, save);
  map.on(L.Draw.Event.DELETED, save);
})();
