"""The report's HTML page (jinja2, autoescaped). Layout and words only: every value is passed in."""

from __future__ import annotations

from jinja2 import Environment, select_autoescape

PAGE = """<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ l.title }}: {{ period_label }}</title>
<style>
 body { font-family: "Segoe UI", Roboto, Arial, sans-serif; margin: 0 auto; max-width: 1180px; padding: 24px; color: #1c2833; }
 h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { margin-top: 1.8em; border-bottom: 2px solid #d5dbdb; }
 .meta { color: #566573; font-size: 0.9em; }
 table { border-collapse: collapse; width: 100%; font-size: 0.9em; margin: 0.5em 0; }
 th, td { border: 1px solid #d5dbdb; padding: 4px 6px; text-align: left; vertical-align: top; }
 th { background: #f4f6f6; } td.num { text-align: right; white-space: nowrap; }
 .status { font-weight: 600; white-space: nowrap; }
 .status-met { color: #1e8449; } .status-on-track { color: #2874a6; } .status-off-track { color: #c0392b; }
 .status-no-data, .status-not-applicable { color: #7f8c8d; } .status-not-met { color: #922b21; }
 .headlines { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 8px; }
 .card { border: 1px solid #d5dbdb; border-radius: 6px; padding: 8px; } .card b { display: block; font-size: 1.4em; }
 .chart { margin: 12px 0; }
 code { font-size: 0.85em; color: #566573; }
 .provisional { color: #9a7d0a; font-style: italic; white-space: nowrap; }
 .notice { border-left: 4px solid #d4ac0d; background: #fef9e7; padding: 6px 10px; }
 dl.how dt { font-weight: 600; margin-top: 0.8em; } dl.how dd { margin-left: 1.2em; }
 @page { size: A4; }
 @media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  h2 { break-after: avoid; } tr, .card, dl.how dd, .chart { break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
  .language-switch { display: none; }
 }
</style>
<script type="text/javascript">{{ plotly_js }}</script>
</head>
<body>
<h1>{{ l.title }}</h1>
<p><b>{{ l.province }}</b> · {{ l.period }}: <b id="period">{{ period_label }}</b>{% if provisional %} <span class="provisional">({{ l.provisional }})</span>{% endif %} · {{ period_note }}</p>
<p class="meta">{{ generated }}{% if other_language %}<span class="language-switch"> · <a id="language-switch" href="{{ other_language.href }}">{{ l.language_switch }}</a></span>{% endif %}</p>
{% if provisional %}<p class="notice" id="provisional-notice">{{ provisional_note }}</p>{% endif %}

<h2>{{ l.headlines }}{% if provisional %} <span class="provisional">({{ l.provisional }})</span>{% endif %}</h2>
<div class="headlines">
{% for card in headline_cards %}<div class="card">{{ card.label }}<b>{{ card.value }}</b></div>
{% endfor %}</div>

<h2>{{ l.targets }}</h2>
<table id="targets">
<thead><tr><th>{{ l.target }}</th><th>{{ l.measure }}</th><th>{{ l.actual }}</th>
<th>{{ l.goal }}</th><th>{{ l.deadline }}</th><th>{{ l.status }}</th></tr></thead>
<tbody>
{% for t in targets %}<tr data-target="{{ t.target_id }}" data-status="{{ t.status }}">
<td><b>{{ t.target_id }}</b> {{ t.name }}</td><td>{{ t.measure }} ({{ t.period_key }}{% if t.provisional %}, <span class="provisional">{{ l.provisional }}</span>{% endif %})</td>
<td class="num">{{ t.actual }}</td><td class="num">{{ t.goal }}</td><td>{{ t.deadline }}</td>
<td class="status status-{{ t.status | replace(' ', '-') }}">{{ t.status_label }}{% if t.provisional %}<br><span class="provisional">{{ l.provisional }}</span>{% endif %}</td></tr>
{% endfor %}</tbody>
</table>

<h2>{{ l.charts }}</h2>
{% for chart in charts %}<div class="chart" id="chart-{{ chart.id }}">{{ chart.html | safe }}</div>
{% endfor %}

<h2>{{ l.index_766 }}{% if provisional %} <span class="provisional">({{ l.provisional }})</span>{% endif %}</h2>
<p>{{ index_total }}</p>
<table id="index-766">
<thead><tr><th>{{ l.group }}</th><th>{{ l.indicator }}</th><th>{{ l.numerator }}</th><th>{{ l.denominator }}</th>
<th>{{ l.rate }}</th><th>{{ l.goal }}</th><th>{{ l.points }}</th><th>{{ l.max }}</th></tr></thead>
<tbody>
{% for i in indicators %}<tr><td>{{ i.group }}</td><td>{{ i.indicator_id }} {{ i.name }}{% if i.reason %}<br><i>{{ i.reason }}</i>{% endif %}</td>
<td class="num">{{ i.numerator }}</td><td class="num">{{ i.denominator }}</td><td class="num">{{ i.rate }}</td>
<td class="num">{{ i.target }}</td><td class="num">{{ i.points }}</td><td class="num">{{ i.max_points }}</td></tr>
{% endfor %}</tbody>
</table>

<h2>{{ flagged_agencies_title }}{% if provisional %} <span class="provisional">({{ l.provisional }})</span>{% endif %}</h2>
{% if flagged_agencies %}<table id="flagged-agencies">
<thead><tr><th>{{ l.agency }}</th><th>{{ l.late_rate }}</th><th>{{ l.satisfaction_rate }}</th><th>{{ l.finished }}</th></tr></thead>
<tbody>{% for a in flagged_agencies %}<tr><td>{{ a.name }} <code>{{ a.code }}</code></td><td class="num">{{ a.late_rate }}</td>
<td class="num">{{ a.satisfaction_rate }}</td><td class="num">{{ a.finished }}</td></tr>{% endfor %}</tbody>
</table>{% else %}<p>{{ l.none }}</p>{% endif %}

<h2>{{ flagged_officials_title }}{% if provisional %} <span class="provisional">({{ l.provisional }})</span>{% endif %}</h2>
{% if flagged_officials %}<p>{{ flagged_officials_total }}</p><table id="flagged-officials">
<thead><tr><th>{{ l.agency }}</th><th>{{ l.officials }}</th><th>{{ l.by_title }}</th><th>{{ l.handled }}</th><th>{{ l.late }}</th><th>{{ l.threshold }}</th></tr></thead>
<tbody>{% for o in flagged_officials %}<tr><td>{{ o.agency }}</td><td class="num">{{ o.officials }}</td><td>{{ o.titles }}</td>
<td class="num">{{ o.handled }}</td><td class="num">{{ o.late }}</td><td class="num">{{ o.threshold }}</td></tr>{% endfor %}</tbody>
</table>{% else %}<p>{{ l.none }}</p>{% endif %}

<h2>{{ l.budget_gaps }}</h2>
{% if budget_gaps %}<p class="meta">{{ l.budget_gaps_note }}</p><table id="budget-gaps">
<thead><tr><th>{{ l.fiscal_year }}</th><th>{{ l.budget_line }}</th><th>{{ l.budget_gap }}</th><th>{{ l.documents }}</th></tr></thead>
<tbody>{% for g in budget_gaps %}<tr data-year="{{ g.year }}" data-line="{{ g.code }}"><td>{{ g.year }}</td><td><code>{{ g.code }}</code> {{ g.name }}</td>
<td class="num">{{ g.gap }}</td><td><code>{{ g.documents }}</code></td></tr>{% endfor %}</tbody>
</table>{% else %}<p>{{ l.none }}</p>{% endif %}

<h2 id="how-computed">{{ l.how_computed }}</h2>
<p>{{ l.how_intro }}</p>
<dl class="how">
{% for h in how_computed %}<dt data-target="{{ h.target_id }}">{{ h.target_id }} {{ h.name }}</dt>
<dd>{{ l.measure }}: {{ h.measure }}. {{ l.sources }}: {{ h.sources }}.
{% if h.caveat %}<br>{{ l.caveat }}: {{ h.caveat }}.{% endif %}
{% if h.period_note %}<br>{{ l.this_period }}: {{ h.period_note }}.{% endif %}</dd>
{% endfor %}</dl>
</body>
</html>
"""

_environment = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
page_template = _environment.from_string(PAGE)
