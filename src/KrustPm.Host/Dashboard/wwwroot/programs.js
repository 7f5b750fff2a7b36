import { el, setText, show, confirmAction } from './dom.js';
import { send, Unauthorized } from './api.js';
import * as format from './format.js';

// Programs with more instances than this start collapsed, so a thousand instances do not make a thousand rows.
const collapseAbove = 20;
const columns = ['id', 'status', 'pid', 'try', 'restarts', 'uptime', 'last exit', 'ready', 'reason', 'more', 'actions'];
// Shown only when an instance of the program has something in them, so that the table fits.
const optional = ['last exit', 'ready', 'reason', 'more'];

export class ProgramsView {
  constructor(root, { readOnly, onOutput, onUnauthorized }) {
    this.root = root;
    this.readOnly = readOnly;
    this.onOutput = onOutput;
    this.onUnauthorized = onUnauthorized;
    this.sections = new Map();
  }

  update(programs) {
    const names = new Set(programs.map(p => p.name));
    for (const [name, section] of this.sections) {
      if (!names.has(name)) { section.root.remove(); this.sections.delete(name); }
    }
    let previous = null;
    for (const program of programs) {
      let section = this.sections.get(program.name);
      if (!section) {
        section = this.create(program);
        this.sections.set(program.name, section);
      }
      const position = previous ? previous.nextSibling : this.root.firstChild;
      if (section.root !== position) this.root.insertBefore(section.root, position);
      previous = section.root;
      this.fill(section, program);
    }
    if (programs.length === 0 && !this.root.querySelector('.empty')) this.root.append(el('p', { class: 'empty muted', text: 'No programs.' }));
    else if (programs.length > 0) this.root.querySelector('.empty')?.remove();
  }

  // Only the clock moves uptimes: no request is made for it.
  tick() {
    const now = Date.now();
    for (const section of this.sections.values()) {
      for (const row of section.rows.values()) setText(row.cells.uptime, format.uptime(row.instance, now));
    }
  }

  create(program) {
    const name = program.name;
    const section = { name, rows: new Map(), expanded: program.instances.length <= collapseAbove, program };
    const toggle = el('button', { type: 'button', class: 'toggle', 'aria-expanded': String(section.expanded), onclick: () => {
      section.expanded = !section.expanded;
      toggle.setAttribute('aria-expanded', String(section.expanded));
      this.fill(section, section.program);
    } }, el('span', { class: 'chevron', 'aria-hidden': 'true', text: '▸' }), el('span', { class: 'name', text: name }));
    const counts = el('span', { class: 'counts' });
    const state = el('span', { class: 'program-status' });

    const scaleInput = el('input', { type: 'number', min: '0', step: '1', class: 'scale-input', 'aria-label': `instances of ${name}`, value: String(program.instances.length) });
    const signalSelect = el('select', { 'aria-label': `signal to send to ${name}` },
      ['HUP', 'INT', 'QUIT', 'USR1', 'USR2', 'TERM', 'KILL'].map(s => el('option', { value: s, text: `SIG${s}` })));
    const config = el('div', { class: 'config', hidden: true });
    const controls = el('div', { class: 'controls', role: 'group', 'aria-label': `controls of ${name}` },
      this.button('start', `Start every instance of ${name} that is not running`, () => this.command('POST', `start`, name)),
      this.button('stop', `Stop every instance of ${name}`, () => this.command('POST', 'stop', name, `Stop every instance of ${name}?`, 'Stop')),
      this.button('restart', `Restart every instance of ${name} at once`, () => this.command('POST', 'restart', name, `Restart every instance of ${name} at once?`, 'Restart')),
      this.button('rolling restart', `Rolling restart of ${name}: one instance at a time, each once the previous is ready`,
        () => this.command('POST', 'restart?rolling=true&wait=false', name, `Restart ${name} one instance at a time?`, 'Restart')),
      el('span', { class: 'inline' }, scaleInput, this.button('scale', `Scale ${name} to the number of instances given`, () => this.scale(section, scaleInput))),
      el('span', { class: 'inline' }, signalSelect, this.button('send', `Send the chosen signal to every running instance of ${name}`,
        () => this.command('POST', 'signal', name, `Send SIG${signalSelect.value} to every running instance of ${name}?`, 'Send', { signal: signalSelect.value }))),
      el('button', { type: 'button', class: 'secondary', 'aria-expanded': 'false', text: 'config', title: `What krust-pm understood of ${name}'s configuration`, onclick: e => {
        config.hidden = !config.hidden;
        e.currentTarget.setAttribute('aria-expanded', String(!config.hidden));
        this.fillConfig(section);
      } }));

    const body = el('tbody');
    const table = el('table', { class: 'instances' },
      el('caption', { class: 'visually-hidden', text: `instances of ${name}` }),
      el('thead', {}, el('tr', {}, columns.map(c => el('th', { scope: 'col', text: c, 'data-column': c })))), body);
    const collapsed = el('p', { class: 'collapsed muted' });
    const root = el('section', { class: 'program', 'data-program': name },
      el('header', {}, el('h3', {}, toggle), state, counts), controls, config, el('div', { class: 'table-wrap' }, table), collapsed);
    Object.assign(section, { root, body, table, counts, state, config, scaleInput, collapsed });
    return section;
  }

  fill(section, program) {
    section.program = program;
    const instances = program.instances;
    const byStatus = new Map();
    for (const instance of instances) byStatus.set(instance.status, (byStatus.get(instance.status) ?? 0) + 1);
    setText(section.counts, [...byStatus].map(([status, n]) => `${format.statusIcons[status] ?? ''} ${n} ${status}`).join(' · ') || 'no instances');
    const extra = [];
    if (program.rollingRestart) extra.push(`rolling restart: at ${program.name}.${program.rollingRestart.current}, ${program.rollingRestart.remaining.length} to go`);
    if (program.retiring?.length) extra.push(`${program.retiring.length} stopping to leave`);
    setText(section.state, [program.status, ...extra].join(' · '));
    if (document.activeElement !== section.scaleInput) section.scaleInput.value = String(instances.length);
    if (!section.config.hidden) this.fillConfig(section);

    section.table.hidden = !section.expanded;
    section.collapsed.hidden = section.expanded;
    setText(section.collapsed, `${instances.length} instances, collapsed: expand ${program.name} to see each.`);
    if (!section.expanded) {
      section.body.replaceChildren();
      section.rows.clear();
      return;
    }
    const ids = new Set(instances.map(i => i.id));
    for (const [id, row] of section.rows) if (!ids.has(id)) { row.tr.remove(); section.rows.delete(id); }
    let previous = null;
    for (const instance of instances) {
      let row = section.rows.get(instance.id);
      if (!row) { row = this.createRow(program.name, instance); section.rows.set(instance.id, row); }
      const position = previous ? previous.nextSibling : section.body.firstChild;
      if (row.tr !== position) section.body.insertBefore(row.tr, position);
      previous = row.tr;
      this.fillRow(row, instance);
    }
    for (const column of optional) {
      const empty = [...section.rows.values()].every(row => row.cells[column].textContent === '');
      section.table.querySelector(`th[data-column='${column}']`).hidden = empty;
      for (const row of section.rows.values()) row.cells[column].hidden = empty;
    }
  }

  createRow(name, instance) {
    const cells = {};
    const tr = el('tr', { 'data-instance': String(instance.id) });
    for (const column of columns.slice(0, -1)) {
      cells[column] = el('td', { 'data-label': column });
      tr.append(cells[column]);
    }
    cells.statusIcon = el('span', { class: 'icon', 'aria-hidden': 'true' });
    cells.statusText = el('span', { class: 'text' });
    cells.statusPill = el('span', { class: 'status' }, cells.statusIcon, cells.statusText);
    cells.status.append(cells.statusPill);
    const id = instance.id;
    const label = `${name}.${id}`;
    tr.append(el('td', { 'data-label': 'actions', class: 'actions' },
      this.button('output', `Show the output of ${label}`, () => this.onOutput(name, id), true),
      this.button('start', `Start ${label}`, () => this.command('POST', `instances/${id}/start`, name)),
      this.button('stop', `Stop ${label}`, () => this.command('POST', `instances/${id}/stop`, name, `Stop ${label}?`, 'Stop')),
      this.button('restart', `Restart ${label}`, () => this.command('POST', `instances/${id}/restart`, name, `Restart ${label}?`, 'Restart')),
      this.button('remove', `Stop ${label} and remove it`, () => this.command('DELETE', `instances/${id}`, name, `Stop ${label} and remove it from ${name}?`, 'Remove'))));
    return { tr, cells, instance };
  }

  fillRow(row, instance) {
    row.instance = instance;
    const { cells } = row;
    row.tr.dataset.status = instance.status;
    setText(cells.id, String(instance.id));
    setText(cells.statusIcon, format.statusIcons[instance.status] ?? '•');
    setText(cells.statusText, instance.status);
    cells.statusPill.className = `status status-${instance.status}`;
    setText(cells.pid, instance.pid ? String(instance.pid) : '');
    setText(cells.try, String(instance.currentTry ?? ''));
    setText(cells.restarts, String(instance.restarts ?? ''));
    setText(cells.uptime, format.uptime(instance));
    setText(cells['last exit'], format.exit(instance.lastExitCode));
    setText(cells.ready, format.ready(instance));
    setText(cells.reason, format.reason(instance));
    setText(cells.more, format.extras(instance));
  }

  fillConfig(section) {
    const config = section.program.config ?? {};
    const rows = Object.entries(config).map(([key, v]) => el('tr', {}, el('th', { scope: 'row', text: key }), el('td', { text: format.value(v) })));
    section.config.replaceChildren(el('table', { class: 'config-table' },
      el('caption', { text: `${section.name}: its configuration as krust-pm understood it (defaults applied; environment variables by name only)` }),
      el('tbody', {}, rows)));
  }

  button(text, title, action, reading = false) {
    const disabled = this.readOnly && !reading;
    return el('button', {
      type: 'button', text, title: disabled ? `${title}: disabled, krust-pm is read-only (read_only = true)` : title,
      'aria-label': title, disabled, class: text === 'output' ? 'secondary' : (['stop', 'remove'].includes(text) ? 'danger' : ''),
      onclick: async e => {
        const button = e.currentTarget;
        button.disabled = true;
        try { await action(); } finally { button.disabled = disabled; }
      },
    });
  }

  async scale(section, input) {
    const wanted = Number(input.value);
    if (!Number.isInteger(wanted) || wanted < 0) {
      show(`Scale ${section.name}: give a whole number of instances, 0 or more.`, 'error');
      return;
    }
    const now = section.program.instances.length;
    const question = wanted < now ? `Scale ${section.name} from ${now} to ${wanted} instances? ${now - wanted} will be stopped.` : null;
    await this.command('POST', 'scale', section.name, question, 'Scale', { instances: wanted });
  }

  async command(method, action, name, question, okLabel, body) {
    if (question && !(await confirmAction(question, okLabel))) return;
    try {
      const answer = await send(method, `/api/v1/programs/${encodeURIComponent(name)}/${action}`, body);
      show(`${name}: ${describe(answer)}`);
    } catch (error) {
      if (error instanceof Unauthorized) this.onUnauthorized();
      show(`${name}: ${error.message}`, 'error');
    }
  }
}

function describe(answer) {
  if (!answer || typeof answer !== 'object') return 'done';
  if ('added' in answer) return `now ${answer.instances} instance(s), ${answer.added} added, ${answer.removed} removed`;
  if ('action' in answer) return `${answer.action} done, ${answer.affected} instance(s) affected`;
  return JSON.stringify(answer);
}
