import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { canMount, mountSmallFileSystem, unmount } from '../../testing/small-fs';
import { IngestLog, LogWriteError } from './ingest-log';
import { HEADER_BYTES } from './record';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'osprey-ingest-log-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A log whose durable records are collected in `durable`, as a loader would receive them. */
async function openLog(dir: string, loaded = 0, segmentBytes?: number) {
  const durable: Array<{ end: number; value: number }> = [];
  const opened = await IngestLog.open<number>(dir, loaded, {
    segmentBytes,
    onDurable: (records) => durable.push(...records),
  });
  return { ...opened, durable };
}

const payloadOf = (n: number) => Buffer.from(`record ${n} `.repeat(1 + (n % 7)));
const segments = (dir: string) =>
  readdirSync(dir)
    .filter((name) => name.endsWith('.log'))
    .sort();

describe('the ingest log', () => {
  it('group-commits concurrent appends: fewer fsyncs than appends, each resolved after its own', async () => {
    const dir = tempDir();
    const { log, durable } = await openLog(dir);
    const appends = Array.from({ length: 300 }, (_, n) =>
      log.append(payloadOf(n), n).then(() => {
        // Resolved only once the record is durable, i.e. handed on in its group before the resolve.
        expect(durable.some((record) => record.value === n)).toBe(true);
      })
    );
    await Promise.all(appends);
    const stats = log.stats();
    expect(stats.appends).toBe(300);
    expect(stats.syncs).toBeGreaterThanOrEqual(1);
    expect(stats.syncs).toBeLessThan(300 / 4);
    expect(durable.map((r) => r.value)).toEqual(Array.from({ length: 300 }, (_, n) => n));
    const ends = durable.map((r) => r.end);
    expect(ends).toEqual([...ends].sort((a, b) => a - b));
    expect(log.position).toBe(stats.bytes);
    await log.close();

    const reopened = await openLog(dir);
    expect(reopened.unloaded.map((r) => r.payload.toString())).toEqual(
      Array.from({ length: 300 }, (_, n) => payloadOf(n).toString())
    );
    expect(reopened.unloaded.map((r) => r.end)).toEqual(ends);
    expect(reopened.log.position).toBe(ends.at(-1));
    expect(reopened.log.cuts).toEqual([]);
    await reopened.log.close();
  });

  it('replays only what lies past the loaded position, and deletes the segments below it', async () => {
    const dir = tempDir();
    const { log, durable } = await openLog(dir, 0, 200);
    for (let n = 0; n < 40; n++) {
      await log.append(payloadOf(n), n);
    }
    const before = segments(dir).length;
    expect(before).toBeGreaterThan(5);
    const loaded = durable[24].end;
    log.release(loaded);
    expect(segments(dir).length).toBeLessThan(before);
    await log.close();

    const reopened = await openLog(dir, loaded, 200);
    expect(reopened.unloaded.map((r) => r.payload.toString())).toEqual(
      Array.from({ length: 15 }, (_, i) => payloadOf(25 + i).toString())
    );
    // Every segment left holds a record past `loaded`, or is the new, empty one.
    for (const name of segments(dir)) {
      const start = Number(name.slice(0, 20));
      expect(start + statSync(path.join(dir, name)).size > loaded || statSync(path.join(dir, name)).size === 0).toBe(
        true
      );
    }
    await reopened.log.close();
  });

  it('cuts a torn tail at open, reports it, and appends after the cut', async () => {
    const dir = tempDir();
    const { log } = await openLog(dir);
    for (let n = 0; n < 3; n++) {
      await log.append(payloadOf(n), n);
    }
    await log.close();
    const [segment] = segments(dir);
    const file = path.join(dir, segment);
    const size = statSync(file).size;
    truncateSync(file, size - 2);

    const reopened = await openLog(dir);
    expect(reopened.unloaded.map((r) => r.payload.toString())).toEqual([payloadOf(0), payloadOf(1)].map(String));
    expect(reopened.log.cuts).toEqual([
      {
        segment,
        offset: size - HEADER_BYTES - payloadOf(2).length,
        droppedBytes: HEADER_BYTES + payloadOf(2).length - 2,
        reason: 'torn-payload',
      },
    ]);
    expect(statSync(file).size).toBe(size - HEADER_BYTES - payloadOf(2).length);
    await reopened.log.append(payloadOf(9), 9);
    await reopened.log.close();

    const again = await openLog(dir);
    expect(again.unloaded.map((r) => r.payload.toString())).toEqual([0, 1, 9].map((n) => payloadOf(n).toString()));
    expect(again.log.cuts).toEqual([]);
    await again.log.close();
  });
});

describe('the ingest log on a full disk', () => {
  const mounted = tempDir();
  beforeAll(() => mountSmallFileSystem(mounted, '256k'));
  afterAll(() => unmount(mounted));
  const test = canMount() ? it : it.skip;
  test('refuses with ENOSPC, keeps every acknowledged record, and resumes once there is room', async () => {
    const filler = path.join(mounted, 'filler');
    writeFileSync(filler, Buffer.alloc(100_000));
    const dir = path.join(mounted, 'log');
    mkdirSync(dir);
    const { log } = await openLog(dir);
    const record = (n: number) => Buffer.concat([Buffer.from(`${n}:`), Buffer.alloc(20_000, n)]);
    const acked: number[] = [];
    const refused: unknown[] = [];
    for (let n = 0; n < 12; n++) {
      await log.append(record(n), n).then(
        () => acked.push(n),
        (err: unknown) => refused.push(err)
      );
    }
    expect(acked.length).toBeGreaterThan(2);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((err) => err instanceof LogWriteError && err.code === 'ENOSPC')).toBe(true);
    // Room again: the next append lands right after the last acknowledged record, not after a torn one.
    rmSync(filler);
    await log.append(record(99), 99);
    await log.close();

    const reopened = await openLog(dir);
    expect(reopened.log.cuts).toEqual([]);
    expect(reopened.unloaded.map((r) => r.payload.toString('utf8', 0, 3).split(':')[0])).toEqual(
      [...acked, 99].map(String)
    );
    await reopened.log.close();
  });
});
