import { HOST_REQUEST_SERVICE, type HostSnapshot, type JvmRequest } from '@osprey/model';

import type { HostAgentConfig } from '../args';
import { BackendClient } from '../client';
import type { Logger } from '../log';
import { readHostSnapshot } from './read';

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Host snapshots on a schedule and on request: every `intervalMs` a snapshot of /proc is uploaded,
 * and every `pollMs` the capture requests filed under `@host` / this host name are answered with a
 * fresh one. Failures are logged and retried at the next tick.
 */
export class HostSnapshotter {
  private readonly client: BackendClient;
  private lastPollError?: string;

  constructor(
    private readonly config: HostAgentConfig,
    private readonly log: Logger,
    private readonly read: (host: string) => HostSnapshot = readHostSnapshot
  ) {
    this.client = new BackendClient(config.backend, config.token);
  }

  /** Runs until `stop` aborts (→ 0); with `once`, one snapshot (0 when it was stored, else 1). */
  async run(stop: AbortSignal): Promise<number> {
    const { config, log } = this;
    log.info('host snapshots starting', { host: config.host, intervalMs: config.intervalMs, pollMs: config.pollMs });
    if (config.once) {
      return (await this.snapshot('once')) === undefined ? 1 : 0;
    }
    let due = Date.now();
    while (!stop.aborted) {
      await this.answerRequests(stop);
      if (Date.now() >= due) {
        await this.snapshot('interval');
        due = Math.max(due + config.intervalMs, Date.now() + 1);
      }
      await sleep(Math.min(config.pollMs, Math.max(0, due - Date.now())), stop);
    }
    return 0;
  }

  /** Reads and uploads one snapshot; its id, or undefined when it failed (logged). */
  private async snapshot(trigger: 'interval' | 'request' | 'once'): Promise<string | undefined> {
    try {
      return await this.snapshotOrThrow(trigger);
    } catch (err) {
      this.log.warn('host snapshot failed; retrying next tick', { trigger, error: errorText(err) });
      return undefined;
    }
  }

  private async snapshotOrThrow(trigger: 'interval' | 'request' | 'once'): Promise<string> {
    const started = Date.now();
    const snapshot = this.read(this.config.host);
    const readMs = Date.now() - started;
    const { id } = await this.client.uploadHostSnapshot(snapshot);
    this.log.info('host snapshot uploaded', {
      host: snapshot.host,
      trigger,
      id,
      processes: snapshot.processes.length,
      readMs,
      uploadMs: Date.now() - started - readMs,
    });
    return id;
  }

  private async answerRequests(stop: AbortSignal): Promise<void> {
    let pending: JvmRequest[];
    try {
      pending = await this.client.pendingRequests(HOST_REQUEST_SERVICE, this.config.host);
    } catch (err) {
      const error = errorText(err);
      if (error !== this.lastPollError) {
        this.log.warn('could not fetch host snapshot requests; retrying every poll', { error });
      }
      this.lastPollError = error;
      return;
    }
    this.lastPollError = undefined;
    for (const request of pending) {
      if (stop.aborted) {
        return;
      }
      try {
        if ((await this.client.claim(request.id)) === 'taken') {
          continue;
        }
        let outcome: { resultId: string } | { error: string };
        try {
          outcome =
            request.kind === 'hostsnapshot'
              ? { resultId: await this.snapshotOrThrow('request') }
              : { error: `a host agent takes host snapshots, not ${request.kind}` };
        } catch (err) {
          outcome = { error: errorText(err) };
        }
        await this.client.result(request.id, outcome);
        this.log.info('on-demand request answered', { requestId: request.id, kind: request.kind, ...outcome });
      } catch (err) {
        this.log.warn('on-demand request failed; retrying next poll', { requestId: request.id, error: errorText(err) });
      }
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}
