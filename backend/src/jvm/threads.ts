import type { Deadlock, DeadlockEdge, JvmThreadState } from '@osprey/model';

/** `monitor` when every edge is a monitor, `synchronizer` when every edge is one, else `mixed`. */
export function deadlockKind(edges: DeadlockEdge[]): Deadlock['kind'] {
  const monitors = edges.filter((e) => e.lock.kind !== 'synchronizer').length;
  if (monitors === edges.length) {
    return 'monitor';
  }
  return monitors === 0 ? 'synchronizer' : 'mixed';
}

/**
 * State from the top frame, for dumps that carry none (JDK 21 JSON form, VM threads): parked and
 * Object.wait() threads wait, sleeping ones wait timed, anything else is taken as running.
 */
export function inferState(topFrame: string | undefined): JvmThreadState | undefined {
  if (topFrame === undefined) {
    return undefined;
  }
  if (topFrame.includes('.sleep') && topFrame.includes('Thread.')) {
    return 'TIMED_WAITING';
  }
  if (topFrame.includes('Unsafe.park') || topFrame.includes('VirtualThread.park') || topFrame.includes('Object.wait')) {
    return 'WAITING';
  }
  return 'RUNNABLE';
}
