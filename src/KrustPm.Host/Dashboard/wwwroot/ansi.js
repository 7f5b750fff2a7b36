// Renders a line with ANSI SGR colours as text nodes in spans (or strips them); every other escape sequence is
// dropped. Never HTML: the line's text only ever becomes text nodes.
const sequence = /\x1b\[([0-?]*)([ -/]*)([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]?/g;

export function strip(line) {
  return line.replace(sequence, '');
}

export function render(line, colours) {
  const fragment = document.createDocumentFragment();
  if (!colours) {
    fragment.append(strip(line));
    return fragment;
  }
  let style = {};
  let last = 0;
  const emit = text => {
    if (!text) return;
    const classes = [];
    if (style.bold) classes.push('ansi-bold');
    if (style.dim) classes.push('ansi-dim');
    if (style.italic) classes.push('ansi-italic');
    if (style.underline) classes.push('ansi-underline');
    if (typeof style.fg === 'number') classes.push(`ansi-fg-${style.fg}`);
    if (typeof style.bg === 'number') classes.push(`ansi-bg-${style.bg}`);
    if (classes.length === 0 && !style.fgRgb && !style.bgRgb) {
      fragment.append(text);
      return;
    }
    const span = document.createElement('span');
    span.className = classes.join(' ');
    // CSSOM, not a style attribute: allowed by the page's Content-Security-Policy.
    if (style.fgRgb) span.style.color = style.fgRgb;
    if (style.bgRgb) span.style.backgroundColor = style.bgRgb;
    span.textContent = text;
    fragment.append(span);
  };
  for (const match of line.matchAll(sequence)) {
    emit(line.slice(last, match.index));
    last = match.index + match[0].length;
    if (match[3] === 'm' && match[2] === '') style = apply(style, match[1]);
  }
  emit(line.slice(last));
  return fragment;
}

function apply(previous, parameters) {
  const style = { ...previous };
  const codes = parameters === '' ? [0] : parameters.split(/[;:]/).map(n => Number.parseInt(n || '0', 10));
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i];
    if (code === 0) Object.keys(style).forEach(key => delete style[key]);
    else if (code === 1) style.bold = true;
    else if (code === 2) style.dim = true;
    else if (code === 3) style.italic = true;
    else if (code === 4) style.underline = true;
    else if (code === 22) { style.bold = false; style.dim = false; }
    else if (code === 23) style.italic = false;
    else if (code === 24) style.underline = false;
    else if (code >= 30 && code <= 37) { style.fg = code - 30; style.fgRgb = null; }
    else if (code >= 90 && code <= 97) { style.fg = code - 90 + 8; style.fgRgb = null; }
    else if (code === 39) { style.fg = null; style.fgRgb = null; }
    else if (code >= 40 && code <= 47) { style.bg = code - 40; style.bgRgb = null; }
    else if (code >= 100 && code <= 107) { style.bg = code - 100 + 8; style.bgRgb = null; }
    else if (code === 49) { style.bg = null; style.bgRgb = null; }
    else if (code === 38 || code === 48) {
      const [colour, used] = extended(codes, i + 1);
      i += used;
      if (code === 38) { style.fg = null; style.fgRgb = colour; } else { style.bg = null; style.bgRgb = colour; }
    }
  }
  return style;
}

// 38;5;N (the 256-colour palette) or 38;2;R;G;B: the colour as CSS, and how many codes it took.
function extended(codes, at) {
  if (codes[at] === 2) {
    const [r, g, b] = codes.slice(at + 1, at + 4).map(c => Math.max(0, Math.min(255, c || 0)));
    return [`rgb(${r}, ${g}, ${b})`, 4];
  }
  if (codes[at] === 5) {
    const n = codes[at + 1] ?? 0;
    if (n < 16) return [`var(--ansi-${n})`, 2];
    if (n >= 232) { const v = 8 + (n - 232) * 10; return [`rgb(${v}, ${v}, ${v})`, 2]; }
    const k = n - 16;
    const level = x => (x === 0 ? 0 : 55 + x * 40);
    return [`rgb(${level(Math.floor(k / 36))}, ${level(Math.floor(k / 6) % 6)}, ${level(k % 6)})`, 2];
  }
  return [null, 0];
}
