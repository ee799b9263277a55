import type { CheckDefinition, CheckRun, CheckStatus } from '@osprey/model';

import { checkTransaction } from '../derive/check-transaction';
import type { Store } from '../store/store';
import { probe } from './probe';

interface Scheduled {
  definition: CheckDefinition;
  timer?: NodeJS.Timeout;
  lastRun?: CheckRun;
}

export interface CheckSchedulerOptions {
  store: Store;
  /** Recorded on every run: which backend ran it. */
  location: string;
  /** A run that could not be stored (the store is full or down); the next run tries again. */
  onError: (err: unknown, check: string) => void;
}

/**
 * Runs each check at its interval: the first run right away, the next one interval after the
 * previous one ended (so a slow target never has two runs in flight), each stored with its
 * transaction. Definitions live in memory: the config file's are set at start, the admin API's
 * last until the backend stops.
 */
export class CheckScheduler {
  private readonly checks = new Map<string, Scheduled>();
  private running = false;

  constructor(private readonly options: CheckSchedulerOptions) {}

  /** Adds or replaces a check; a replaced one's pending run is cancelled. Returns whether it was new. */
  set(definition: CheckDefinition): boolean {
    const previous = this.checks.get(definition.name);
    clearTimeout(previous?.timer);
    const scheduled: Scheduled = { definition };
    this.checks.set(definition.name, scheduled);
    if (this.running) {
      this.schedule(scheduled, 0);
    }
    return previous === undefined;
  }

  /** Removes a check; false when there was none. */
  delete(name: string): boolean {
    const scheduled = this.checks.get(name);
    clearTimeout(scheduled?.timer);
    return this.checks.delete(name);
  }

  /** Every check by name, with the newest run this backend made. */
  list(): CheckStatus[] {
    return [...this.checks.values()]
      .sort((a, b) => a.definition.name.localeCompare(b.definition.name))
      .map(({ definition, lastRun }) => (lastRun ? { definition, lastRun } : { definition }));
  }

  get(name: string): CheckStatus | undefined {
    return this.list().find((status) => status.definition.name === name);
  }

  start(): void {
    this.running = true;
    this.checks.forEach((scheduled) => this.schedule(scheduled, 0));
  }

  stop(): void {
    this.running = false;
    this.checks.forEach((scheduled) => clearTimeout(scheduled.timer));
  }

  private schedule(scheduled: Scheduled, delayMs: number): void {
    scheduled.timer = setTimeout(() => void this.run(scheduled), delayMs);
    scheduled.timer.unref();
  }

  private async run(scheduled: Scheduled): Promise<void> {
    const run = await probe(scheduled.definition, this.options.location);
    // Replaced or deleted while it ran: its successor reports instead.
    if (this.checks.get(scheduled.definition.name) !== scheduled || !this.running) {
      return;
    }
    scheduled.lastRun = run;
    try {
      await this.options.store.insertCheckRun(run, checkTransaction(run));
    } catch (err) {
      this.options.onError(err, run.check);
    }
    if (this.checks.get(scheduled.definition.name) === scheduled && this.running) {
      this.schedule(scheduled, scheduled.definition.intervalMs);
    }
  }
}
