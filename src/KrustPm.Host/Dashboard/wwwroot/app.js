import { adoptTokenFromAddress, setToken, forgetToken, getJson, stream, Unauthorized } from './api.js';
import { ProgramsView } from './programs.js';
import { Timeline } from './timeline.js';
import { OutputView } from './output.js';
import { setText } from './dom.js';

const $ = id => document.getElementById(id);

let programsView = null;
let timeline = null;
let output = null;
let lastEventId = null;
let events = null;
let refreshing = false;
let refreshAgain = false;

adoptTokenFromAddress();
start();

async function start() {
  let settings;
  try {
    settings = await getJson('/ui/dashboard.json');
  } catch (error) {
    if (error instanceof Unauthorized) { askForToken(); return; }
    connection('error', `cannot reach krust-pm: ${error.message}`);
    return;
  }
  $('token-form').hidden = true;
  $('main').hidden = false;
  $('read-only').hidden = !settings.readOnly;
  document.body.classList.toggle('read-only', settings.readOnly);
  programsView = new ProgramsView($('programs'), { readOnly: settings.readOnly, onOutput: (p, i) => output.open(p, i), onUnauthorized: askForToken });
  timeline = new Timeline($('timeline'), $('timeline-filter'));
  output = new OutputView({
    title: $('output-of'), follow: $('output-follow'), colours: $('output-ansi'),
    panes: { stdout: $('out-stdout'), stderr: $('out-stderr') }, onUnauthorized: askForToken,
  });
  setInterval(() => programsView.tick(), 1000);
  listen();
}

function askForToken(message) {
  events?.abort();
  $('main').hidden = true;
  $('token-form').hidden = false;
  connection('locked', 'needs the token');
  if (sessionStorage.getItem('krust-pm-token')) $('token-error').textContent = message ?? 'That token was refused; enter the right one.';
  forgetToken();
  $('token-input').focus();
}

$('token-form').addEventListener('submit', e => {
  e.preventDefault();
  setToken($('token-input').value.trim());
  $('token-input').value = '';
  location.reload();
});

// The event stream, reconnecting with Last-Event-ID. After each (re)connection the state is read again, so the page
// is right whatever was missed (also when krust-pm restarted: a `reset` says its ids do not continue this page's).
async function listen() {
  let delay = 500;
  for (;;) {
    events = new AbortController();
    try {
      await stream('/api/v1/events', {
        lastEventId,
        signal: events.signal,
        onOpen: () => { connection('live', 'live'); delay = 500; refresh(); },
        onEvent: onEvent,
      });
    } catch (error) {
      if (error instanceof Unauthorized) { askForToken(); return; }
      if (events.signal.aborted) return;
    }
    connection('reconnecting', 'connection lost, reconnecting…');
    await new Promise(resolve => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 10000);
  }
}

function onEvent(message) {
  if (message.id) lastEventId = message.id;
  let event;
  try { event = JSON.parse(message.data); } catch { return; }
  if (message.type === 'gap') timeline.note(`${event.missed ?? 'some'} event(s) missed; the state is read again`);
  else if (message.type === 'reset') timeline.note(`krust-pm restarted without a journal (or this page saw another one); the state is read again`);
  else timeline.add({ type: message.type, ...event });
  refresh();
}

// Reads the state once per burst of events: one request in flight, at most one more after it.
async function refresh() {
  if (refreshing) { refreshAgain = true; return; }
  refreshing = true;
  try {
    do {
      refreshAgain = false;
      const programs = await getJson('/api/v1/programs');
      programsView.update(programs);
      timeline.programs(programs.map(p => p.name));
      const instances = programs.reduce((n, p) => n + p.instances.length, 0);
      const running = programs.reduce((n, p) => n + p.instances.filter(i => i.status === 'Running').length, 0);
      setText($('summary'), `${programs.length} program(s), ${running} of ${instances} instance(s) running`);
      document.body.dataset.loaded = 'true';
    } while (refreshAgain);
  } catch (error) {
    if (error instanceof Unauthorized) askForToken();
    else connection('error', `cannot read the state: ${error.message}`);
  } finally {
    refreshing = false;
  }
}

function connection(state, text) {
  const node = $('connection');
  node.dataset.state = state;
  setText(node, text);
}
