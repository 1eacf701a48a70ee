// Charts of the numbers page, from the figures the server embedded as JSON.
(function () {
  'use strict';
  var figures = JSON.parse(document.getElementById('figures').textContent);
  var COLORS = { en: '#0b5cad', zh: '#c2410c' };
  var LABELS = { en: 'English', zh: 'Chinese' };
  var languages = Object.keys(figures.per_day);

  function dataset(lang, data) {
    return { label: LABELS[lang] || lang, data: data, backgroundColor: COLORS[lang], borderColor: COLORS[lang] };
  }
  function percent(value) { return value === null ? null : Math.round(value * 1000) / 10; }

  new Chart(document.getElementById('per-day'), {
    type: 'bar',
    data: { labels: figures.days, datasets: languages.map(function (l) { return dataset(l, figures.per_day[l]); }) },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } }
  });
  new Chart(document.getElementById('solved'), {
    type: 'bar',
    data: { labels: languages.map(function (l) { return LABELS[l] || l; }),
            datasets: [{ label: '% solved by the bot', backgroundColor: languages.map(function (l) { return COLORS[l]; }),
                         data: languages.map(function (l) { return percent(figures.solved_share[l]); }) }] },
    options: { plugins: { legend: { display: false } }, scales: { y: { min: 0, max: 100 } } }
  });
  var reasons = Object.keys(figures.handoffs);
  new Chart(document.getElementById('handoffs'), {
    type: 'bar',
    data: { labels: reasons,
            datasets: languages.map(function (l) {
              return dataset(l, reasons.map(function (r) { return figures.handoffs[r][l] || 0; }));
            }) },
    options: { indexAxis: 'y', scales: { x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }, y: { stacked: true } } }
  });
  new Chart(document.getElementById('fallbacks'), {
    type: 'bar',
    data: { labels: languages.map(function (l) { return LABELS[l] || l; }),
            datasets: [{ label: '% of messages', backgroundColor: languages.map(function (l) { return COLORS[l]; }),
                         data: languages.map(function (l) { return percent(figures.fallback_rate[l]); }) }] },
    options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } }
  });
  var sources = ['bot', 'agent'];
  new Chart(document.getElementById('ratings'), {
    type: 'bar',
    data: { labels: ['After the bot solved it', 'After an agent'],
            datasets: languages.map(function (l) {
              return dataset(l, sources.map(function (s) {
                var r = (figures.ratings[s] || {})[l];
                return r ? r.average : null;
              }));
            }) },
    options: { scales: { y: { min: 0, max: 5 } } }
  });
})();
