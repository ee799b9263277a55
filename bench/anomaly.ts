/**
 * Anomaly band accuracy: five weeks of seeded hourly traffic for one service with a daily and a
 * weekly pattern (busy afternoons, quiet nights and weekends, slower and more failing under load)
 * and injected anomalies (traffic dips and spikes, error bursts, slow hours) in every week, stored
 * in the embedded DuckDB store. The fifth week is read with `band=true` (its band learnt from the
 * four weeks before, from the rollups); a step is flagged when its value is outside the band. Peer in
 * the same run: a static threshold per metric at the 95th percentile of the four weeks' values,
 * flagging a step above it. Precision and recall against the injected truth, per metric.
 *
 *   npm run bench:anomaly      (BENCH_ANOMALY_PEAK=… transactions/s at the daily peak, default 0.5)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { RedBandMetric, RedPoint, Transaction } from '@osprey/model';
import { BAND_HISTORY_MS, bandedRed, DuckDbStore } from '@osprey/backend';
import { seededRandom, webTransaction } from '@osprey/backend/testing';

import { timeMs } from './timing';

const HOUR = 3_600_000;
const WEEK = 168 * HOUR;
const EVALUATED = Date.UTC(2026, 10, 2); // a Monday
const START = EVALUATED - BAND_HISTORY_MS;
const PEAK = Number(process.env.BENCH_ANOMALY_PEAK ?? 0.5);
const METRICS: readonly RedBandMetric[] = ['rate', 'errorRatio', 'p95'];
const KINDS = ['dip', 'spike', 'errors', 'slow'] as const;
type Kind = (typeof KINDS)[number];
const METRIC_OF: Record<Kind, RedBandMetric> = { dip: 'rate', spike: 'rate', errors: 'errorRatio', slow: 'p95' };
const ANOMALIES_PER_WEEK = 8;

const random = seededRandom(2026);
const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

/** 0.15 at 03:00 to 1 at 15:00 UTC; weekends at half. */
function load(time: number): number {
  const date = new Date(time);
  const hour = date.getUTCHours() + 0.5;
  const daily = 0.15 + 0.85 * (0.5 - 0.5 * Math.cos((2 * Math.PI * (hour - 3)) / 24));
  const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6;
  return daily * (weekend ? 0.5 : 1);
}

/** Each week's anomalies: kind and the hours they cover, never overlapping. */
function injectAnomalies(): Map<number, Kind> {
  const anomalies = new Map<number, Kind>();
  for (let week = START; week < EVALUATED + WEEK; week += WEEK) {
    for (let placed = 0; placed < ANOMALIES_PER_WEEK;) {
      const first = week + Math.floor(random() * 166) * HOUR;
      const hours = 1 + Math.floor(random() * 3);
      const covered = Array.from({ length: hours }, (_, i) => first + i * HOUR).filter((h) => h < week + WEEK);
      if (covered.some((h) => anomalies.has(h) || anomalies.has(h - HOUR) || anomalies.has(h + HOUR))) {
        continue;
      }
      const kind = KINDS[placed % KINDS.length];
      covered.forEach((h) => anomalies.set(h, kind));
      placed++;
    }
  }
  return anomalies;
}

function hourOfTraffic(hour: number, kind: Kind | undefined, seq: { n: number }): Transaction[] {
  const l = load(hour);
  const expected = PEAK * 3600 * l * (kind === 'dip' ? 0.35 : kind === 'spike' ? 2.2 : 1);
  const count = Math.max(0, Math.round(expected + Math.sqrt(expected) * gauss()));
  const medianMs = 60 * (1 + 1.5 * l) * (kind === 'slow' ? 2 : 1);
  const errorRatio = kind === 'errors' ? 0.08 : 0.004 + 0.008 * l;
  return Array.from({ length: count }, () =>
    webTransaction(
      seq.n++,
      hour + random() * HOUR,
      medianMs * Math.exp(0.45 * gauss()),
      random() < errorRatio ? 'error' : 'ok'
    )
  );
}

/** The 95th percentile of a list, nearest rank. */
const percentile95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.ceil(0.95 * values.length) - 1];

interface Score {
  tp: number;
  fp: number;
  fn: number;
}
const score = (): Score => ({ tp: 0, fp: 0, fn: 0 });
function count(s: Score, flagged: boolean, truth: boolean): void {
  if (flagged && truth) {
    s.tp++;
  } else if (flagged) {
    s.fp++;
  } else if (truth) {
    s.fn++;
  }
}
const pct = (n: number, d: number) => (d === 0 ? '—' : `${((100 * n) / d).toFixed(1)} %`);
const row = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(12) : c.padStart(9))).join(' | ')} |`;

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'osprey-bench-anomaly-'));
  try {
    const store = await DuckDbStore.open(dir);
    const anomalies = injectAnomalies();
    const seq = { n: 1 };
    let stored = 0;
    for (let day = START; day < EVALUATED + WEEK; day += 24 * HOUR) {
      const batch: Transaction[] = [];
      for (let hour = day; hour < day + 24 * HOUR; hour += HOUR) {
        batch.push(...hourOfTraffic(hour, anomalies.get(hour), seq));
      }
      await store.insertBatch([], batch);
      stored += batch.length;
    }
    const query = { from: EVALUATED, to: EVALUATED + WEEK, step: HOUR, service: 'shop', groupBy: 'service' as const };
    const answer = await bandedRed(store, query);
    const history = await store.red({ ...query, from: START, to: EVALUATED }, 'rollup');
    const queryMs = await timeMs(() => bandedRed(store, query), 5);
    await store.close();

    const thresholds = Object.fromEntries(
      METRICS.map((m) => [m, percentile95(history.series[0].points.map((p) => p[m]))])
    ) as Record<RedBandMetric, number>;
    const band = Object.fromEntries(METRICS.map((m) => [m, score()])) as Record<RedBandMetric, Score>;
    const fixed = Object.fromEntries(METRICS.map((m) => [m, score()])) as Record<RedBandMetric, Score>;
    const points = new Map(answer.series[0].points.map((p) => [p.time, p]));
    for (let hour = EVALUATED; hour < EVALUATED + WEEK; hour += HOUR) {
      const p: RedPoint | undefined = points.get(hour);
      for (const m of METRICS) {
        const truth = anomalies.has(hour) && METRIC_OF[anomalies.get(hour)!] === m;
        const value = p?.[m] ?? (m === 'rate' ? 0 : NaN);
        const lower = p?.[`${m}Lower`];
        const upper = p?.[`${m}Upper`];
        count(band[m], lower !== undefined && upper !== undefined && (value < lower || value > upper), truth);
        count(fixed[m], value > thresholds[m], truth);
      }
    }
    const all = (scores: Record<RedBandMetric, Score>) =>
      METRICS.reduce(
        (sum, m) => ({ tp: sum.tp + scores[m].tp, fp: sum.fp + scores[m].fp, fn: sum.fn + scores[m].fn }),
        score()
      );
    console.log(
      `${stored.toLocaleString('en')} transactions over 5 weeks (peak ${PEAK}/s), ${anomalies.size} anomalous hours ` +
        `(${[...anomalies.keys()].filter((h) => h >= EVALUATED).length} in the evaluated week); hourly steps\n`
    );
    console.log(row(['metric', 'band P', 'band R', 'static P', 'static R']));
    console.log(row(['---', '---', '---', '---', '---']));
    for (const [name, b, s] of [
      ...METRICS.map((m) => [m, band[m], fixed[m]] as const),
      ['all', all(band), all(fixed)] as const,
    ]) {
      console.log(
        row([name, pct(b.tp, b.tp + b.fp), pct(b.tp, b.tp + b.fn), pct(s.tp, s.tp + s.fp), pct(s.tp, s.tp + s.fn)])
      );
    }
    const [b, f] = [all(band), all(fixed)];
    const wins = b.tp / (b.tp + b.fp) > f.tp / (f.tp + f.fp) && b.tp / (b.tp + b.fn) > f.tp / (f.tp + f.fn);
    console.log(`\nthe band beats the static threshold on precision and recall (all metrics): ${wins ? 'yes' : 'NO'}`);
    console.log(
      `static thresholds (95th percentile of the 4 weeks): rate ${thresholds.rate.toFixed(3)}/s, ` +
        `error ratio ${thresholds.errorRatio.toFixed(4)}, p95 ${thresholds.p95.toFixed(1)} ms`
    );
    console.log(
      `band=true query (1 week at 1 h + 4 weeks of history, from the rollups): ${queryMs.toFixed(1)} ms median of 5`
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
