/** When a trace is due, as of `now` (epoch ms). */
export interface SettleRule {
  /** A trace settles once no span of it arrived for this long. */
  settleMs: number;
  /** …or once its oldest unsettled span has waited this long, so a trace that never goes quiet still counts. */
  maxWaitMs: number;
  /** At most this many traces per run. */
  maxTraces: number;
}

/** A trace that keeps receiving spans settles anyway once its oldest unsettled span waited this many windows. */
export const SETTLE_MAX_WAIT_WINDOWS = 6;
/** Traces one settle run takes at most, so a run stays one bounded write. */
export const SETTLE_MAX_TRACES = 2000;

/** The rule both engines settle by, for a quiet window of `settleMs`. */
export function settleRule(settleMs: number): SettleRule {
  return { settleMs, maxWaitMs: settleMs * SETTLE_MAX_WAIT_WINDOWS, maxTraces: SETTLE_MAX_TRACES };
}

/**
 * Settles a store's due traces on a timer. A tick of a quarter window (1 s at most) makes counts
 * final at most that long after the window; a tick that finds a run still going skips, and a run
 * that took `maxTraces` goes on at once, since it may have left more due traces behind.
 */
export class SettleLoop {
  private readonly timer: NodeJS.Timeout;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly settleDue: () => Promise<number>,
    private readonly rule: SettleRule,
    private readonly onError: ((err: unknown) => void) | undefined
  ) {
    const tick = Math.min(1000, Math.max(50, rule.settleMs / 4));
    this.timer = setInterval(() => this.tick(), tick);
    this.timer.unref();
  }

  private tick(): void {
    if (this.running === undefined && !this.stopped) {
      this.running = this.runUntilShort().finally(() => {
        this.running = undefined;
      });
    }
  }

  private async runUntilShort(): Promise<void> {
    try {
      while (!this.stopped && (await this.settleDue()) === this.rule.maxTraces) {
        // A full run: go on without waiting for the next tick.
      }
    } catch (err) {
      // A run cut short by the store closing is no failure to report.
      if (!this.stopped) {
        this.onError?.(err);
      }
    }
  }

  /** No run starts after this; resolves once the one under way (if any) has ended. */
  stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    return this.running ?? Promise.resolve();
  }
}
