/** A copy of `set` with `item` added, or removed when it was there: a click on a filter chip or an expander. */
export function toggled<T>(set: ReadonlySet<T>, item: T): Set<T> {
  const next = new Set(set);
  if (!next.delete(item)) {
    next.add(item);
  }
  return next;
}
