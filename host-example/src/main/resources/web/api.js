// The service's JSON API, same origin. Errors come back as ApiError with the API's code and detail.
export class ApiError extends Error {
  constructor(status, code, detail) {
    super(detail || code || ('HTTP ' + status));
    this.status = status;
    this.code = code || 'error';
  }
}

async function call(method, path, body) {
  const init = { method, headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 'unreachable', 'The service cannot be reached: ' + e.message);
  }
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
  if (!res.ok) throw new ApiError(res.status, json && json.error, json && json.detail);
  return json;
}

const enc = encodeURIComponent;

export const api = {
  health: () => call('GET', '/health'),
  chats: (cursor) => call('GET', '/api/chats?limit=20' + (cursor ? '&cursor=' + enc(cursor) : '')),
  chat: (id) => call('GET', '/api/chats/' + enc(id)),
  create: (title, owner) => call('POST', '/api/chats', { title, owner }),
  transcript: (id, scope) => call('GET', '/api/chats/' + enc(id) + '/transcript?scope=' + scope),
  usage: (id) => call('GET', '/api/chats/' + enc(id) + '/usage?turns=40'),
  rewind: (id, nodeId, expectedRevision) =>
    call('POST', '/api/chats/' + enc(id) + '/rewind', { nodeId, expectedRevision }),
  fork: (id, nodeId) => call('POST', '/api/chats/' + enc(id) + '/fork', { nodeId }),

  // Sends a message and hands each committed node to onNode as the Server-Sent Events arrive;
  // resolves with the `done` event's turn, rejects with the `error` event's ApiError.
  async send(id, text, key, onNode) {
    let res;
    try {
      res = await fetch('/api/chats/' + enc(id) + '/messages', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream', 'Idempotency-Key': key },
        body: JSON.stringify({ text }),
      });
    } catch (e) {
      throw new ApiError(0, 'unreachable', 'The service cannot be reached: ' + e.message);
    }
    if (!res.ok) {
      let json = null;
      try { json = await res.json(); } catch (e) { json = null; }
      throw new ApiError(res.status, json && json.error, json && json.detail);
    }
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        let data = '';
        for (const line of frame.split('\n')) {
          if (line.startsWith('event: ')) event = line.slice(7);
          else if (line.startsWith('data: ')) data += line.slice(6);
        }
        if (!data) continue;
        const json = JSON.parse(data);
        if (event === 'node') onNode(json);
        else if (event === 'done') return json;
        else if (event === 'error') throw new ApiError(200, json.error, json.detail);
      }
    }
    throw new ApiError(0, 'stream_ended', 'The event stream ended before the turn did; reload to see what was recorded');
  },
};
