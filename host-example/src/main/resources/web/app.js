// The page: the chat list (resume picker), the conversation with its turn stream, the session's
// tree (rewind, fork) and the token ledger. State lives in the service; the URL names the chat
// (#chat=ID), so a reload shows the same thing. Another tab's changes arrive by polling the chat's
// revision; a change this tab did not expect is said in the notice, never swallowed.
import { api, ApiError } from './api.js';
import { el, clear, short } from './dom.js';
import { renderTree, label } from './tree.js';
import { messageItem, renderUsage } from './views.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const pollRaw = Number.parseInt(params.get('poll') ?? '2000', 10);
// ?poll=0 turns polling off; else 250 ms to 60 s
const POLL_MS = pollRaw === 0 ? 0 : Math.min(60000, Math.max(250, Number.isFinite(pollRaw) ? pollRaw : 2000));

const state = {
  chatId: null, chat: null, nodes: [], byId: new Map(), head: null, revision: 0,
  selected: null, sending: false, cursor: null, pages: 0, loadSeq: 0,
};

function notice(text, kind) {
  $('notice-text').textContent = text;
  $('notice').dataset.kind = kind;
  $('notice').hidden = false;
}

function fail(e) {
  notice(e instanceof ApiError ? e.message + ' (' + e.code + ')' : String(e), 'error');
}

function chatIdFromHash() {
  const m = /^#chat=([A-Za-z0-9._:-]{1,200})$/.exec(location.hash);
  return m ? m[1] : null;
}

// ---- the chat list ----
function chatItem(c) {
  const facts = [c.owner, c.turns + (c.turns === 1 ? ' turn' : ' turns'), c.tokens + ' tokens',
    new Date(c.createdAt).toLocaleString()];
  return el('li', { class: c.id === state.chatId ? 'current' : '' },
    el('a', { href: '#chat=' + c.id, dataset: { chat: c.id } },
      el('span', { class: 'title', text: short(c.title, 80) }),
      el('span', { class: 'facts', text: facts.join(' · ') }),
      c.forkedFrom ? el('span', { class: 'badge fork', text: 'fork' }) : null));
}

async function loadChats(reset) {
  try {
    const page = await api.chats(reset ? null : state.cursor);
    if (reset) {
      clear($('chat-list'));
      state.pages = 0;
    }
    state.pages++;
    for (const c of page.chats) $('chat-list').append(chatItem(c));
    state.cursor = page.nextCursor;
    $('more-chats').hidden = !page.nextCursor;
  } catch (e) {
    fail(e);
  }
}

// ---- one chat ----
function activePath() {
  const path = [];
  for (let id = state.head; id && state.byId.has(id); id = state.byId.get(id).parent) path.push(state.byId.get(id));
  return path.reverse();
}

async function openChat(id) {
  const seq = ++state.loadSeq;
  try {
    const [chat, full, usage] = await Promise.all([api.chat(id), api.transcript(id, 'full'), api.usage(id)]);
    let sourceTitle = null;
    if (chat.forkedFrom) {
      try { sourceTitle = (await api.chat(chat.forkedFrom)).title; } catch (e) { sourceTitle = null; }
    }
    if (seq !== state.loadSeq) return; // a later load won
    if (state.chatId !== id) state.selected = null;
    state.chatId = id;
    state.chat = chat;
    state.nodes = full.nodes;
    state.byId = new Map(full.nodes.map((n) => [n.id, n]));
    state.head = full.head;
    state.revision = full.revision;
    if (state.selected && !state.byId.has(state.selected)) state.selected = null;
    render(sourceTitle, usage);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      notice('There is no chat ' + id + ' (it may have been deleted).', 'error');
      history.replaceState(null, '', location.pathname + location.search);
      showEmpty();
    } else {
      fail(e);
    }
  }
}

function showEmpty() {
  state.chatId = null;
  $('chat-title').textContent = 'Pick or start a chat';
  $('chat-meta').textContent = '';
  clear($('messages'));
  clear($('tree'));
  clear($('usage'));
  $('tree-info').textContent = '';
  $('composer').hidden = true;
  $('node-actions').hidden = true;
}

function render(sourceTitle, usage) {
  const c = state.chat;
  $('chat-title').textContent = c.title;
  const meta = [c.owner, c.model, 'revision ' + state.revision, c.turns + ' turns', c.tokens + ' tokens'];
  if (c.forkedFrom) meta.push('forked from ' + (sourceTitle || c.forkedFrom));
  $('chat-meta').textContent = meta.join(' · ');
  const ms = renderTree($('tree'), {
    nodes: state.nodes, head: state.head, forkedAt: c.forkedAt, forkedFrom: c.forkedFrom,
    forkedFromTitle: sourceTitle,
  }, { selected: state.selected });
  $('tree').dataset.renderMs = ms.toFixed(1);
  $('tree').dataset.nodes = String(state.nodes.length);
  $('tree-info').textContent = state.nodes.length + ' nodes, ' + activePath().length + ' on the active path'
    + ' (rendered in ' + Math.round(ms) + ' ms)';
  $('messages').replaceChildren(...activePath().map(messageItem));
  $('composer').hidden = false;
  renderUsage($('usage'), usage);
  showSelection();
  for (const a of document.querySelectorAll('#chat-list li')) {
    a.classList.toggle('current', a.querySelector('a').dataset.chat === state.chatId);
  }
}

function showSelection() {
  const n = state.selected && state.byId.get(state.selected);
  $('node-actions').hidden = !n;
  if (n) $('node-selected').textContent = 'Selected: ' + label(n) + (n.id === state.head ? ' (the head)' : '');
  $('rewind').disabled = !n || n.id === state.head;
}

function select(id) {
  const old = $('tree').querySelector('button.selected');
  if (old) { old.classList.remove('selected'); old.setAttribute('aria-pressed', 'false'); }
  state.selected = id;
  const b = $('tree').querySelector('button[data-node="' + CSS.escape(id) + '"]');
  if (b) { b.classList.add('selected'); b.setAttribute('aria-pressed', 'true'); }
  showSelection();
}

async function changed() {
  await openChat(state.chatId);
  if (state.pages <= 1) await loadChats(true);
}

// ---- actions ----
function newKey() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return 'page-' + Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

async function send(text) {
  const chatId = state.chatId;
  const expectedParent = state.head;
  state.sending = true;
  $('send').disabled = true;
  $('message').disabled = true;
  let first = true;
  try {
    await api.send(chatId, text, newKey(), (node) => {
      if (first && node.parent !== expectedParent) {
        notice('Another tab moved this chat\'s head before your message was recorded: it follows "'
          + short(label(state.byId.get(node.parent) || { kind: 'node', id: String(node.parent), payload: {} }), 60)
          + '", not the node this page showed. The view now shows the chat as stored.', 'conflict');
      }
      first = false;
      if (chatId === state.chatId) $('messages').append(messageItem(node));
    });
    $('message').value = '';
  } catch (e) {
    fail(e);
  } finally {
    state.sending = false;
    $('send').disabled = false;
    $('message').disabled = false;
    await changed();
    $('message').focus();
  }
}

async function rewind() {
  const nodeId = state.selected;
  const seen = state.revision;
  try {
    await api.rewind(state.chatId, nodeId, seen);
    $('notice').hidden = true;
  } catch (e) {
    if (e instanceof ApiError && e.code === 'conflict') {
      notice('Conflict: another tab changed this chat after this page read it (revision ' + seen
        + '), so nothing was rewound. The view now shows the chat as stored; pick the node again to rewind.',
      'conflict');
    } else {
      fail(e);
    }
  }
  await changed();
}

async function fork() {
  try {
    const c = await api.fork(state.chatId, state.selected);
    state.selected = null;
    location.hash = 'chat=' + c.id;
    await loadChats(true);
  } catch (e) {
    fail(e);
  }
}

async function poll() {
  if (state.chatId && !state.sending) {
    try {
      const c = await api.chat(state.chatId);
      if (c.revision !== state.revision || c.head !== state.head) await changed();
    } catch (e) {
      // the next poll tries again; a deleted chat shows when it is opened
    }
  }
  if (POLL_MS) setTimeout(poll, POLL_MS);
}

function start() {
  $('new-chat').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const c = await api.create($('new-title').value.trim() || null, $('new-owner').value.trim() || null);
      $('new-title').value = '';
      location.hash = 'chat=' + c.id;
      await loadChats(true);
      $('message').focus();
    } catch (e) {
      fail(e);
    }
  });
  $('composer').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const text = $('message').value;
    if (text.trim() && !state.sending) send(text);
  });
  $('message').addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey) {
      ev.preventDefault();
      $('composer').requestSubmit();
    }
  });
  $('tree').addEventListener('click', (ev) => {
    const b = ev.target.closest('button.node');
    if (b) select(b.dataset.node);
  });
  $('rewind').addEventListener('click', rewind);
  $('fork').addEventListener('click', fork);
  $('more-chats').addEventListener('click', () => loadChats(false));
  $('notice-close').addEventListener('click', () => { $('notice').hidden = true; });
  window.addEventListener('hashchange', () => {
    $('notice').hidden = true;
    const id = chatIdFromHash();
    if (id) openChat(id); else showEmpty();
  });
  api.health().then((h) => { $('health').textContent = h.model + ' · ' + h.store; }).catch(fail);
  loadChats(true);
  const id = chatIdFromHash();
  if (id) openChat(id);
  if (POLL_MS) setTimeout(poll, POLL_MS);
  document.body.dataset.ready = 'true';
}

start();
