import { SETTLE_MAX_TRACES, SETTLE_MAX_WAIT_WINDOWS, SettleLoop, settleRule } from './settle-loop';

const rule = { settleMs: 200, maxWaitMs: 1200, maxTraces: 3 };

function until(condition: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const poll = setInterval(() => {
      if (condition()) {
        clearInterval(poll);
        resolve();
      }
    }, 5);
  });
}

describe('settleRule', () => {
  it('waits a quiet window, or that many windows for a trace that never goes quiet', () => {
    expect(settleRule(10_000)).toEqual({
      settleMs: 10_000,
      maxWaitMs: 10_000 * SETTLE_MAX_WAIT_WINDOWS,
      maxTraces: SETTLE_MAX_TRACES,
    });
  });
});

describe('SettleLoop', () => {
  it('goes on at once after a full run and stops at the first short one', async () => {
    const settled = [3, 3, 1, 0];
    const calls: number[] = [];
    const loop = new SettleLoop(
      () => {
        calls.push(Date.now());
        return Promise.resolve(settled.shift() ?? 0);
      },
      rule,
      undefined
    );
    await until(() => calls.length >= 4);
    await loop.stop();
    // Three runs in one tick (full, full, short), then the next tick a quarter window later.
    expect(calls[2] - calls[0]).toBeLessThan(25);
    expect(calls[3] - calls[2]).toBeGreaterThanOrEqual(40);
  });

  it('skips a tick while a run is still going', async () => {
    let running = 0;
    let most = 0;
    let runs = 0;
    const loop = new SettleLoop(
      async () => {
        running += 1;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 180));
        running -= 1;
        runs += 1;
        return 0;
      },
      rule,
      undefined
    );
    await until(() => runs >= 2);
    await loop.stop();
    expect(most).toBe(1);
  });

  it('stop resolves only once the run under way has ended, and no run starts after it', async () => {
    let ended = false;
    let started = 0;
    const loop = new SettleLoop(
      async () => {
        started += 1;
        await new Promise((resolve) => setTimeout(resolve, 100));
        ended = true;
        return 0;
      },
      rule,
      undefined
    );
    await until(() => started === 1);
    await loop.stop();
    expect(ended).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(started).toBe(1);
  });

  it('reports a failed run and tries again on a later tick, but not a failure after stop', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    let release: () => void = () => undefined;
    const loop = new SettleLoop(
      async () => {
        calls += 1;
        if (calls === 1) {
          throw new Error('disk full');
        }
        await new Promise<void>((resolve) => (release = resolve));
        throw new Error('store is closed');
      },
      rule,
      (err) => errors.push(err)
    );
    await until(() => calls === 2);
    const stopped = loop.stop();
    release();
    await stopped;
    expect(errors).toEqual([new Error('disk full')]);
  });
});
