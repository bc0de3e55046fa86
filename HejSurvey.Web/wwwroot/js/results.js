// Draws the results charts. Each canvas[data-chart] names a <script type="application/json"> element
// with its figures; the table beside every chart holds the same numbers, so nothing is lost without this.
// A chart is drawn when it scrolls near the screen, so that a long page costs no more at load than its first screen.
(function () {
  'use strict';

  // A table region is a keyboard stop (tabindex="0" in the markup) so that a table wider than the screen can be
  // scrolled without a mouse. Where the table fits there is nothing to scroll, so it leaves the tab order. Measuring
  // a table lays it out, so each region is measured when it comes near the screen rather than all of them at load.
  function keyboardScroll(region) {
    if (region.scrollWidth > region.clientWidth) {
      region.setAttribute('tabindex', '0');
    } else if (region !== document.activeElement) {
      region.removeAttribute('tabindex');
    }
  }
  var regions = document.querySelectorAll('.table-scroll[role="region"]');
  var measured = [];
  function whenNear(elements, act) {
    if (!('IntersectionObserver' in window)) {
      elements.forEach(act);
      return;
    }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target);
          act(entry.target);
        }
      });
    }, { rootMargin: '100px 0px' });
    elements.forEach(function (element) { observer.observe(element); });
  }
  whenNear(regions, function (region) {
    measured.push(region);
    keyboardScroll(region);
  });
  window.addEventListener('resize', function () { measured.forEach(keyboardScroll); });
  document.querySelectorAll('details.distribution').forEach(function (details) {
    details.addEventListener('toggle', function () {
      details.querySelectorAll('.table-scroll[role="region"]').forEach(keyboardScroll);
    });
  });

  // The embed snippet is text in the card; the button copies it, or selects it for the reader to copy when the
  // clipboard is not open to the page. Without JavaScript the button stays hidden and the text can be selected by hand.
  document.querySelectorAll('button[data-copy-snippet]').forEach(function (button) {
    var code = document.getElementById(button.getAttribute('data-copy-snippet'));
    var status = document.getElementById(button.getAttribute('data-copy-snippet') + '-status');
    if (!code) {
      return;
    }
    button.hidden = false;
    button.addEventListener('click', function () {
      function selectIt(text) {
        var range = document.createRange();
        range.selectNodeContents(code);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        status.textContent = text;
      }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(code.textContent).then(function () {
          status.textContent = button.getAttribute('data-copied');
        }, function () {
          selectIt(button.getAttribute('data-failed'));
        });
      } else {
        selectIt(button.getAttribute('data-failed'));
      }
    });
  });

  // Print: every distribution open, so the report is complete.
  window.addEventListener('beforeprint', function () {
    document.querySelectorAll('details.distribution').forEach(function (details) { details.open = true; });
  });

  // The public pages name Chart.js on this script (data-chart-js) rather than in a script element of their own, so that
  // the browser fetches it only once the page is parsed: fetched with the page, its 200 KB shared a phone's slow
  // connection with the page itself and held back the first screen's largest paint. The admin pages load it before.
  var chartJs = document.currentScript && document.currentScript.getAttribute('data-chart-js');
  if (typeof window.Chart === 'undefined' && chartJs) {
    // The boxes take their place now, while the page is laid out for the first time: shown only once Chart.js had
    // arrived, they pushed everything below them down on a page already painted. Should it never arrive, they go again.
    document.documentElement.classList.add('charts');
    var script = document.createElement('script');
    script.src = chartJs;
    script.addEventListener('load', withCharts);
    script.addEventListener('error', function () { document.documentElement.classList.remove('charts'); });
    document.head.appendChild(script);
  } else {
    withCharts();
  }

  function withCharts() {
    if (typeof window.Chart === 'undefined') {
      document.documentElement.classList.remove('charts');
      return;
    }
    // From here on charts are drawn: their boxes, the legend and the downloads may show (site.css).
    document.documentElement.classList.add('charts');

    var english = document.documentElement.lang === 'en';
    var ink = '#1b1b1b';
    var bodyStyle = window.getComputedStyle(document.body);
    var fontFamily = bodyStyle.fontFamily;
    var fontSize = Math.max(14, parseFloat(bodyStyle.fontSize) * 0.875);
    window.Chart.defaults.font.family = fontFamily;
    window.Chart.defaults.font.size = fontSize;
    window.Chart.defaults.color = ink;

    // Colour-blind-safe: an orange–grey–purple diverging scale for disagree → agree (the same as .swatch-1…5), and
    // the Okabe–Ito hues for groups. Every colour has at least 3:1 contrast against the white page (WCAG 1.4.11), and
    // a white edge separates neighbouring bars. A compared round's bars are its group's colour, hatched.
    var scaleColours = ['#8f4400', '#c4620a', '#767676', '#7866b0', '#4a2180'];
    var scaleText = ['#ffffff', '#000000', '#ffffff', '#ffffff', '#ffffff'];
    var seriesColours = ['#0072b2', '#a35a00', '#007a5a', '#b24a8c', '#000000', '#5a4a9e', '#c24d00', '#6b6b6b'];

    // Numbers as the tables write them: a decimal comma, a no-break space between thousands and a true minus in
    // Swedish; a point and commas in English. Written out rather than left to Intl.NumberFormat: making the page's
    // first formatter loads the language's number data, a task as long as drawing a chart on a phone.
    function number(value) {
      var tenths = Math.round(Math.abs(value) * 10);
      var whole = String(Math.floor(tenths / 10)).replace(/\B(?=(\d{3})+$)/g, english ? ',' : '\u00a0');
      var text = tenths % 10 ? whole + (english ? '.' : ',') + (tenths % 10) : whole;
      return value < 0 && tenths > 0 ? (english ? '-' : '\u2212') + text : text;
    }

    // "62 %" in Swedish, "62%" in English, as the tables write it.
    function percent(value) {
      return number(value) + (english ? '%' : '\u00a0%');
    }

    // Labels wrap onto lines of at most `width` characters rather than being cut off at the chart's edge.
    function wrap(label, width) {
      var lines = [];
      var line = '';
      String(label).split(' ').forEach(function (word) {
        if (line && (line + ' ' + word).length > width) {
          lines.push(line);
          line = word;
        } else {
          line = line ? line + ' ' + word : word;
        }
      });
      if (line) {
        lines.push(line);
      }
      return lines;
    }

    function hatch(colour) {
      var tile = document.createElement('canvas');
      tile.width = tile.height = 8;
      var context = tile.getContext('2d');
      context.fillStyle = '#ffffff';
      context.fillRect(0, 0, 8, 8);
      context.strokeStyle = colour;
      context.lineWidth = 3;
      context.beginPath();
      context.moveTo(-2, 10);
      context.lineTo(10, -2);
      context.stroke();
      return context.createPattern(tile, 'repeat');
    }

    // Error bars for the 95 % intervals: each dataset may carry low and high arrays beside its values.
    var errorBars = {
      id: 'errorBars',
      afterDatasetsDraw: function (chart) {
        var context = chart.ctx;
        var x = chart.scales.x;
        context.save();
        context.strokeStyle = ink;
        context.lineWidth = 1.5;
        chart.data.datasets.forEach(function (dataset, i) {
          if (!dataset.low || !chart.isDatasetVisible(i)) {
            return;
          }
          chart.getDatasetMeta(i).data.forEach(function (bar, j) {
            if (dataset.low[j] === null || dataset.high[j] === null) {
              return;
            }
            var from = x.getPixelForValue(dataset.low[j]);
            var to = x.getPixelForValue(dataset.high[j]);
            var cap = Math.min(6, bar.height / 3);
            context.beginPath();
            context.moveTo(from, bar.y);
            context.lineTo(to, bar.y);
            context.moveTo(from, bar.y - cap);
            context.lineTo(from, bar.y + cap);
            context.moveTo(to, bar.y - cap);
            context.lineTo(to, bar.y + cap);
            context.stroke();
          });
        });
        context.restore();
      }
    };

    // The value on each bar: inside a stacked segment where it fits, after the error bar otherwise.
    var valueLabels = {
      id: 'valueLabels',
      afterDatasetsDraw: function (chart) {
        var context = chart.ctx;
        var stacked = chart.options.scales.x.stacked;
        var x = chart.scales.x;
        context.save();
        context.font = fontSize + 'px ' + fontFamily;
        context.textBaseline = 'middle';
        chart.data.datasets.forEach(function (dataset, i) {
          chart.getDatasetMeta(i).data.forEach(function (bar, j) {
            var value = dataset.data[j];
            if (value === null || value === undefined) {
              return;
            }
            var text = stacked || dataset.percent ? percent(value) : number(value);
            var width = context.measureText(text).width;
            if (stacked) {
              if (Math.abs(bar.x - bar.base) < width + 6) {
                return;
              }
              context.fillStyle = dataset.textColour;
              context.textAlign = 'center';
              context.fillText(text, (bar.x + bar.base) / 2, bar.y);
            } else {
              var end = Math.max(bar.x, dataset.high && dataset.high[j] !== null ? x.getPixelForValue(dataset.high[j]) : bar.x);
              context.fillStyle = ink;
              context.textAlign = 'left';
              context.fillText(text, end + 4, bar.y);
            }
          });
        });
        context.restore();
      }
    };

    // A downloaded image: white behind everything, the title and subtitle above and the source line below, burnt in.
    var frame = {
      id: 'frame',
      beforeDraw: function (chart) {
        var context = chart.ctx;
        context.save();
        context.fillStyle = '#ffffff';
        context.fillRect(0, 0, chart.width, chart.height);
        context.restore();
      },
      afterDraw: function (chart, args, options) {
        if (!options.source) {
          return;
        }
        var context = chart.ctx;
        context.save();
        context.font = (fontSize - 1) + 'px ' + fontFamily;
        context.fillStyle = '#4a4a4a';
        context.textAlign = 'left';
        context.textBaseline = 'bottom';
        context.fillText(options.source, 8, chart.height - 6);
        context.restore();
        // A record on the card of what the last image carried, for whoever checks a download against the page.
        options.tools.setAttribute('data-exported-source', options.source);
      }
    };

    function labelWidth(canvas) {
      return Math.max(14, Math.floor((canvas.parentNode.clientWidth || 360) / 22));
    }

    function bars(data, width) {
      return data.labels.map(function (label) { return wrap(label, width); });
    }

    function height(labels, series) {
      var lines = labels.reduce(function (sum, label) { return sum + Math.max(label.length, series); }, 0);
      return 5 + (lines * 1.4) + (labels.length * 0.8);
    }

    function axis(data, stacked, max) {
      return {
        x: {
          stacked: stacked, min: 0, max: max,
          title: { display: true, text: data.axis, font: { size: fontSize } },
          ticks: { callback: function (value) { return max === 100 && data.kind !== 'index' ? percent(value) : number(value); } }
        },
        y: { stacked: stacked, ticks: { autoSkip: false, font: { size: fontSize } } }
      };
    }

    // The plugins a chart on the page does not show are switched off (false), not just hidden: a hidden legend still
    // builds its items on every update, a sixth of drawing the overview. A downloaded image turns on what it shows.
    function options(data, scales, legend) {
      return {
        indexAxis: 'y',
        maintainAspectRatio: false,
        animation: false,
        layout: { padding: { right: 48 } },
        scales: scales,
        plugins: { legend: legend, title: false, subtitle: false, decimation: false, filler: false, colors: false, tooltip: { enabled: true } }
      };
    }

    function distribution(canvas, data) {
      var labels = bars(data, labelWidth(canvas));
      return {
        height: height(labels, 1),
        config: {
          type: 'bar',
          data: {
            labels: labels,
            datasets: data.series.map(function (series, i) {
              return { label: series.label, data: series.values, backgroundColor: scaleColours[i % scaleColours.length], textColour: scaleText[i % scaleText.length], borderColor: '#ffffff', borderWidth: 1 };
            })
          },
          // One legend above all the answer charts (in the page), not one per chart.
          options: options(data, axis(data, true, 100), false)
        }
      };
    }

    function index(canvas, data) {
      var labels = bars(data, labelWidth(canvas));
      var groups = data.series.filter(function (s) { return !s.compared; }).length;
      return {
        height: height(labels, data.series.length),
        config: {
          type: 'bar',
          data: {
            labels: labels,
            datasets: data.series.map(function (series, i) {
              var colour = seriesColours[(series.compared ? i - groups : i) % seriesColours.length];
              return {
                label: series.label, data: series.values, low: series.low, high: series.high,
                backgroundColor: series.compared ? hatch(colour) : colour, borderColor: series.compared ? colour : '#ffffff', borderWidth: series.compared ? 2 : 1
              };
            })
          },
          options: options(data, axis(data, false, 100), data.series.length > 1 && { position: 'top', labels: { font: { size: fontSize } } })
        }
      };
    }

    function overview(canvas, data) {
      var labels = bars(data, labelWidth(canvas) + 6);
      return {
        height: height(labels, 1),
        config: {
          type: 'bar',
          data: {
            labels: labels,
            datasets: data.series.map(function (series) {
              return { label: series.label, data: series.values, low: series.low, high: series.high, percent: true, backgroundColor: seriesColours[0], borderColor: '#ffffff', borderWidth: 1 };
            })
          },
          options: options(data, axis(data, false, 100), false)
        }
      };
    }

    // Responses per day in the admin area: one bar a day.
    function days(canvas, data) {
      return {
        config: {
          type: 'bar',
          data: {
            labels: data.labels,
            datasets: data.series.map(function (series) {
              return { label: series.label, data: series.values, backgroundColor: seriesColours[0] };
            })
          },
          options: {
            maintainAspectRatio: false,
            animation: false,
            scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
            plugins: { legend: { display: false } }
          }
        }
      };
    }

    var kinds = { distribution: distribution, index: index, overview: overview, days: days };

    function dataOf(canvas) {
      var source = document.getElementById(canvas.getAttribute('data-chart'));
      return source ? JSON.parse(source.textContent) : null;
    }

    function draw(canvas) {
      if (canvas.chart) {
        return;
      }
      var data = dataOf(canvas);
      if (!data || !kinds[data.kind]) {
        return;
      }
      var made = kinds[data.kind](canvas, data);
      if (made.height) {
        canvas.parentNode.style.height = made.height + 'rem';
      }
      made.config.plugins = [errorBars, valueLabels];
      canvas.chart = new window.Chart(canvas, made.config);
    }

    // Each chart is drawn in a task of its own when it comes into view, without animation, so that no drawing holds up
    // the page for long (what Lighthouse counts as blocking time) and a chart below the screen costs nothing until seen.
    var charts = document.querySelectorAll('canvas[data-chart]');
    // The first chart on a page costs Chart.js twice what the next one does (its code is compiled and its caches filled on
    // first use), which made the overview in the first screen one long task. A chart of two bars drawn out of sight, in a
    // task of its own just before, takes that first-use cost, so that neither task is long.
    var warm = false;
    function warmUp() {
      var holder = document.createElement('div');
      holder.setAttribute('aria-hidden', 'true');
      holder.style.cssText = 'position:absolute;left:-10000px;top:0;width:300px;height:120px';
      var target = document.createElement('canvas');
      holder.appendChild(target);
      document.body.appendChild(holder);
      var made = overview(target, { labels: ['a b', 'c'], series: [{ label: '', values: [40, 60], low: [35, 55], high: [45, 65] }] });
      made.config.plugins = [errorBars, valueLabels];
      new window.Chart(target, made.config).destroy();
      holder.remove();
    }
    whenNear(charts, function (canvas) {
      if (!warm) {
        warm = true;
        setTimeout(warmUp, 0);
      }
      setTimeout(function () { draw(canvas); }, 0);
    });

    // Print: every chart drawn at once (the distributions are opened for print whether or not Chart.js came).
    window.addEventListener('beforeprint', function () {
      charts.forEach(function (canvas) { draw(canvas); });
    });

    function save(blob, name) {
      var link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = name;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
    }

    function fileName(id, extension) {
      var slug = location.pathname.split('/')[2] || 'results';
      return slug + '-' + id + '.' + extension;
    }

    // The chart again, on a canvas of its own at twice the pixels, with title, subtitle and source burnt in.
    function png(data, id, tools, canvas) {
      var made = kinds[data.kind](canvas, data);
      var width = 800;
      var holder = document.createElement('div');
      holder.className = 'chart-export';
      holder.setAttribute('aria-hidden', 'true');
      holder.style.cssText = 'position:absolute;left:-10000px;top:0;width:' + width + 'px;height:' + ((made.height || 20) + 9) + 'rem';
      var target = document.createElement('canvas');
      holder.appendChild(target);
      document.body.appendChild(holder);
      var config = made.config;
      config.options.responsive = true;
      config.options.devicePixelRatio = 2;
      config.options.layout.padding = { top: 8, right: 48, bottom: 28, left: 8 };
      config.options.plugins.title = { display: true, text: wrap(data.title, 70), align: 'start', font: { size: 18, weight: '600' }, color: ink };
      config.options.plugins.subtitle = { display: true, text: wrap(data.subtitle, 95), align: 'start', color: '#4a4a4a', padding: { bottom: 12 } };
      config.options.plugins.frame = { source: data.source, tools: tools };
      if (data.kind === 'distribution') {
        config.options.plugins.legend = { display: true, position: 'bottom', align: 'start' };
      }
      config.plugins = [frame, errorBars, valueLabels];
      var chart = new window.Chart(target, config);
      tools.setAttribute('data-exported-size', target.width + 'x' + target.height);
      target.toBlob(function (blob) {
        save(blob, fileName(id, 'png'));
        chart.destroy();
        holder.remove();
      }, 'image/png');
    }

    function csvField(value) {
      var text = value === null || value === undefined ? '' : String(value);
      return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
    }

    // Just this chart's numbers, one row per bar, in the units the chart shows; UTF-8 with a byte order mark for Excel.
    function csv(data, id, tools) {
      var header = [tools.getAttribute('data-csv-label')];
      data.series.forEach(function (series) {
        header.push(series.label);
        if (series.low) {
          header.push(tools.getAttribute('data-csv-low').replace('{0}', series.label));
          header.push(tools.getAttribute('data-csv-high').replace('{0}', series.label));
        }
      });
      var rows = [header];
      data.labels.forEach(function (label, j) {
        var row = [label];
        data.series.forEach(function (series) {
          row.push(series.values[j]);
          if (series.low) {
            row.push(series.low[j]);
            row.push(series.high[j]);
          }
        });
        rows.push(row);
      });
      var text = rows.map(function (row) { return row.map(csvField).join(','); }).join('\r\n') + '\r\n';
      save(new Blob(['\ufeff' + text], { type: 'text/csv;charset=utf-8' }), fileName(id, 'csv'));
    }

    // Small multiples as one image: each group's chart drawn again at 2× side by side, two to a row, under the whole
    // chart's title and subtitle and above its source line, on white.
    function pngMultiples(data, id, tools, panels) {
      var columns = 2;
      var gap = 16;
      var width = 800;
      var panelWidth = (width - (gap * (columns + 1))) / columns;
      var rem = parseFloat(window.getComputedStyle(document.documentElement).fontSize) || 16;
      var drawn = [];
      panels.forEach(function (panel) {
        var panelData = dataOf(panel);
        var made = kinds[panelData.kind](panel, panelData);
        var holder = document.createElement('div');
        holder.setAttribute('aria-hidden', 'true');
        holder.style.cssText = 'position:absolute;left:-10000px;top:0;width:' + panelWidth + 'px;height:' + ((made.height + 2) * rem) + 'px';
        var target = document.createElement('canvas');
        holder.appendChild(target);
        document.body.appendChild(holder);
        var config = made.config;
        config.options.responsive = true;
        config.options.devicePixelRatio = 2;
        config.options.plugins.title = { display: true, text: panelData.group, align: 'start', font: { size: 16, weight: '600' }, color: ink };
        config.options.plugins.frame = {};
        config.plugins = [frame, errorBars, valueLabels];
        drawn.push({ chart: new window.Chart(target, config), canvas: target, holder: holder });
      });
      var scale = 2;
      var titleLines = wrap(data.title, 70);
      var subtitleLines = wrap(data.subtitle, 95);
      var top = 8 + (titleLines.length * 24) + (subtitleLines.length * 20) + 12;
      var rows = Math.ceil(drawn.length / columns);
      var rowHeights = [];
      drawn.forEach(function (d, i) {
        var row = Math.floor(i / columns);
        rowHeights[row] = Math.max(rowHeights[row] || 0, d.canvas.height / scale);
      });
      var height = top + rowHeights.reduce(function (a, b) { return a + b + gap; }, 0) + 28;
      var target = document.createElement('canvas');
      target.width = width * scale;
      target.height = Math.ceil(height * scale);
      var context = target.getContext('2d');
      context.scale(scale, scale);
      context.fillStyle = '#ffffff';
      context.fillRect(0, 0, width, height);
      context.textAlign = 'left';
      context.textBaseline = 'top';
      context.fillStyle = ink;
      context.font = '600 18px ' + fontFamily;
      var y = 8;
      titleLines.forEach(function (line) { context.fillText(line, 8, y); y += 24; });
      context.fillStyle = '#4a4a4a';
      context.font = fontSize + 'px ' + fontFamily;
      subtitleLines.forEach(function (line) { context.fillText(line, 8, y); y += 20; });
      y = top;
      for (var row = 0; row < rows; row++) {
        for (var column = 0; column < columns; column++) {
          var d = drawn[(row * columns) + column];
          if (d) {
            context.drawImage(d.canvas, gap + (column * (panelWidth + gap)), y, d.canvas.width / scale, d.canvas.height / scale);
          }
        }
        y += rowHeights[row] + gap;
      }
      context.fillStyle = '#4a4a4a';
      context.font = (fontSize - 1) + 'px ' + fontFamily;
      context.textBaseline = 'bottom';
      context.fillText(data.source, 8, height - 6);
      drawn.forEach(function (d) { d.chart.destroy(); d.holder.remove(); });
      tools.setAttribute('data-exported-source', data.source);
      tools.setAttribute('data-exported-size', target.width + 'x' + target.height);
      target.toBlob(function (blob) { save(blob, fileName(id, 'png')); }, 'image/png');
    }

    document.querySelectorAll('.chart-tools[data-downloads]').forEach(function (tools) {
      var id = tools.getAttribute('data-downloads');
      var source = document.getElementById(id + '-data');
      var canvas = document.querySelector('canvas[data-chart="' + id + '-data"]');
      var panels = tools.parentNode.querySelectorAll('.small-multiples canvas[data-chart]');
      if (!source || (!canvas && panels.length === 0)) {
        return;
      }
      function image() {
        var data = JSON.parse(source.textContent);
        if (canvas) {
          png(data, id, tools, canvas);
        } else {
          pngMultiples(data, id, tools, panels);
        }
      }
      function figures() {
        csv(JSON.parse(source.textContent), id, tools);
      }
      // The buttons' words come from the page, in its language.
      [['png', tools.getAttribute('data-png'), image], ['csv', tools.getAttribute('data-csv'), figures]].forEach(function (tool) {
        var item = document.createElement('li');
        item.className = 'chart-download';
        var button = document.createElement('button');
        button.type = 'button';
        button.className = 'link-button';
        button.setAttribute('data-download', tool[0]);
        button.textContent = tool[1];
        button.addEventListener('click', tool[2]);
        item.appendChild(button);
        tools.appendChild(item);
      });
    });
  }
})();
