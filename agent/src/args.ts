import { hostname } from 'node:os';
import { parseArgs } from 'node:util';

import { DurationError, parseDuration } from './duration';

/** Which JVM to watch: one process id, or whichever JVM `jcmd -l` lists with this text in its main class/jar and arguments. */
export type Target = { pid: number } | { match: string };

/** Thread dump forms to capture: jcmd Thread.print text, Thread.dump_to_file JSON (JDK 21+), or both. */
export const THREAD_DUMP_FORMATS = ['text', 'json', 'both'] as const;
export type ThreadDumpFormat = (typeof THREAD_DUMP_FORMATS)[number];

export interface AgentConfig {
  /** Osprey backend base URL without a trailing slash. */
  backend: string;
  token: string;
  service: string;
  /** Fixed instance name; unset → `<hostname>:<pid of the JVM>` once attached. */
  instance?: string;
  target: Target;
  intervalMs: number;
  heapIntervalMs: number;
  pollMs: number;
  jcmdTimeoutMs: number;
  threadDumpFormat: ThreadDumpFormat;
  /** Explicit jcmd path (`--jcmd`); unset → resolved next to the target JVM (see resolveJcmd). */
  jcmd?: string;
  once: boolean;
}

/** Host snapshots from /proc: every `intervalMs` and on request, filed under `host`. */
export interface HostAgentConfig {
  backend: string;
  token: string;
  host: string;
  intervalMs: number;
  pollMs: number;
  once: boolean;
}

/** `config` watches a JVM (--pid / --match), `host` snapshots the host (--host-interval); one or both. */
export type ParsedArgs = { kind: 'help' } | { kind: 'run'; config?: AgentConfig; host?: HostAgentConfig };

/** A command line the agent cannot run with; the CLI prints it with the usage and exits 2. */
export class ArgsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArgsError';
  }
}

export const USAGE = `Usage: osprey-agent --backend URL [--service NAME (--pid PID | --match TEXT)] [--host-interval DUR] [options]
       (osprey-jvm-agent is the same command)

Runs the JDK's own jcmd against one JVM: a thread dump (Thread.print -l) every --interval and a
heap histogram (GC.class_histogram) every --heap-interval, uploaded to the Osprey backend; and
answers on-demand capture requests made from Grafana within seconds. With --host-interval it also
(or, without --pid/--match, only) uploads a snapshot of this Linux host read from /proc: processes,
TCP connections, open files, load, memory, disks.

  --backend URL          Osprey backend, e.g. http://osprey:4318 (required)
  --token TOKEN          ingest token (default: $OSPREY_INGEST_TOKEN)
  --service NAME         service name the dumps are filed under (required)
  --instance NAME        instance name (default: <hostname>:<pid of the JVM>)
  --pid PID              watch this JVM; the agent exits 3 when it is gone
  --match TEXT           watch the JVM whose 'jcmd -l' line (main class or jar, arguments) contains
                         TEXT; when it is gone the agent keeps looking for the next one
  --interval DURATION    thread dump every DURATION (default 30s)
  --heap-interval DUR    heap histogram every DUR (default 5m; note: it runs a full GC)
  --poll DURATION        check for on-demand requests every DURATION (default 2s)
  --jcmd PATH            jcmd to run (default: the jcmd beside the target JVM's java, then
                         $JAVA_HOME/bin/jcmd, then jcmd on PATH)
  --jcmd-timeout DUR     give up on one jcmd run after DUR (default 30s)
  --thread-dump-format F text (Thread.print -l: lock owners, deadlocks), json (Thread.dump_to_file,
                         JDK 21+: virtual threads; older JVMs fall back to text) or both
                         (default text); on-demand requests get the first of these
  --host-interval DUR    host snapshot every DUR, and on request (default: no host snapshots)
  --host NAME            host name the snapshots are filed under (default: the hostname)
  --once                 upload one thread dump and one heap histogram (and host snapshot), then exit
  --help                 show this help

Durations: 500ms, 30s, 5m, 1h.`;

const OPTIONS = {
  backend: { type: 'string' },
  token: { type: 'string' },
  service: { type: 'string' },
  instance: { type: 'string' },
  pid: { type: 'string' },
  match: { type: 'string' },
  interval: { type: 'string', default: '30s' },
  'heap-interval': { type: 'string', default: '5m' },
  poll: { type: 'string', default: '2s' },
  jcmd: { type: 'string' },
  'jcmd-timeout': { type: 'string', default: '30s' },
  'thread-dump-format': { type: 'string', default: 'text' },
  'host-interval': { type: 'string' },
  host: { type: 'string' },
  once: { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
} as const;

function duration(flag: string, value: string): number {
  try {
    return parseDuration(value);
  } catch (err) {
    if (err instanceof DurationError) {
      throw new ArgsError(`--${flag}: ${err.message}`);
    }
    throw err;
  }
}

function required(flag: string, value: string | undefined): string {
  if (value === undefined || value.trim() === '') {
    throw new ArgsError(`--${flag} is required`);
  }
  return value.trim();
}

function backendUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ArgsError(`--backend: "${value}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ArgsError(`--backend: "${value}" must be an http or https URL`);
  }
  return url.href.replace(/\/+$/, '');
}

function target(pid: string | undefined, match: string | undefined): Target {
  if (pid !== undefined && match !== undefined) {
    throw new ArgsError('give either --pid or --match, not both');
  }
  if (pid !== undefined) {
    if (!/^\d+$/.test(pid) || Number(pid) < 1) {
      throw new ArgsError(`--pid: "${pid}" is not a process id`);
    }
    return { pid: Number(pid) };
  }
  if (match !== undefined && match.trim() !== '') {
    return { match: match.trim() };
  }
  throw new ArgsError('one of --pid or --match (or --host-interval alone) is required');
}

function threadDumpFormat(value: string): ThreadDumpFormat {
  const format = THREAD_DUMP_FORMATS.find((f) => f === value);
  if (!format) {
    throw new ArgsError(`--thread-dump-format: "${value}" is not one of ${THREAD_DUMP_FORMATS.join(', ')}`);
  }
  return format;
}

/** Turns the command line (without node and the script) and environment into a config, or throws ArgsError. */
export function parseAgentArgs(argv: string[], env: NodeJS.ProcessEnv): ParsedArgs {
  let values: ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS; strict: true }>>['values'];
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new ArgsError((err as Error).message);
  }
  if (values.help) {
    return { kind: 'help' };
  }
  const token = values.token ?? env.OSPREY_INGEST_TOKEN;
  if (token === undefined || token === '') {
    throw new ArgsError('--token (or the OSPREY_INGEST_TOKEN environment variable) is required');
  }
  const instance = values.instance?.trim();
  if (values.instance !== undefined && !instance) {
    throw new ArgsError('--instance must not be empty');
  }
  const backend = backendUrl(required('backend', values.backend));
  const host = hostConfig(values['host-interval'], values.host, { backend, token, once: values.once }, values.poll);
  if (host && values.pid === undefined && values.match === undefined) {
    return { kind: 'run', host };
  }
  return {
    kind: 'run',
    ...(host ? { host } : {}),
    config: {
      backend,
      token,
      service: required('service', values.service),
      instance,
      target: target(values.pid, values.match),
      intervalMs: duration('interval', values.interval),
      heapIntervalMs: duration('heap-interval', values['heap-interval']),
      pollMs: duration('poll', values.poll),
      jcmdTimeoutMs: duration('jcmd-timeout', values['jcmd-timeout']),
      threadDumpFormat: threadDumpFormat(values['thread-dump-format']),
      jcmd: values.jcmd,
      once: values.once,
    },
  };
}

function hostConfig(
  interval: string | undefined,
  host: string | undefined,
  common: { backend: string; token: string; once: boolean },
  poll: string
): HostAgentConfig | undefined {
  if (interval === undefined) {
    if (host !== undefined) {
      throw new ArgsError('--host needs --host-interval');
    }
    return undefined;
  }
  const name = (host ?? hostname()).trim();
  if (name === '') {
    throw new ArgsError('--host must not be empty');
  }
  return { ...common, host: name, intervalMs: duration('host-interval', interval), pollMs: duration('poll', poll) };
}
