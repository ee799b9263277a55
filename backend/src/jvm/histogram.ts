import type { HeapHistogram, HistogramDiff, HistogramGrowth, HistogramRow } from '@osprey/model';
import { HistogramParseError, preview } from './errors';

/**
 * Parses `jcmd <pid> GC.class_histogram` (and `jmap -histo`): rows `rank: instances bytes class`
 * with a trailing `(module@version)` on JDK 9+, an optional leading `<pid>:` line, a `Total` line.
 */
export function parseClassHistogram(text: string): HeapHistogram {
  const h: HeapHistogram = { rows: [], totalInstances: 0, totalBytes: 0, unparsed: [] };
  let sawHeader = false;
  let total: [number, number] | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line.startsWith('---')) {
      continue;
    }
    if (line.startsWith('num ') && line.includes('#instances')) {
      sawHeader = true;
      continue;
    }
    const parts = line.split(/\s+/);
    if (parts[0] === 'Total' && parts.length === 3) {
      total = [Number(parts[1]), Number(parts[2])];
      continue;
    }
    if (parts.length === 1 && /^\d+:$/.test(line) && h.rows.length === 0) {
      h.pid = Number(line.slice(0, -1));
      continue;
    }
    const row = parts.length >= 4 && parts[0].endsWith(':') ? histogramRow(parts) : undefined;
    if (row) {
      h.rows.push(row);
    } else {
      h.unparsed.push(`line ${i + 1}: ${lines[i]}`);
    }
  }
  if (h.rows.length === 0 && !sawHeader) {
    throw new HistogramParseError(
      `not a class histogram: no "num #instances #bytes class name" header and no rows (starts with ${preview(text)})`
    );
  }
  h.totalInstances = total ? total[0] : h.rows.reduce((s, r) => s + r.instances, 0);
  h.totalBytes = total ? total[1] : h.rows.reduce((s, r) => s + r.bytes, 0);
  return h;
}

function histogramRow(parts: string[]): HistogramRow | undefined {
  const rank = Number(parts[0].slice(0, -1));
  const instances = Number(parts[1]);
  const bytes = Number(parts[2]);
  if (!Number.isInteger(rank) || !Number.isFinite(instances) || !Number.isFinite(bytes)) {
    return undefined;
  }
  const last = parts[parts.length - 1];
  const hasModule = parts.length > 4 && last.startsWith('(') && last.endsWith(')');
  const row: HistogramRow = {
    rank,
    class: parts.slice(3, hasModule ? -1 : undefined).join(' '),
    instances,
    bytes,
  };
  if (hasModule) {
    row.module = last.slice(1, -1);
  }
  return row;
}

/**
 * Growth per class from `a` (older) to `b`, largest byte growth first. Classes match by name only:
 * the module's version suffix changes when the JVM is upgraded, the class does not.
 */
export function diffHistograms(a: HeapHistogram, b: HeapHistogram): HistogramDiff {
  const rows = new Map<string, HistogramGrowth>();
  const entry = (r: HistogramRow): HistogramGrowth => {
    let g = rows.get(r.class);
    if (!g) {
      g = {
        class: r.class,
        instancesBefore: 0,
        instancesAfter: 0,
        instancesDelta: 0,
        bytesBefore: 0,
        bytesAfter: 0,
        bytesDelta: 0,
      };
      rows.set(r.class, g);
    }
    if (r.module !== undefined) {
      g.module = r.module;
    }
    return g;
  };
  for (const r of a.rows) {
    const g = entry(r);
    g.instancesBefore += r.instances;
    g.bytesBefore += r.bytes;
  }
  for (const r of b.rows) {
    const g = entry(r);
    g.instancesAfter += r.instances;
    g.bytesAfter += r.bytes;
  }
  for (const g of rows.values()) {
    g.instancesDelta = g.instancesAfter - g.instancesBefore;
    g.bytesDelta = g.bytesAfter - g.bytesBefore;
  }
  const diff: HistogramDiff = {
    totalBytesDelta: b.totalBytes - a.totalBytes,
    totalInstancesDelta: b.totalInstances - a.totalInstances,
    rows: [...rows.values()].sort((x, y) => y.bytesDelta - x.bytesDelta || x.class.localeCompare(y.class)),
  };
  if (a.takenAt !== undefined && b.takenAt !== undefined) {
    diff.intervalMs = b.takenAt - a.takenAt;
  }
  return diff;
}
