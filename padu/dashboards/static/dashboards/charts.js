// Draw every chart of the page from its JSON (built by padu.dashboards.charts).
document.querySelectorAll(".chart[data-figure]").forEach(function (node) {
  var figure = JSON.parse(document.getElementById(node.dataset.figure).textContent);
  Plotly.newPlot(node, figure.data, figure.layout, {displayModeBar: false, responsive: true});
});
