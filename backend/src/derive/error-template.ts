import { createHash } from 'node:crypto';

/**
 * The template of an exception message: what varies between occurrences of one error (numbers,
 * ids, hex, UUIDs, timestamps, quoted values) replaced by a placeholder, so "no product 42" and
 * "no product 7" are one error type. Words stay: "bad product id abc" is its own template, because
 * a word cannot be told from the message's text.
 */

/** Longer messages are cut, so one huge message (a dumped payload) cannot make a huge key. */
export const MAX_TEMPLATE_CHARS = 500;

// Bounded by non-alphanumerics, so a digit run inside a word (utf8, sha256, int32) stays.
const EDGE_BEFORE = '(?<![A-Za-z0-9])';
const EDGE_AFTER = '(?![A-Za-z0-9])';

/** Replaced in this order: each later rule sees the earlier ones' placeholders, never their text. */
const RULES: ReadonlyArray<[RegExp, string]> = [
  // Quoted values: identifiers and inputs named in a message ("orders", 'id', `sku`).
  [/"[^"\n]{0,200}"/g, '"?"'],
  [/'[^'\n]{0,200}'/g, "'?'"],
  [/`[^`\n]{0,200}`/g, '`?`'],
  [
    new RegExp(
      `${EDGE_BEFORE}[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}${EDGE_AFTER}`,
      'g'
    ),
    '<uuid>',
  ],
  [
    new RegExp(
      `${EDGE_BEFORE}\\d{4}-\\d{2}-\\d{2}(?:[T ]\\d{2}:\\d{2}(?::\\d{2}(?:[.,]\\d+)?)?(?:Z|[+-]\\d{2}:?\\d{2})?)?${EDGE_AFTER}`,
      'g'
    ),
    '<time>',
  ],
  [new RegExp(`${EDGE_BEFORE}0x[0-9a-fA-F]+${EDGE_AFTER}`, 'g'), '<hex>'],
  // Trace, object and commit ids: 8+ hex digits with at least one digit among them.
  [new RegExp(`${EDGE_BEFORE}(?=[a-fA-F]*\\d)[0-9a-fA-F]{8,}${EDGE_AFTER}`, 'g'), '<hex>'],
  // Numbers, decimal, grouped, dotted (addresses, versions) or with a port, and a unit after them
  // (before ids: 30000ms is a number of milliseconds).
  [new RegExp(`${EDGE_BEFORE}[-+]?\\d+(?:[.,:]\\d+)*(ms|us|ns|s|m|h|d|b|kb|mb|gb|k|%)?${EDGE_AFTER}`, 'gi'), '<n>$1'],
  // Random ids (ord8f3k2jx, AKIA7QX9…): 6+ letters and digits with 2+ digits, not a word with a
  // short number suffix or prefix (sha256, http2, 3des) — those are names, not ids.
  [
    new RegExp(
      `${EDGE_BEFORE}(?![A-Za-z]+\\d{1,3}${EDGE_AFTER})(?!\\d{1,3}[A-Za-z]+${EDGE_AFTER})(?=(?:[A-Za-z]*\\d){2})(?=\\d*[A-Za-z])[A-Za-z0-9]{6,}${EDGE_AFTER}`,
      'g'
    ),
    '<id>',
  ],
  [/\s+/g, ' '],
];

/** The message's template; an empty message gives the empty template. */
export function messageTemplate(message: string): string {
  let text = message.length > MAX_TEMPLATE_CHARS * 2 ? message.slice(0, MAX_TEMPLATE_CHARS * 2) : message;
  for (const [pattern, replacement] of RULES) {
    text = text.replace(pattern, replacement);
  }
  text = text.trim();
  return text.length > MAX_TEMPLATE_CHARS ? `${text.slice(0, MAX_TEMPLATE_CHARS)}…` : text;
}

/** Stable key of one error type: (service, exception type, message template). */
export function errorTypeKey(service: string, errorType: string, template: string): string {
  return createHash('sha256')
    .update(JSON.stringify([service, errorType, template]))
    .digest('hex')
    .slice(0, 16);
}
