import { hostname } from 'node:os';

import type { JvmRequest, JvmRequestKind } from '@osprey/model';

import type { AgentConfig } from './args';
import { BackendClient } from './client';
import { type DumpForm, dumpForms, isUnknownCommand, jsonFallback, onDemandForm } from './dumpformat';
import { isExecutable, processAlive, processExe, type ResolvedJcmd, resolveJcmd, runJcmd } from './jcmd';
import { type JvmProcess, matchJvm, parseJcmdList } from './jvms';
import type { Logger } from './log';
import { msUntilDue, nextDue, type Schedule, sleep } from './schedule';
import { dumpToFileJson, type RunJcmd, textThreadDump } from './threaddump-capture';

/** Exit codes of the agent (2, bad arguments, is the CLI's). */
export const EXIT = { ok: 0, failed: 1, usage: 2, jvmGone: 3 } as const;

interface Attached {
  pid: number;
  displayName?: string;
  instance: string;
  jcmd: ResolvedJcmd;
  /** The JVM answered Thread.dump_to_file with "Unknown diagnostic command" (older than JDK 21). */
  jsonRefused: boolean;
}

type Trigger = 'interval' | 'request' | 'once';

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * The agent's loop: find the JVM, then capture and upload on schedule and answer on-demand requests,
 * one jcmd at a time (a JVM answering two attach requests at once only gets slower). Every failure
 * of jcmd or the backend is logged and retried at the next tick; only a vanished --pid JVM ends it.
 */
export class Agent {
  private readonly client: BackendClient;
  private attached?: Attached;
  /** Last "looking for the JVM" complaint, so waiting for a JVM logs once rather than every poll. */
  private lastSearchState = '';
  /** Last failure to fetch requests: a backend outage is logged when it starts and ends, not every poll. */
  private lastPollError?: string;

  constructor(
    private readonly config: AgentConfig,
    private readonly log: Logger,
    private readonly host = hostname()
  ) {
    this.client = new BackendClient(config.backend, config.token);
  }

  /** Runs until `stop` aborts (→ 0) or the --pid JVM is gone (→ 3); with --once, one capture of each kind. */
  async run(stop: AbortSignal): Promise<number> {
    const { config, log } = this;
    log.info('osprey-jvm-agent starting', {
      backend: config.backend,
      service: config.service,
      target: config.target,
      intervalMs: config.intervalMs,
      heapIntervalMs: config.heapIntervalMs,
      pollMs: config.pollMs,
      threadDumpFormat: config.threadDumpFormat,
      once: config.once,
    });
    let schedule: Schedule = { poll: 0, threaddump: 0, heaphistogram: 0 };
    while (!stop.aborted) {
      if (!this.attached) {
        const found = await this.attach(stop);
        if (typeof found === 'number') {
          return found;
        }
        if (!found) {
          if (config.once) {
            return EXIT.failed;
          }
          await sleep(config.pollMs, stop);
          continue;
        }
        this.attached = found;
        const now = Date.now();
        schedule = { poll: now, threaddump: now, heaphistogram: now };
      }
      const jvm = this.attached;
      if (!processAlive(jvm.pid)) {
        this.attached = undefined;
        if ('pid' in config.target) {
          log.error('target JVM is gone; exiting (--pid)', { pid: jvm.pid, instance: jvm.instance });
          return EXIT.jvmGone;
        }
        log.error('target JVM is gone; looking for another JVM matching --match', {
          pid: jvm.pid,
          instance: jvm.instance,
          match: config.target.match,
        });
        continue;
      }
      if (config.once) {
        const dump = await this.captureThreadDumps(jvm, 'once', stop);
        const histogram = await this.captureHistogram(jvm, 'once', stop);
        return dump && histogram ? EXIT.ok : EXIT.failed;
      }
      let now = Date.now();
      if (now >= schedule.poll) {
        await this.answerRequests(jvm, stop);
        now = Date.now();
        schedule.poll = nextDue(schedule.poll, config.pollMs, now);
      }
      if (now >= schedule.threaddump && !stop.aborted) {
        await this.captureThreadDumps(jvm, 'interval', stop);
        now = Date.now();
        schedule.threaddump = nextDue(schedule.threaddump, config.intervalMs, now);
      }
      if (now >= schedule.heaphistogram && !stop.aborted) {
        await this.captureHistogram(jvm, 'interval', stop);
        now = Date.now();
        schedule.heaphistogram = nextDue(schedule.heaphistogram, config.heapIntervalMs, now);
      }
      await sleep(msUntilDue(schedule, Date.now()), stop);
    }
    return EXIT.ok;
  }

  /** The JVM to watch, undefined to look again later, or an exit code when looking again cannot help. */
  private async attach(stop: AbortSignal): Promise<Attached | undefined | number> {
    const { config, log } = this;
    let pid: number;
    let displayName: string | undefined;
    if ('pid' in config.target) {
      pid = config.target.pid;
      if (!processAlive(pid)) {
        log.error('no process with this pid; exiting (--pid)', { pid });
        return EXIT.jvmGone;
      }
    } else {
      const lister = resolveJcmd(config.jcmd, this.probe());
      if (!lister) {
        log.error('no jcmd found to list JVMs: give --jcmd, set JAVA_HOME to a JDK or put a JDK on PATH');
        return EXIT.failed;
      }
      let jvms: JvmProcess[];
      try {
        jvms = parseJcmdList(await runJcmd(lister.path, ['-l'], config.jcmdTimeoutMs, stop));
      } catch (err) {
        // A jcmd cut short by SIGTERM is the shutdown itself, not a failure worth a warning.
        if (!stop.aborted) {
          this.searchState('warn', 'jcmd -l failed; will retry', { error: errorText(err), jcmd: lister.path });
        }
        return undefined;
      }
      const result = matchJvm(jvms, config.target.match);
      if (result.kind === 'none') {
        this.searchState('info', 'no JVM matches --match yet; waiting for one', {
          match: config.target.match,
          jvms: jvms.map((j) => `${j.pid} ${j.displayName}`),
        });
        return undefined;
      }
      if (result.kind === 'ambiguous') {
        this.searchState('warn', 'several JVMs match --match; give a more specific --match or --pid', {
          match: config.target.match,
          jvms: result.jvms.map((j) => `${j.pid} ${j.displayName}`),
        });
        return undefined;
      }
      pid = result.jvm.pid;
      displayName = result.jvm.displayName;
    }
    const jcmd = resolveJcmd(config.jcmd, this.probe(pid));
    if (!jcmd) {
      log.error('no jcmd found for the JVM: give --jcmd, set JAVA_HOME to a JDK or put a JDK on PATH', { pid });
      return EXIT.failed;
    }
    this.lastSearchState = '';
    const attached = {
      pid,
      displayName,
      instance: config.instance ?? `${this.host}:${pid}`,
      jcmd,
      jsonRefused: false,
    };
    log.info('attached to JVM', {
      pid,
      displayName,
      service: config.service,
      instance: attached.instance,
      jcmd: jcmd.path,
      jcmdFrom: jcmd.source,
    });
    return attached;
  }

  private probe(pid?: number) {
    return {
      targetExe: pid === undefined ? undefined : processExe(pid),
      javaHome: process.env.JAVA_HOME,
      pathEnv: process.env.PATH,
      isExecutable,
    };
  }

  private searchState(level: 'info' | 'warn', msg: string, fields: Record<string, unknown>): void {
    const state = `${msg} ${JSON.stringify(fields)}`;
    if (state !== this.lastSearchState) {
      this.lastSearchState = state;
      this.log[level](msg, fields);
    }
  }

  /** A periodic or --once thread dump in each configured form; false when one failed (logged). */
  private async captureThreadDumps(jvm: Attached, trigger: Trigger, stop: AbortSignal): Promise<boolean> {
    let ok = true;
    for (const form of dumpForms(this.config.threadDumpFormat, jvm.jsonRefused)) {
      try {
        await this.threadDumpOrThrow(jvm, form, jsonFallback(this.config.threadDumpFormat), trigger, stop);
      } catch (err) {
        this.log.warn('thread dump failed; retrying next tick', {
          pid: jvm.pid,
          trigger,
          format: form,
          error: errorText(err),
        });
        ok = false;
      }
    }
    return ok;
  }

  /** A periodic or --once heap histogram; false when it failed (logged). */
  private async captureHistogram(jvm: Attached, trigger: Trigger, stop: AbortSignal): Promise<boolean> {
    try {
      await this.histogramOrThrow(jvm, trigger, stop);
      return true;
    } catch (err) {
      this.log.warn('heap histogram failed; retrying next tick', { pid: jvm.pid, trigger, error: errorText(err) });
      return false;
    }
  }

  /**
   * Captures and uploads one thread dump; the new id. A JVM without JSON dumps (older than JDK 21)
   * is remembered and warned about once, and gets `fallback` instead: a text dump, or nothing
   * (undefined) when the caller takes a text dump anyway.
   */
  private async threadDumpOrThrow(
    jvm: Attached,
    form: DumpForm,
    fallback: DumpForm | undefined,
    trigger: Trigger,
    stop: AbortSignal
  ): Promise<string | undefined> {
    const run: RunJcmd = (command) => this.jcmd(jvm, command, stop);
    if (form === 'text') {
      return this.upload(jvm, 'text', trigger, async () => {
        const dump = await textThreadDump(run, jvm.pid, !jvm.jsonRefused);
        if (dump.refused !== undefined) {
          jvm.jsonRefused = true;
          this.log.info('Thread.dump_to_file needs JDK 21+; text thread dumps of this JVM list no virtual threads', {
            pid: jvm.pid,
            instance: jvm.instance,
            error: errorText(dump.refused),
          });
        }
        return dump.body;
      });
    }
    try {
      return await this.upload(jvm, 'json', trigger, () => dumpToFileJson(run, jvm.pid));
    } catch (err) {
      if (!isUnknownCommand(err)) {
        throw err;
      }
      jvm.jsonRefused = true;
      this.log.warn(
        'JSON thread dumps need JDK 21+ and this JVM does not have them; taking text thread dumps instead',
        {
          pid: jvm.pid,
          instance: jvm.instance,
          threadDumpFormat: this.config.threadDumpFormat,
          error: errorText(err),
        }
      );
      return fallback && this.threadDumpOrThrow(jvm, fallback, undefined, trigger, stop);
    }
  }

  private histogramOrThrow(jvm: Attached, trigger: Trigger, stop: AbortSignal): Promise<string> {
    return this.upload(jvm, 'histogram', trigger, () => this.jcmd(jvm, ['GC.class_histogram'], stop));
  }

  private jcmd(jvm: Attached, command: string[], stop: AbortSignal): Promise<string> {
    return runJcmd(jvm.jcmd.path, [String(jvm.pid), ...command], this.config.jcmdTimeoutMs, stop);
  }

  /** Runs one capture and uploads it, logging how long each took; the new id. */
  private async upload(
    jvm: Attached,
    what: DumpForm | 'histogram',
    trigger: Trigger,
    capture: () => Promise<string>
  ): Promise<string> {
    const { config, client, log } = this;
    const started = Date.now();
    const body = await capture();
    const jcmdMs = Date.now() - started;
    const fields = { pid: jvm.pid, instance: jvm.instance, trigger, bytes: Buffer.byteLength(body), jcmdMs };
    if (what === 'histogram') {
      const created = await client.uploadHeapHistogram(config.service, jvm.instance, body);
      log.info('heap histogram uploaded', { ...fields, id: created.id, uploadMs: Date.now() - started - jcmdMs });
      return created.id;
    }
    const created = await client.uploadThreadDump(config.service, jvm.instance, body, what);
    log.info('thread dump uploaded', {
      ...fields,
      format: what,
      id: created.id,
      threads: created.summary.total,
      virtualThreads: created.summary.virtual,
      deadlockedThreads: created.summary.deadlockedThreads,
      uploadMs: Date.now() - started - jcmdMs,
    });
    return created.id;
  }

  /** An on-demand capture: a thread dump in the first configured form (text when JSON is refused). */
  private async requestedOrThrow(jvm: Attached, kind: JvmRequestKind, stop: AbortSignal): Promise<string> {
    if (kind === 'heaphistogram') {
      return this.histogramOrThrow(jvm, 'request', stop);
    }
    if (kind === 'hostsnapshot') {
      // Host snapshot requests are filed under the host (HostSnapshotter), never under a JVM.
      throw new Error('a JVM agent takes thread dumps and heap histograms, not host snapshots');
    }
    const form = onDemandForm(this.config.threadDumpFormat, jvm.jsonRefused);
    // Always 'text' to fall back to: a request has to be answered with a dump.
    const id = await this.threadDumpOrThrow(jvm, form, 'text', 'request', stop);
    if (id === undefined) {
      throw new Error('no thread dump was taken');
    }
    return id;
  }

  /** Fulfils this instance's pending on-demand requests, oldest first. */
  private async answerRequests(jvm: Attached, stop: AbortSignal): Promise<void> {
    const { config, client, log } = this;
    let pending: JvmRequest[];
    try {
      pending = await client.pendingRequests(config.service, jvm.instance);
    } catch (err) {
      const error = errorText(err);
      if (error !== this.lastPollError) {
        log.warn('could not fetch on-demand requests; retrying every poll, logging again when this changes', {
          error,
        });
      }
      this.lastPollError = error;
      return;
    }
    if (this.lastPollError !== undefined) {
      log.info('on-demand requests reachable again', { previousError: this.lastPollError });
      this.lastPollError = undefined;
    }
    for (const request of pending) {
      if (stop.aborted) {
        return;
      }
      try {
        const claimed = await client.claim(request.id);
        if (claimed === 'taken') {
          log.info('on-demand request already taken', { requestId: request.id });
          continue;
        }
        let outcome: { resultId: string } | { error: string };
        try {
          outcome = { resultId: await this.requestedOrThrow(jvm, request.kind, stop) };
        } catch (err) {
          outcome = { error: errorText(err) };
        }
        await client.result(request.id, outcome);
        log[('error' in outcome ? 'warn' : 'info') as 'info' | 'warn']('on-demand request answered', {
          requestId: request.id,
          kind: request.kind,
          ...outcome,
          msSinceRequested: Date.now() - request.requestedAt,
        });
      } catch (err) {
        log.warn('on-demand request failed; retrying next poll', { requestId: request.id, error: errorText(err) });
      }
    }
  }
}
