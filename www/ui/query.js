// Reading and replacing single values in the canonical query string that Rust writes
// (`Playground::query`). The meaning and validation of every value stay in Rust: the page only
// swaps the text of one key and sends the whole query back to be checked.

/** Percent-encodes only what would break the `key=value&…` shape; tokens stay readable. */
function encodeValue(v) {
  return String(v).replace(/[%&=#+\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

function pairs(query) {
  return query
    .replace(/^\?/, '')
    .split('&')
    .filter(Boolean)
    .map((p) => {
      const i = p.indexOf('=');
      return i < 0 ? [p, ''] : [p.slice(0, i), p.slice(i + 1)];
    });
}

function decodeValue(v) {
  try {
    return decodeURIComponent(v.replace(/\+/g, ' '));
  } catch {
    return v;
  }
}

/** The value of `key` in `query`, or `undefined`. */
export function getValue(query, key) {
  const hit = pairs(query).find(([k]) => k === key);
  return hit ? decodeValue(hit[1]) : undefined;
}

/** `query` with the given keys set (added at the end when missing), other keys untouched. */
export function withValues(query, values) {
  const out = pairs(query);
  for (const [key, value] of Object.entries(values)) {
    const hit = out.find(([k]) => k === key);
    if (hit) hit[1] = encodeValue(value);
    else out.push([key, encodeValue(value)]);
  }
  return out.map(([k, v]) => `${k}=${v}`).join('&');
}

/** Splits a comma list at top level only, so `uniform(-1,1)` stays one item. */
export function splitList(value) {
  const items = [];
  let depth = 0;
  let cur = '';
  for (const ch of value || '') {
    if (ch === '(') depth += 1;
    if (ch === ')') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      items.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur !== '' || items.length) items.push(cur);
  return items.map((s) => s.trim()).filter((s) => s !== '');
}

/** The name of a parameterised token: `step(100,0.5)` → `step`. */
export function tokenName(token) {
  return String(token).split('(')[0].trim();
}
