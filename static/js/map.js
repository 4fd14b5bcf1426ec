// The zone map: core areas coloured by a share, boundaries, carriers as points; no CDN.
(function () {
  const box = document.getElementById("zone-map");
  const d = box.dataset;
  const [west, south, east, north] = d.extent.split(",").map(Number);
  const map = L.map(box, { attributionControl: true, preferCanvas: true });
  map.attributionControl.setPrefix(false);
  map.fitBounds([[south, west], [north, east]]);
  if (d.tiles) {
    L.tileLayer(d.tiles, { attribution: d.attribution, maxZoom: 18 }).addTo(map);
  }
  L.rectangle([[south, west], [north, east]], { color: "#868e96", weight: 1, fill: false, dashArray: "4" }).addTo(map);

  const steps = [[0.8, "#2b8a3e"], [0.6, "#74b816"], [0.4, "#f59f00"], [0.2, "#f76707"], [0, "#c92a2a"]];
  const colour = (share) => (share === null || share === undefined ? "#adb5bd" : steps.find(([min]) => share >= min)[1]);
  let measure = document.getElementById("colour-by").value;
  const outlines = L.geoJSON(null, {  // district outlines an administrator imported: works offline
    style: { color: "#5c7cfa", weight: 1.5, fillColor: "#edf2ff", fillOpacity: 0.35 },
    onEachFeature: (f, layer) => layer.bindTooltip(escape(f.properties.name), { sticky: true }),
  }).addTo(map);
  const core = L.geoJSON(null, {
    filter: (f) => f.properties.kind === "core_area",
    style: (f) => ({ color: "#1864ab", weight: 1, fillColor: colour(f.properties[measure]), fillOpacity: 0.7 }),
    onEachFeature: (f, layer) => {
      const p = f.properties;
      layer.bindPopup(() => {  // a function: the popup follows the measure chosen now
        const target = measure.startsWith("target:");
        const none = target ? d.labelNoTarget : d.labelNone;
        let text = p[measure] === null || p[measure] === undefined ? none : (p[measure] * 100).toFixed(1) + "%";
        if (target && p["value:" + measure] !== undefined) {
          text = `${d.labelReached} ${text} · ${d.labelOwn} ${p["value:" + measure].toLocaleString()}`;
        }
        return `<a href="/zones/${encodeURIComponent(p.code)}/">${escape(p.name)}</a>${p.demo ? " (" + d.labelDemo + ")" : ""}<br>${p.area_km2} ${d.labelArea} · ${text}`;
      });
    },
  }).addTo(map);
  const boundaries = L.geoJSON(null, {
    filter: (f) => f.properties.kind === "boundary",
    style: { color: "#495057", weight: 1, fill: false },
  }).addTo(map);
  const carriers = L.layerGroup().addTo(map);
  const projects = L.layerGroup().addTo(map);
  L.control.layers(null, {
    [d.labelOutlines]: outlines, [d.labelCore]: core, [d.labelBoundary]: boundaries, [d.labelCarriers]: carriers, [d.labelProjects]: projects,
  }).addTo(map);

  const legend = L.control({ position: "bottomright" });
  legend.onAdd = () => {
    const div = L.DomUtil.create("div", "map-legend");
    div.innerHTML = steps.map(([min, c]) => `<div><span style="background:${c}"></span> ≥ ${min * 100}%</div>`).join("");
    return div;
  };
  legend.addTo(map);

  function escape(text) {
    const span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }

  fetch(d.url, { credentials: "same-origin" }).then((r) => r.json()).then((data) => {
    const keys = data.progress.keys;  // [shares…, values…] per zone, unpacked onto its core area
    for (const f of data.shapes.features) {
      const row = data.progress.zones[f.properties.code];
      if (f.properties.kind !== "core_area" || !row) continue;
      keys.forEach((key, i) => { f.properties[key] = row[i]; f.properties["value:" + key] = row[keys.length + i]; });
    }
    outlines.addData(data.outlines);
    core.addData(data.shapes);
    boundaries.addData(data.shapes);
    for (const [lon, lat, pk, name, kind, demo] of data.carriers) {
      L.circleMarker([lat, lon], { radius: 2, color: demo ? "#f59f00" : "#206bc4", weight: 1, fillOpacity: 0.8 })
        .bindPopup(`<a href="/carriers/${pk}/">${escape(name)}</a>`).addTo(carriers);
    }
    for (const [lon, lat, pk, name] of data.projects || []) {
      L.circleMarker([lat, lon], { radius: 3, color: "#ae3ec9", weight: 1, fillOpacity: 0.8 })
        .bindPopup(`<a href="/projects/${pk}/">${escape(name)}</a>`).addTo(projects);
    }
    if (data.shapes.features.length) {
      map.fitBounds(core.getBounds().pad(0.1));
    } else if (data.outlines.features.length) {
      map.fitBounds(outlines.getBounds());
    }
    document.getElementById("map-status").textContent =
      `${data.shapes.features.length} · ${data.carriers_shown}/${data.carriers_total}`;
    box.dataset.loaded = "true";
  });
  document.getElementById("colour-by").addEventListener("change", (e) => {
    measure = e.target.value;
    core.setStyle((f) => ({ fillColor: colour(f.properties[measure]) }));
  });
})();
