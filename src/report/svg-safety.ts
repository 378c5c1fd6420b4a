/**
 * Re-serialises a chart SVG through an allowlist before it is inlined into the report. The SVG
 * comes from Vega, which escapes the data-derived text it writes; this pass does not rely on that:
 * it tokenises the markup, accepts only known SVG elements and presentation attributes (no event
 * handlers, links, styles or scripts), decodes every text and attribute value and escapes it again
 * the way Handlebars does. Anything it does not understand rejects the whole chart.
 */

const ELEMENTS = new Set([
  'svg', 'g', 'path', 'rect', 'line', 'circle', 'ellipse', 'polyline', 'polygon', 'text', 'tspan',
  'title', 'desc', 'defs', 'clipPath', 'linearGradient', 'radialGradient', 'stop',
]);

/** Namespace declarations are implied for SVG inlined in HTML; dropping them keeps URLs out of the page. */
const DROPPED = new Set(['xmlns', 'xmlns:xlink', 'version']);

const ATTRIBUTES = new Set([
  'class', 'width', 'height', 'viewBox', 'x', 'y', 'x1', 'x2', 'y1', 'y2',
  'cx', 'cy', 'r', 'rx', 'ry', 'd', 'points', 'transform', 'fill', 'fill-opacity', 'stroke', 'stroke-width',
  'stroke-opacity', 'stroke-dasharray', 'stroke-dashoffset', 'stroke-linecap', 'stroke-linejoin',
  'stroke-miterlimit', 'opacity', 'font-family', 'font-size', 'font-weight', 'font-style', 'text-anchor',
  'dominant-baseline', 'dx', 'dy', 'role', 'aria-label', 'aria-roledescription', 'aria-hidden', 'pointer-events',
  'display', 'id', 'clip-path', 'offset', 'stop-color', 'stop-opacity', 'gradientUnits', 'shape-rendering',
  'fill-rule', 'clip-rule', 'paint-order', 'vector-effect', 'cursor', 'letter-spacing', 'baseline-shift',
]);

const ENTITY: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(s: string): string | null {
  let bad = false;
  const out = s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);|&/g, (m, body: string | undefined) => {
    if (body === undefined) {
      bad = true;
      return m;
    }
    if (body[0] === '#') {
      const code = body[1] === 'x' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      if (!(code > 0 && code <= 0x10ffff)) bad = true;
      return bad ? m : String.fromCodePoint(code);
    }
    const ch = ENTITY[body];
    if (ch === undefined) bad = true;
    return ch ?? m;
  });
  return bad ? null : out;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;', '`': '&#x60;', '=': '&#x3D;' };

export function escapeXml(s: string): string {
  return s.replace(/[&<>"'`=]/g, (c) => ESCAPES[c]);
}

/** References to other documents are refused; internal `url(#id)` references (clip paths) are kept. */
function safeValue(name: string, value: string): boolean {
  const lower = value.toLowerCase();
  if (lower.includes('javascript:') || lower.includes('data:')) return false;
  if (name === 'clip-path' || name === 'fill' || name === 'stroke') {
    const urls = lower.match(/url\(([^)]*)\)/g) ?? [];
    return urls.every((u) => /^url\(#[\w-]+\)$/.test(u));
  }
  return !lower.includes('url(');
}

const TOKEN = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[a-zA-Z][\w:-]*="[^"<]*")*)\s*(\/?)>|([^<]+)/y;
const ATTR = /\s+([a-zA-Z][\w:-]*)="([^"<]*)"/g;

/**
 * The sanitised SVG, or null when the input holds anything outside the allowlist. Element ids and
 * `url(#id)` references get `idPrefix`, so several charts inlined in one page do not share ids.
 */
export function sanitizeSvg(svg: string, idPrefix = ''): string | null {
  const out: string[] = [];
  const open: string[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < svg.length) {
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(svg);
    if (!m || m.index !== pos) return null;
    pos = TOKEN.lastIndex;
    const [, closing, name, attrs, selfClosing, text] = m;
    if (text !== undefined) {
      const decoded = decode(text);
      if (decoded === null) return null;
      out.push(escapeXml(decoded));
      continue;
    }
    if (!ELEMENTS.has(name)) return null;
    if (closing) {
      if (attrs || open.pop() !== name) return null;
      out.push(`</${name}>`);
      continue;
    }
    let tag = `<${name}`;
    for (const a of attrs.matchAll(ATTR)) {
      const [, an, av] = a;
      if (DROPPED.has(an)) continue;
      if (!ATTRIBUTES.has(an)) return null;
      const decoded = decode(av);
      if (decoded === null || !safeValue(an, decoded)) return null;
      const value = an === 'id' ? `${idPrefix}${decoded}` : decoded.replace(/url\(#([\w-]+)\)/g, (_, id: string) => `url(#${idPrefix}${id})`);
      tag += ` ${an}="${escapeXml(value)}"`;
    }
    if (selfClosing) tag += '/';
    else open.push(name);
    out.push(`${tag}>`);
  }
  if (open.length > 0 || out.length === 0 || !out[0].startsWith('<svg')) return null;
  return out.join('');
}
