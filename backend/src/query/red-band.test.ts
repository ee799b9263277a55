/**
 * `GET /api/v1/metrics/red?band=true` over a real DuckDB store: four weeks of hourly traffic with a
 * daily pattern, then a day with an outage hour and a slow hour. The band holds the usual hours
 * and not the two incidents.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { API_PATHS, type RedResponse, type Transaction } from '@osprey/model';
import type { FastifyInstance } from 'fastify';

import { HOUR_MS, WEEK_MS } from '../derive/anomaly-band';
import { buildServer } from '../server/app';
import { DuckDbStore } from '../store/duckdb/store';
import { webTransaction } from '../testing/generate';

jest.setTimeout(60_000);

const MONDAY = Date.UTC(2026, 11, 7);
/** Transactions an hour: 20 by night, 60 from 08:00 to 20:00. */
const perHour = (time: number) => {
  const hour = new Date(time).getUTCHours();
  return hour >= 8 && hour < 20 ? 60 : 20;
};
const OUTAGE_HOUR = 10;
const SLOW_HOUR = 15;

let dir: string;
let store: DuckDbStore;
let app: FastifyInstance;

function hourOfTraffic(start: number, count: number, elapsed: number, errors: number, seq: number[]): Transaction[] {
  return Array.from({ length: count }, (_, i) =>
    webTransaction(
      seq[0]++,
      start + ((i + 0.5) * HOUR_MS) / count,
      elapsed * (0.9 + (0.2 * ((i * 7) % 10)) / 10),
      i < errors ? 'error' : 'ok'
    )
  );
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'osprey-band-'));
  store = await DuckDbStore.open(dir);
  const seq = [1];
  const rows: Transaction[] = [];
  for (let start = MONDAY - 4 * WEEK_MS; start < MONDAY + 24 * HOUR_MS; start += HOUR_MS) {
    const hour = (start - MONDAY) / HOUR_MS;
    const outage = hour === OUTAGE_HOUR;
    // The weeks differ a little (±2 transactions), as real weeks do.
    const count = outage ? 2 : perHour(start) + (Math.floor(start / WEEK_MS) % 3) - 1;
    rows.push(...hourOfTraffic(start, count, hour === SLOW_HOUR ? 900 : 100, outage ? 2 : 0, seq));
  }
  await store.insertBatch([], rows);
  app = buildServer({ store, tokens: { read: 'rd' }, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await app.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function red(query: string): Promise<RedResponse> {
  const { port } = app.server.address() as AddressInfo;
  const res = await fetch(`http://127.0.0.1:${port}${API_PATHS.red}?${query}`, {
    headers: { authorization: 'Bearer rd' },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as RedResponse;
}

describe('RED with band=true', () => {
  const window = `from=${MONDAY}&to=${MONDAY + 24 * HOUR_MS}&step=${HOUR_MS}&service=shop`;

  it('gives every hour a band learnt from the same hour of the four weeks before', async () => {
    const answer = await red(`${window}&band=true`);
    expect(answer.tier).toBe('rollup');
    const points = answer.series[0].points;
    expect(points).toHaveLength(24);
    for (const p of points) {
      const hour = (p.time - MONDAY) / HOUR_MS;
      const verdict = {
        rate: p.rate < p.rateLower! || p.rate > p.rateUpper!,
        errorRatio: p.errorRatio > p.errorRatioUpper!,
        p95: p.p95 > p.p95Upper!,
      };
      expect([hour, verdict]).toEqual([
        hour,
        { rate: hour === OUTAGE_HOUR, errorRatio: hour === OUTAGE_HOUR, p95: hour === SLOW_HOUR },
      ]);
      // The band sits around the usual rate of the hour, by night and by day.
      expect(p.rateLower!).toBeLessThan(perHour(p.time) / 3600);
      expect(p.rateUpper!).toBeGreaterThan(perHour(p.time) / 3600);
    }
  });

  it('answers without band fields when not asked', async () => {
    const [point] = (await red(window)).series[0].points;
    expect(Object.keys(point).filter((key) => /Lower|Upper/.test(key))).toEqual([]);
  });
});
