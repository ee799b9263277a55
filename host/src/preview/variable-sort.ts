/** A query variable's options in the order its `sort` asks for, as Grafana orders them. */

const natural = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
const caseless = new Intl.Collator(undefined, { sensitivity: 'base' });
const number = (text: string) => {
  const digits = /-?\d+(\.\d+)?/.exec(text);
  return digits ? Number(digits[0]) : Number.NaN;
};
/** Grafana's VariableSort by number: alphabetical, numerical, case-insensitive, natural; each ascending then descending. */
const ORDERS: Record<number, (a: string, b: string) => number> = {
  1: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
  3: (a, b) => number(a) - number(b),
  5: caseless.compare,
  7: natural.compare,
};

/** The options in the variable's order: as the query answered them (0), or by one of Grafana's sorts. */
export function sortOptions(options: string[], sort: number): string[] {
  const ascending = ORDERS[sort % 2 === 1 ? sort : sort - 1];
  if (sort === 0 || !ascending) {
    return options;
  }
  // A descending sort keeps ties in the order they came, as the ascending one does.
  return [...options].sort(sort % 2 === 1 ? ascending : (a, b) => ascending(b, a));
}
