// How instance fields read on the page. Only display: every rule about what a status means stays in krust-pm.
export const statusIcons = {
  Started: '◔', Running: '▶', Backoff: '↻', Done: '✓', RetriesExceeded: '✖', Failed: '✖',
  Stopping: '◼…', Stopped: '◼', Waiting: '⏳', Blocked: '⛔',
};

const signals = { 1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 6: 'SIGABRT', 9: 'SIGKILL', 10: 'SIGUSR1', 11: 'SIGSEGV', 12: 'SIGUSR2', 13: 'SIGPIPE', 14: 'SIGALRM', 15: 'SIGTERM' };

export function exit(code) {
  if (code === undefined || code === null) return '';
  if (code > 128 && code < 128 + 65) return `${code} (${signals[code - 128] ?? `signal ${code - 128}`})`;
  return String(code);
}

export function duration(ms) {
  if (!(ms >= 0)) return '';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

export function uptime(instance, now = Date.now()) {
  return instance.status === 'Running' && instance.startedAt ? duration(now - Date.parse(instance.startedAt)) : '';
}

export function time(iso) {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? '' : at.toLocaleTimeString([], { hour12: false });
}

export function ready(instance) {
  if (instance.ready === undefined) return '';
  return instance.ready ? '✓ ready' : '✗ not ready';
}

// Why an instance is where it is: what it waits for, why it could not start, when it tries again.
export function reason(instance) {
  const parts = [];
  if (instance.waitingFor?.length) parts.push(`waiting for ${instance.waitingFor.join(', ')}`);
  if (instance.lastError) parts.push(instance.lastError);
  if (instance.status === 'Backoff' && instance.nextTryAt) parts.push(`next try ${time(instance.nextTryAt)}`);
  for (const probe of ['lastReadiness', 'lastLiveness']) {
    const result = instance[probe];
    if (result && !result.passed) parts.push(`${probe === 'lastReadiness' ? 'readiness' : 'liveness'}: ${result.detail}`);
  }
  return parts.join('; ');
}

// Fields this page shows in their own columns; any other field the API adds is listed as it comes.
export const shownFields = new Set([
  'id', 'currentTry', 'status', 'consecutiveFailures', 'pid', 'startedAt', 'exitedAt', 'lastExitCode', 'lastError',
  'nextTryAt', 'restoredAt', 'restarts', 'ready', 'waitingFor', 'lastReadiness', 'lastLiveness',
]);

export function value(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function extras(instance) {
  return Object.entries(instance).filter(([key]) => !shownFields.has(key)).map(([key, v]) => `${key}: ${value(v)}`).join(', ');
}
