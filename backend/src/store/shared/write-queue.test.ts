import { OverloadedError } from '../overload';
import { type QueuedWrite, WriteQueue } from './write-queue';

interface Write extends QueuedWrite {
  name: string;
}

/** A queue whose commits are recorded and fail for any group holding a write named `bad`. */
function queue(retryAlone: boolean, maxQueuedItems = 10) {
  const commits: string[][] = [];
  let release: () => void = () => undefined;
  let held = Promise.resolve();
  const writes = new WriteQueue<Write>({
    maxQueuedItems,
    retryAlone,
    async commit(group) {
      await held;
      commits.push(group.map((w) => w.name));
      if (group.some((w) => w.name === 'bad')) {
        throw new Error('bad write');
      }
    },
  });
  const hold = () => {
    held = new Promise((resolve) => (release = resolve));
  };
  const write = (name: string, items = 1, bounded = true, alone = false) =>
    new Promise<string>((resolve) => {
      writes.enqueue(
        { name, items, alone, resolve: () => resolve('ok'), reject: (err) => resolve(String(err)) },
        bounded
      );
    });
  return { writes, commits, write, hold, release: () => release() };
}

describe('WriteQueue', () => {
  it('commits the writes that arrived during a commit as one group, in order', async () => {
    const q = queue(true);
    q.hold();
    const first = q.write('a');
    const rest = [q.write('b'), q.write('c')];
    expect(q.writes.backlog()).toEqual({ batches: 3, items: 3, maxItems: 10 });
    q.release();
    expect(await Promise.all([first, ...rest])).toEqual(['ok', 'ok', 'ok']);
    expect(q.commits).toEqual([['a'], ['b', 'c']]);
    expect(q.writes.backlog()).toEqual({ batches: 0, items: 0, maxItems: 10 });
  });

  it('refuses a bounded write past the bound and queues nothing of it; takes an oversized one when empty', async () => {
    const q = queue(true, 5);
    q.hold();
    const big = q.write('big', 8);
    const refused = q.write('over', 1);
    const control = q.write('control', 1, false);
    expect(await refused).toBe(String(new OverloadedError(8, 5)));
    q.release();
    expect(await Promise.all([big, control])).toEqual(['ok', 'ok']);
    expect(q.commits).toEqual([['big'], ['control']]);
  });

  it.each([
    ['retried alone, only the bad write fails (DuckDB)', true, ['ok', 'Error: bad write', 'ok'], 4],
    [
      'not retried, the group fails whole (ClickHouse)',
      false,
      ['Error: bad write', 'Error: bad write', 'Error: bad write'],
      1,
    ],
  ])('a failed group: %s', async (_, retryAlone, answers, commitsAfterFirst) => {
    const q = queue(retryAlone);
    q.hold();
    const first = q.write('first');
    const group = [q.write('good'), q.write('bad'), q.write('fine')];
    q.release();
    await first;
    expect(await Promise.all(group)).toEqual(answers);
    expect(q.commits.length - 1).toBe(commitsAfterFirst);
  });

  it('commits a write marked alone in a group of its own', async () => {
    const q = queue(true);
    q.hold();
    const all = [q.write('a'), q.write('b'), q.write('solo', 1, true, true), q.write('c')];
    q.release();
    await Promise.all(all);
    expect(q.commits).toEqual([['a'], ['b'], ['solo'], ['c']]);
  });

  it('close waits for the queued writes and refuses new ones', async () => {
    const q = queue(true);
    q.hold();
    const queued = [q.write('a'), q.write('b')];
    const closed = q.writes.close();
    expect(await q.write('late')).toBe('Error: store is closed');
    q.release();
    await closed;
    expect(await Promise.all(queued)).toEqual(['ok', 'ok']);
    expect(q.commits).toEqual([['a'], ['b']]);
  });
});
