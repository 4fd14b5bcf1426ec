// The chain map (产业链全景图): nodes in three columns (upstream, midstream, downstream),
// each placed under its parent, coloured by status; arrows where one node supplies the next,
// dashed lines to neighbouring chains, thin grey lines from a node to the nodes under it.
// A click on a node opens its page. The table under the map lists the same nodes.
(function () {
  const element = document.getElementById("chain-map");
  const source = document.getElementById("chain-data");
  if (!element || !source || typeof echarts === "undefined") return;
  const data = JSON.parse(source.textContent);
  const ids = new Set(data.nodes.map((n) => n.id));
  const chart = echarts.init(element, null, { renderer: "svg" });
  const styles = {
    tree: { color: "#adb5bd", width: 1, type: "solid", curveness: 0 },
    supplies: { color: "#495057", width: 1.5, type: "solid", curveness: -0.12 },
    adjacent: { color: "#ae3ec9", width: 1.5, type: "dashed", curveness: -0.08 },
  };
  chart.setOption({
    animation: false,
    tooltip: {
      formatter: (p) =>
        p.dataType === "node" && p.data.status
          ? `${echarts.format.encodeHTML(p.data.name)}<br>${data.statuses[p.data.status]} · ${p.data.count}`
          : p.dataType === "node"
            ? echarts.format.encodeHTML(p.data.title || p.data.name)
            : "",
    },
    graphic: data.segments.map((label, i) => ({
      type: "text",
      left: `${4 + i * (data.segments.length > 3 ? 24 : 33)}%`,
      top: 4,
      style: { text: label, fontSize: 13, fontWeight: "bold", fill: "#495057" },
    })),
    series: [{
      type: "graph",
      layout: "none",
      top: 56,
      left: 24,
      right: 230,
      bottom: 16,
      roam: true,
      symbol: "roundRect",
      symbolSize: [14, 14],
      edgeSymbol: ["none", "arrow"],
      edgeSymbolSize: 7,
      label: {
        show: true,
        position: "right",
        fontSize: 12,
        // A node with target enterprises (重点企业招引图) says how many, in the target colour.
        formatter: (p) =>
          p.data.status
            ? `${p.data.name} · ${p.data.count}` + (p.data.targets ? ` {t|◎ ${data.targets_label} ${p.data.targets}}` : "")
            : p.data.name,
        rich: { t: { color: "#ae3ec9", fontWeight: "bold" } },
      },
      data: data.nodes.map((n) => ({
        ...n,
        itemStyle: { color: n.colour, borderColor: n.leaders ? "#ae3ec9" : n.colour, borderWidth: n.leaders ? 3 : 0 },
      })),
      links: data.edges
        .filter((e) => ids.has(e.source) && ids.has(e.target))
        .map((e) => ({
          source: e.source,
          target: e.target,
          lineStyle: styles[e.kind] || styles.supplies,
          symbol: e.kind === "supplies" ? ["none", "arrow"] : ["none", "none"],
        })),
    }],
  });
  chart.on("click", (p) => {
    if (p.dataType === "node" && p.data.url) window.location.href = p.data.url;
  });
  window.addEventListener("resize", () => chart.resize());
})();
