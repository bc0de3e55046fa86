// Draws the results charts. Each canvas[data-chart] names a <script type="application/json"> element
// with its figures; the table beside every chart holds the same numbers, so nothing is lost without this.
(function () {
  'use strict';

  // A table region is a keyboard stop (tabindex="0" in the markup) so that a table wider than the screen can be
  // scrolled without a mouse. Where the table fits there is nothing to scroll, so it leaves the tab order.
  function keyboardScroll() {
    document.querySelectorAll('.table-scroll[role="region"]').forEach(function (region) {
      if (region.scrollWidth > region.clientWidth) {
        region.setAttribute('tabindex', '0');
      } else if (region !== document.activeElement) {
        region.removeAttribute('tabindex');
      }
    });
  }
  keyboardScroll();
  window.addEventListener('resize', keyboardScroll);

  if (typeof window.Chart === 'undefined') {
    return;
  }
  var language = document.documentElement.lang === 'en' ? 'en' : 'sv-SE';
  // Colour-blind-safe: an orange–grey–purple diverging scale for disagree → agree, and dark hues for groups.
  // Every colour has at least 3:1 contrast against the white page (WCAG 1.4.11), and a white edge separates
  // neighbouring bars, so each bar stands out against white rather than against its neighbour.
  var scaleColours = ['#8f4400', '#c4620a', '#767676', '#7866b0', '#4a2180'];
  var seriesColours = ['#0072b2', '#a35a00', '#007a5a', '#b24a8c', '#000000', '#c24d00', '#5a4a9e', '#6b6b6b'];
  var edge = { borderColor: '#ffffff', borderWidth: 1 };
  var reduceMotion = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;

  function percent(value) {
    return value.toLocaleString(language, { maximumFractionDigits: 1 }) + '\u00a0%';
  }

  // Horizontal bars, a dataset per series, coloured in turn and edged in white.
  function horizontalBars(data, colours, options) {
    return {
      type: 'bar',
      data: {
        labels: data.labels,
        datasets: data.series.map(function (series, i) {
          return Object.assign({ label: series.label, data: series.values, backgroundColor: colours[i % colours.length] }, edge);
        })
      },
      options: Object.assign({ indexAxis: 'y', maintainAspectRatio: false, animation: reduceMotion ? false : undefined }, options)
    };
  }

  function distribution(canvas, data) {
    canvas.parentNode.style.height = (4 + data.labels.length * 2.5) + 'rem';
    return horizontalBars(data, scaleColours, {
      scales: {
        x: { stacked: true, min: 0, max: 100, ticks: { callback: function (value) { return percent(value); } } },
        y: { stacked: true }
      },
      plugins: {
        tooltip: { callbacks: { label: function (item) { return item.dataset.label + ': ' + percent(item.parsed.x); } } }
      }
    });
  }

  function index(canvas, data) {
    canvas.parentNode.style.height = (6 + data.labels.length * Math.max(1, data.series.length) * 1.2) + 'rem';
    return horizontalBars(data, seriesColours, { scales: { x: { min: 0, max: 100 } } });
  }

  // Responses per day in the admin area: one bar a day.
  function days(canvas, data) {
    return {
      type: 'bar',
      data: {
        labels: data.labels,
        datasets: data.series.map(function (series) {
          return { label: series.label, data: series.values, backgroundColor: seriesColours[0] };
        })
      },
      options: {
        maintainAspectRatio: false,
        animation: reduceMotion ? false : undefined,
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { display: false } }
      }
    };
  }

  var kinds = { index: index, days: days };

  document.querySelectorAll('canvas[data-chart]').forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute('data-chart'));
    if (!source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var config = (kinds[data.kind] || distribution)(canvas, data);
    new window.Chart(canvas, config);
  });
})();
