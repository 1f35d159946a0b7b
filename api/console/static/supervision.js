// The supervision charts: acts per actor and per city, by month (ECharts, vendored).
(function () {
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  function draw(id, part, title) {
    var chart = echarts.init(document.getElementById(id));
    chart.setOption({
      animation: false,
      title: { text: title, textStyle: { fontSize: 13 } },
      tooltip: { trigger: "axis" },
      legend: { top: 20, type: "scroll" },
      grid: { top: 60, left: 40, right: 20, bottom: 30 },
      xAxis: { type: "category", data: part.months },
      yAxis: { type: "value" },
      series: part.series.map(function (s) { return { name: s.name, type: "line", data: s.data }; })
    });
    document.getElementById(id).setAttribute("data-drawn", String(part.series.length));
  }
  var en = document.documentElement.lang === "en";
  draw("chart-actors", data.actors, en ? "acts per actor" : "按行为人");
  draw("chart-cities", data.cities, en ? "acts per region" : "按区划");
})();
