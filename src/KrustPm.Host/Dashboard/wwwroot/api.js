// Calls krust-pm's API from the same origin, with the bearer token when there is one. Streams (events, a log
// follow) are read with fetch rather than EventSource, which cannot send an Authorization header: the token never
// goes into a URL.
const tokenKey = 'krust-pm-token';

export class Unauthorized extends Error {}

// Takes a ?token= of the start-up log's link once: keeps it for this tab, and removes it from the address bar and
// the history so that it is not bookmarked, shared or sent anywhere as a referrer.
export function adoptTokenFromAddress() {
  const url = new URL(location.href);
  const token = url.searchParams.get('token');
  if (token === null) return;
  if (token !== '') sessionStorage.setItem(tokenKey, token);
  url.searchParams.delete('token');
  history.replaceState(history.state, '', url.pathname + url.search + url.hash);
}

export function setToken(token) { sessionStorage.setItem(tokenKey, token); }
export function forgetToken() { sessionStorage.removeItem(tokenKey); }

function headers(extra = {}) {
  const token = sessionStorage.getItem(tokenKey);
  return token ? { ...extra, Authorization: `Bearer ${token}` } : extra;
}

// The problem+json of an error answer, as one sentence.
async function describe(response) {
  try {
    const problem = await response.json();
    return [problem.title, problem.detail].filter(Boolean).join(': ') || `HTTP ${response.status}`;
  } catch {
    return `HTTP ${response.status} ${response.statusText}`;
  }
}

export async function getJson(path, signal) {
  const response = await fetch(path, { headers: headers({ Accept: 'application/json' }), signal, cache: 'no-store' });
  if (response.status === 401) throw new Unauthorized(await describe(response));
  if (!response.ok) throw new Error(await describe(response));
  return response.json();
}

// A change: POST or DELETE, same-origin (so krust-pm's cross-site checks see this page's own Origin).
export async function send(method, path, body) {
  const init = { method, headers: headers(body === undefined ? {} : { 'Content-Type': 'application/json' }), cache: 'no-store' };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(path, init);
  if (response.status === 401) throw new Unauthorized(await describe(response));
  if (!response.ok) throw new Error(await describe(response));
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

// Reads a Server-Sent Events answer: onOpen once the answer's headers are in, onEvent per event. Resolves when the
// stream ends; rejects on an error answer (Unauthorized for a 401) or a broken connection.
export async function stream(path, { lastEventId, signal, onOpen, onEvent }) {
  const extra = { Accept: 'text/event-stream' };
  if (lastEventId) extra['Last-Event-ID'] = lastEventId;
  const response = await fetch(path, { headers: headers(extra), signal, cache: 'no-store' });
  if (response.status === 401) throw new Unauthorized(await describe(response));
  if (!response.ok) throw new Error(await describe(response));
  onOpen?.();
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let event = { type: 'message', data: [], id: null };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, end).replace(/\r$/, '');
      buffer = buffer.slice(end + 1);
      if (line === '') {
        if (event.data.length > 0) onEvent({ type: event.type, data: event.data.join('\n'), id: event.id });
        event = { type: 'message', data: [], id: null };
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const data = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event.type = data;
      else if (field === 'data') event.data.push(data);
      else if (field === 'id') event.id = data;
    }
  }
}
