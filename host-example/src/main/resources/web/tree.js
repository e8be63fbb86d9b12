// The session's tree: every node of the full graph, one row each, with an SVG of lanes beside the
// rows. The active path (root to head) runs down the first lane; a branch that was left (a rewind
// moved the head away from it) sits in a lane to the right, under the node it branched from, dimmed.
import { el, svg, short } from './dom.js';

const ROW = 26;
const LANE = 14;

export function label(n) {
  const p = n.payload || {};
  switch (n.kind) {
    case 'user_input': return 'You: ' + short(p.text, 60);
    case 'assistant_response': return 'Assistant: ' + short(p.text, 60);
    case 'tool_call': return 'Tool call: ' + short(p.name, 30);
    case 'tool_result': return 'Result of ' + short(p.name, 30) + (p.ok ? ': ok' : ': error');
    case 'error': return 'Error: ' + short(p.message, 60);
    default: return n.kind + ' ' + n.id;
  }
}

// Rows in display order with a lane each. Iterative: a long chat is a chain thousands of nodes deep.
export function layout(nodes, head) {
  const byId = new Map();
  const children = new Map();
  for (const n of nodes) {
    byId.set(n.id, n);
    children.set(n.id, []);
  }
  const roots = [];
  for (const n of nodes) {
    if (n.parent !== null && byId.has(n.parent)) children.get(n.parent).push(n);
    else roots.push(n);
  }
  const active = new Set();
  for (let id = head; id && byId.has(id); id = byId.get(id).parent) active.add(id);
  const rows = [];
  const rowOf = new Map();
  const laneOf = new Map();
  let lanes = 1;
  // a stack of [node, lane]; push the continuation first so that branches come out first
  const stack = [];
  for (let i = roots.length - 1; i >= 0; i--) stack.push([roots[i], i === 0 ? 0 : 1]);
  while (stack.length) {
    const [n, lane] = stack.pop();
    rowOf.set(n.id, rows.length);
    laneOf.set(n.id, lane);
    lanes = Math.max(lanes, lane + 1);
    rows.push(n);
    const kids = children.get(n.id);
    if (!kids.length) continue;
    let cont = kids.find((k) => active.has(k.id)) || kids[kids.length - 1];
    stack.push([cont, lane]);
    for (let i = kids.length - 1; i >= 0; i--) if (kids[i] !== cont) stack.push([kids[i], lane + 1]);
  }
  return { rows, rowOf, laneOf, lanes, active, byId };
}

// Renders into `host`; returns the milliseconds it took, layout of the page included.
export function renderTree(host, data, opts) {
  const t0 = performance.now();
  const { rows, rowOf, laneOf, lanes, active } = layout(data.nodes, data.head);
  const width = lanes * LANE + 6;
  const x = (lane) => 8 + lane * LANE;
  const y = (row) => row * ROW + ROW / 2;
  let activeD = '';
  let leftD = '';
  for (const n of rows) {
    if (n.parent === null || !rowOf.has(n.parent)) continue;
    const rp = rowOf.get(n.parent), rc = rowOf.get(n.id);
    const lp = laneOf.get(n.parent), lc = laneOf.get(n.id);
    const d = lp === lc ? `M${x(lp)} ${y(rp)}V${y(rc)}`
      : `M${x(lp)} ${y(rp)}V${y(rc - 1)}L${x(lc)} ${y(rc)}`;
    if (active.has(n.id)) activeD += d; else leftD += d;
  }
  const pic = svg('svg', { class: 'lanes', width, height: rows.length * ROW, 'aria-hidden': 'true' });
  pic.append(svg('path', { class: 'edge left', d: leftD }), svg('path', { class: 'edge active', d: activeD }));
  const list = el('ol', { class: 'tree-rows' });
  for (const n of rows) {
    const r = rowOf.get(n.id);
    const on = active.has(n.id);
    pic.append(svg('circle', { class: 'dot ' + (on ? 'active' : 'left') + (n.id === data.head ? ' head' : ''),
      cx: x(laneOf.get(n.id)), cy: y(r), r: n.id === data.head ? 5 : 3.5 }));
    const marks = [];
    if (n.id === data.head) marks.push(el('span', { class: 'badge head', text: 'head' }));
    if (!on) marks.push(el('span', { class: 'badge left', text: 'left branch' }));
    if (data.forkedAt && n.id === data.forkedAt) {
      marks.push(el('span', { class: 'badge fork', text: 'forked from ' + (data.forkedFromTitle || data.forkedFrom) }));
    }
    const b = el('button', {
      type: 'button',
      class: 'node ' + n.kind + (on ? ' on-path' : ' off-path') + (n.id === opts.selected ? ' selected' : ''),
      dataset: { node: n.id },
      'aria-pressed': n.id === opts.selected ? 'true' : 'false',
      title: n.id + ' · seq ' + n.seq,
    }, el('span', { class: 'node-label', text: label(n) }), ...marks);
    list.append(el('li', {}, b));
  }
  host.style.setProperty('--lanes', width + 'px');
  host.replaceChildren(pic, list);
  void host.offsetHeight; // the layout is part of the cost
  return performance.now() - t0;
}
