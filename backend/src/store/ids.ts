import { randomBytes } from 'node:crypto';

let last = '';

/**
 * A unique id that sorts by creation time: 12 hex digits of epoch ms (48 bits, good to year 10889)
 * then 12 hex digits of random (48 bits), 24 lowercase hex digits in all. Within one process ids
 * strictly increase: an id that would not sort after the previous one is the previous one plus one.
 */
export function sortableId(now: number = Date.now()): string {
  let id = Math.floor(now).toString(16).padStart(12, '0') + randomBytes(6).toString('hex');
  if (id <= last) {
    id = (BigInt(`0x${last}`) + BigInt(1)).toString(16).padStart(24, '0');
  }
  last = id;
  return id;
}

/** Whether `value` has the shape of a `sortableId`. */
export function isSortableId(value: string): boolean {
  return /^[0-9a-f]{24}$/.test(value);
}
