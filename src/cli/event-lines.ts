/**
 * One event record as one line of JSON, the same text `JSON.stringify(record)` gives, built faster for the flat
 * records the event log holds (a few string, number and boolean fields): keys are quoted once and kept, strings
 * are quoted without escaping when they hold nothing to escape, and anything else (arrays, nested objects) falls
 * back to `JSON.stringify`. The event log writes millions of these on a large run.
 */

/** Whether a line built since the last {@link takeNonAscii} holds a character beyond ASCII. */
let nonAscii = false;

/**
 * Whether `JSON.stringify` escapes a character of `s`: a quote, a backslash, a control character or a surrogate
 * (escaped when lone; a string with a pair simply takes the slower exact path).
 */
function needsEscape(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c) return true;
    if (c >= 0x80) {
      nonAscii = true;
      if (c >= 0xd800 && c <= 0xdfff) return true;
    }
  }
  return false;
}

/**
 * Whether any line built since the last call may hold a character beyond ASCII (lines of plain ASCII can be
 * written byte for byte, without UTF-8 encoding); resets the flag.
 */
export function takeNonAscii(): boolean {
  const was = nonAscii;
  nonAscii = false;
  return was;
}

/** Marks `text` (JSON.stringify's output for a nested value) if it holds a character beyond ASCII. */
function noteNonAscii(text: string): string {
  for (let i = 0; i < text.length; i++)
    if (text.charCodeAt(i) >= 0x80) {
      nonAscii = true;
      break;
    }
  return text;
}

/** `"key":` per ASCII key seen (keys come from a handful of record shapes). */
const quotedKeys = new Map<string, string>();

function quotedKey(k: string): string {
  const kept = quotedKeys.get(k);
  if (kept !== undefined) return kept;
  const q = `${JSON.stringify(k)}:`;
  // Only ASCII keys are kept (a line with another is marked each time); a few hundred at most.
  if (!isAscii(q)) nonAscii = true;
  else if (quotedKeys.size < 256) quotedKeys.set(k, q);
  return q;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}

/** `JSON.stringify(s)` for a string. */
function quote(s: string): string {
  return needsEscape(s) ? noteNonAscii(JSON.stringify(s)) : `"${s}"`;
}

/** The JSON text of one field value, or undefined when `JSON.stringify` would leave the field out. */
function valueText(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string':
      return quote(v);
    case 'number':
      // JSON writes NaN and the infinities as null; every finite number as String does (-0 as 0).
      return Number.isFinite(v) ? String(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    default: {
      const text: string | undefined = JSON.stringify(v);
      return text === undefined ? undefined : noteNonAscii(text);
    }
  }
}

/** `JSON.stringify(record)` for a plain object. */
export function jsonLine(record: Record<string, unknown>): string {
  let out = '{';
  // for-in walks own keys in JSON.stringify's order (a record has no inherited enumerable keys), without the array
  // Object.keys would allocate.
  for (const k in record) {
    const t = valueText(record[k]);
    if (t === undefined) continue;
    out += out.length === 1 ? quotedKey(k) + t : `,${quotedKey(k)}${t}`;
  }
  return `${out}}`;
}
