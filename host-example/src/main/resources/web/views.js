// The conversation (the active path's nodes) and the token chart. Text only, never markup.
import { el, svg, short } from './dom.js';

function json(v) {
  return JSON.stringify(v, null, 2);
}

function tokens(u) {
  return u ? (u.inputTokens + u.outputTokens) + ' tokens (' + u.inputTokens + ' in, ' + u.outputTokens + ' out)' : '';
}

export function messageItem(n) {
  const p = n.payload || {};
  const base = { class: 'msg ' + n.kind, dataset: { node: n.id } };
  switch (n.kind) {
    case 'user_input':
      return el('li', base, el('span', { class: 'who', text: 'You' }), el('p', { class: 'text', text: p.text }));
    case 'assistant_response':
      return el('li', base, el('span', { class: 'who', text: 'Assistant' }), el('p', { class: 'text', text: p.text }),
        el('span', { class: 'meta', text: [p.model, tokens(p.usage)].filter(Boolean).join(' · ') }));
    case 'tool_call':
      return el('li', base, el('details', {},
        el('summary', { text: 'Tool call: ' + p.name }), el('pre', { text: json(p.arguments) })));
    case 'tool_result':
      return el('li', base, el('details', {},
        el('summary', { text: 'Result of ' + p.name + (p.ok ? ': ok' : ': error') }),
        el('pre', { text: p.ok ? json(p.output) : String(p.error) })));
    case 'error':
      return el('li', base, el('span', { class: 'who', text: 'Error' }), el('p', { class: 'text', text: p.message }));
    default:
      return el('li', base, el('pre', { text: n.kind + ' ' + json(p) }));
  }
}

export function renderUsage(host, usage) {
  const turns = usage.turns || [];
  const max = Math.max(1, ...turns.map((t) => t.usage.totalTokens));
  const W = 12, GAP = 3, H = 80;
  const chart = svg('svg', {
    class: 'chart', width: Math.max(60, turns.length * (W + GAP)), height: H + 4, role: 'img',
    'aria-label': 'Tokens per turn, the last ' + turns.length + ' of ' + usage.turnCount,
  });
  turns.forEach((t, i) => {
    const h = Math.max(1, Math.round((t.usage.totalTokens / max) * H));
    const bar = svg('rect', { class: 'bar', x: i * (W + GAP), y: H - h + 2, width: W, height: h });
    const title = svg('title', {});
    title.textContent = 'Turn ' + (usage.turnCount - turns.length + i + 1) + ': ' + tokens(t.usage) + ', '
      + t.calls + ' model call' + (t.calls === 1 ? '' : 's') + ', ' + t.model;
    bar.append(title);
    chart.append(bar);
  });
  const rows = Object.entries(usage.byModel).map(([m, u]) =>
    el('tr', {}, el('th', { scope: 'row', text: short(m, 40) }), el('td', { text: u.inputTokens }),
      el('td', { text: u.outputTokens }), el('td', { text: u.totalTokens })));
  const table = el('table', { class: 'by-model' },
    el('thead', {}, el('tr', {}, el('th', { text: 'model' }), el('th', { text: 'in' }), el('th', { text: 'out' }),
      el('th', { text: 'total' }))),
    el('tbody', {}, ...rows,
      el('tr', { class: 'total' }, el('th', { scope: 'row', text: 'all' }), el('td', { text: usage.total.inputTokens }),
        el('td', { text: usage.total.outputTokens }), el('td', { text: usage.total.totalTokens }))));
  host.replaceChildren(
    el('p', { class: 'muted', text: usage.turnCount + (usage.turnCount === 1 ? ' turn' : ' turns') + ' in the session\'s nodes; the last ' + turns.length + ', tokens per turn:' }),
    el('div', { class: 'chart-wrap' }, chart), table);
}
