import { el } from './dom.js';
import * as format from './format.js';

const kept = 500;
const common = new Set(['id', 'at', 'type', 'program', 'instance']);

// The events as they come, newest first, filterable by program.
export class Timeline {
  constructor(list, filter) {
    this.list = list;
    this.filter = filter;
    filter.addEventListener('change', () => this.applyFilter());
  }

  programs(names) {
    const current = this.filter.value;
    const options = [el('option', { value: '', text: 'all programs' }), ...names.map(n => el('option', { value: n, text: n }))];
    this.filter.replaceChildren(...options);
    this.filter.value = names.includes(current) ? current : '';
  }

  add(event) {
    const who = event.program === undefined ? 'krust-pm' : event.instance === undefined ? event.program : `${event.program}.${event.instance}`;
    const details = Object.entries(event).filter(([key]) => !common.has(key)).map(([key, v]) => `${key}=${format.value(v)}`).join(' ');
    const item = el('li', { class: `event event-${event.type.replace(/[^a-z-]/g, '-')}`, 'data-program': event.program ?? '' },
      el('time', { datetime: event.at, text: format.time(event.at) }), ' ',
      el('span', { class: 'type', text: event.type }), ' ',
      el('span', { class: 'who', text: who }), ' ',
      el('span', { class: 'details', text: details }));
    item.hidden = !this.matches(item);
    this.list.prepend(item);
    while (this.list.children.length > kept) this.list.lastElementChild.remove();
  }

  note(text) {
    this.list.prepend(el('li', { class: 'event note', 'data-program': '' }, el('span', { class: 'details', text })));
  }

  matches(item) {
    return this.filter.value === '' || item.dataset.program === this.filter.value || item.dataset.program === '';
  }

  applyFilter() {
    for (const item of this.list.children) item.hidden = !this.matches(item);
  }
}
