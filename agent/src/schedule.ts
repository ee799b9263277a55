/** When the agent's periodic work is due, and the sleep between. */
/** When each kind of work is next due (epoch ms). */
export interface Schedule {
  poll: number;
  threaddump: number;
  heaphistogram: number;
}

/** How long to sleep before the next due work (0 when something is due now). */
export function msUntilDue(schedule: Schedule, now: number): number {
  return Math.max(0, Math.min(schedule.poll, schedule.threaddump, schedule.heaphistogram) - now);
}

/**
 * Next due time for periodic work that just ran: one period after it was due, so captures keep
 * their cadence, but never in the past (a long stall, a suspended laptop, does not cause a burst).
 */
export function nextDue(due: number, periodMs: number, now: number): number {
  const next = due + periodMs;
  return next > now ? next : now + periodMs;
}

/** Resolves after `ms`, or at once when `signal` aborts: the agent stops without waiting out a sleep. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}
