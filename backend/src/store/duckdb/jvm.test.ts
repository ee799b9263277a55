import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { JVM_REQUEST_TIMEOUT_MS } from '@osprey/model';

import { DuckDbStore } from './store';
import { sortableId } from '../ids';

const T0 = 1763800000000;

describe('DuckDbStore JVM capture requests', () => {
  let dir: string;
  let store: DuckDbStore;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'osprey-jvm-store-'));
    store = await DuckDbStore.open(dir);
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const create = (now = T0, instance = 'i-1') =>
    store.createJvmRequest({ id: sortableId(now), service: 's', instance, kind: 'threaddump', now });

  it('fails a pending request nobody claimed within the timeout, and then refuses its claim', async () => {
    const old = await create(T0);
    const fresh = await create(T0 + 60_000);
    const later = T0 + JVM_REQUEST_TIMEOUT_MS + 1;
    expect(await store.jvmRequests({ status: 'pending' }, T0 + JVM_REQUEST_TIMEOUT_MS)).toHaveLength(2);
    expect(await store.jvmRequests({}, later)).toEqual([
      { ...old, status: 'failed', error: 'no agent took it', updatedAt: later },
      fresh,
    ]);
    expect(await store.claimJvmRequest(old.id, later)).toEqual({
      outcome: 'conflict',
      request: expect.objectContaining({ status: 'failed' }),
    });
    expect(await store.claimJvmRequest(sortableId(), later)).toEqual({ outcome: 'missing' });
  });

  it('lets exactly one of many concurrent claims win, and a taken request does not expire', async () => {
    const request = await create(T0);
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => store.claimJvmRequest(request.id, T0 + 1)));
    expect(outcomes.filter((o) => o.outcome === 'ok')).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === 'conflict')).toHaveLength(19);
    const taken = await store.jvmRequest(request.id, T0 + 10 * JVM_REQUEST_TIMEOUT_MS);
    expect(taken).toEqual({ ...request, status: 'taken', updatedAt: T0 + 1 });
  });

  it('filters by service, instance and status, oldest first, and survives a reopen', async () => {
    const a = await create(T0, 'i-1');
    const b = await create(T0 + 1, 'i-2');
    await store.finishJvmRequest(a.id, { error: 'attach failed' }, T0 + 2);
    expect(await store.jvmRequests({ instance: 'i-2' }, T0 + 3)).toEqual([b]);
    await store.close();
    store = await DuckDbStore.open(dir);
    expect((await store.jvmRequests({ service: 's' }, T0 + 3)).map((r) => [r.id, r.status])).toEqual([
      [a.id, 'failed'],
      [b.id, 'pending'],
    ]);
    expect(await store.jvmRequests({ status: 'failed', instance: 'i-2' }, T0 + 3)).toEqual([]);
  });
});
