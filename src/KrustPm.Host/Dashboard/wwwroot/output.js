import { el } from './dom.js';
import { getJson, stream, Unauthorized } from './api.js';
import * as ansi from './ansi.js';

const keptLines = 2000;

// One instance's output, stdout and stderr apart: the last lines, then (follow) every new line as it is written.
export class OutputView {
  constructor({ title, follow, colours, panes, onUnauthorized }) {
    this.title = title;
    this.follow = follow;
    this.colours = colours;
    this.panes = panes;
    this.onUnauthorized = onUnauthorized;
    this.target = null;
    this.abort = null;
    follow.addEventListener('change', () => this.reopen());
    colours.addEventListener('change', () => this.reopen());
  }

  open(program, instance) {
    this.target = { program, instance };
    this.title.textContent = `of ${program}.${instance}`;
    this.reopen();
  }

  reopen() {
    this.abort?.abort();
    if (!this.target) return;
    this.abort = new AbortController();
    for (const [name, pane] of Object.entries(this.panes)) {
      pane.replaceChildren();
      this.load(name, pane, this.abort.signal);
    }
  }

  async load(name, pane, signal) {
    const { program, instance } = this.target;
    const path = `/api/v1/programs/${encodeURIComponent(program)}/logs?instance=${instance}&stream=${name}&tail=200`;
    try {
      if (this.follow.checked) {
        await stream(`${path}&follow=true`, { signal, onEvent: e => this.append(pane, e.data) });
      } else {
        const answer = await getJson(path, signal);
        for (const line of answer.lines) this.append(pane, line);
      }
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof Unauthorized) this.onUnauthorized();
      pane.append(el('span', { class: 'log-problem', text: `[${error.message}]\n` }));
    }
  }

  append(pane, line) {
    const stick = pane.scrollHeight - pane.scrollTop - pane.clientHeight < 24;
    const row = el('span', { class: 'line' });
    row.append(ansi.render(line, this.colours.checked), '\n');
    pane.append(row);
    while (pane.childElementCount > keptLines) pane.firstElementChild.remove();
    if (stick) pane.scrollTop = pane.scrollHeight;
  }
}
