// Rank intervals: each zone's 5th–95th percentile rank as a bar, its nominal rank as a dot.
(function () {
  const data = JSON.parse(document.getElementById("rank-data").textContent);
  const chart = echarts.init(document.getElementById("rank-chart"), null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    grid: { left: 8, right: 24, top: 8, bottom: 24, containLabel: true },
    xAxis: { type: "value", inverse: false, min: 1, name: "", minInterval: 1 },
    yAxis: { type: "category", inverse: true, data: data.map((d) => d.zone), axisLabel: { width: 220, overflow: "truncate", interval: 0 } },
    series: [
      { type: "bar", stack: "r", silent: true, itemStyle: { color: "transparent" }, data: data.map((d) => d.low) },
      {
        type: "bar", stack: "r", barMaxWidth: 14,
        data: data.map((d) => ({ value: Math.max(d.high - d.low, 0.2), itemStyle: { color: d.robust ? "#206bc4" : "#f59f00" } })),
      },
      { type: "scatter", symbolSize: 8, itemStyle: { color: "#1d273b" }, data: data.map((d) => d.rank) },
    ],
  });
  window.addEventListener("resize", () => chart.resize());
})();
