// The cockpit's bar chart: the share of each target reached, coloured by status.
(function () {
  const data = JSON.parse(document.getElementById("chart-data").textContent);
  const colours = { met: "#2fb344", on_track: "#206bc4", at_risk: "#f59f00", behind: "#d63939", missed: "#7a1f1f" };
  const chart = echarts.init(document.getElementById("cockpit-chart"), null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: "value", max: (v) => Math.max(100, Math.ceil(v.max / 10) * 10), axisLabel: { formatter: "{value}%" } },
    yAxis: { type: "category", inverse: true, data: data.map((d) => d.name), axisLabel: { width: 260, overflow: "truncate" } },
    series: [{
      type: "bar",
      barMaxWidth: 28,
      data: data.map((d) => ({ value: d.percent, itemStyle: { color: colours[d.status] || "#868e96" } })),
      label: { show: true, position: "right", formatter: "{c}%" },
      markLine: { silent: true, symbol: "none", label: { show: false }, data: [{ xAxis: 100 }], lineStyle: { color: "#495057", type: "dashed" } },
    }],
  });
  window.addEventListener("resize", () => chart.resize());
})();
