import { OPEN_FILES_LISTED, TCP_STATES } from '@osprey/model';

/**
 * JSON route schemas of the host API (Fastify validates with them before a handler runs, so a
 * malformed snapshot is a 400 naming the field and nothing is stored). The shape is model's
 * HostSnapshot; a limit on every array keeps one upload bounded beside the body size cap.
 */

const count = { type: 'integer', minimum: 0 } as const;
const bytes = { type: 'number', minimum: 0 } as const;
const text = { type: 'string', maxLength: 65_536 } as const;
const name = { type: 'string', minLength: 1, maxLength: 256 } as const;
const tcpState = { type: 'string', enum: TCP_STATES } as const;
const object = (properties: Record<string, unknown>, optional: string[] = []) => ({
  type: 'object',
  additionalProperties: false,
  required: Object.keys(properties).filter((k) => !optional.includes(k)),
  properties,
});

const processSchema = object(
  {
    pid: count,
    ppid: count,
    user: name,
    uid: count,
    state: { type: 'string', minLength: 1, maxLength: 2 },
    cpuMs: bytes,
    cpuPercent: bytes,
    rssBytes: bytes,
    threads: count,
    startTime: bytes,
    name: { type: 'string', maxLength: 256 },
    cmdline: text,
    fds: object({ total: count, files: count, sockets: count, pipes: count, other: count }),
    fdLimit: count,
    openFiles: { type: 'array', maxItems: OPEN_FILES_LISTED, items: { type: 'string', maxLength: 4096 } },
  },
  ['fds', 'fdLimit', 'openFiles']
);

export const hostSnapshotBody = object(
  {
    host: name,
    takenAt: { type: 'number', minimum: 1 },
    kernel: { type: 'string', maxLength: 256 },
    bootTime: bytes,
    cpus: { type: 'integer', minimum: 1 },
    load: object({ one: bytes, five: bytes, fifteen: bytes, runnable: count, threads: count }),
    memory: object({
      totalBytes: bytes,
      freeBytes: bytes,
      availableBytes: bytes,
      buffersBytes: bytes,
      cachedBytes: bytes,
      swapTotalBytes: bytes,
      swapFreeBytes: bytes,
    }),
    files: object({ allocated: count, max: count }),
    disks: {
      type: 'array',
      maxItems: 1000,
      items: object({
        mount: text,
        device: text,
        fsType: name,
        totalBytes: bytes,
        freeBytes: bytes,
        availableBytes: bytes,
      }),
    },
    processes: { type: 'array', maxItems: 100_000, items: processSchema },
    tcp: object({
      states: {
        type: 'object',
        additionalProperties: false,
        properties: Object.fromEntries(TCP_STATES.map((s) => [s, count])),
      },
      listening: {
        type: 'array',
        maxItems: 100_000,
        items: object({ address: name, port: count, pids: { type: 'array', items: count, maxItems: 10_000 } }),
      },
      byLocalPort: { type: 'array', maxItems: 1_000_000, items: object({ port: count, state: tcpState, count }) },
      byRemote: { type: 'array', maxItems: 1_000_000, items: object({ remote: name, state: tcpState, count }) },
    }),
  },
  ['kernel']
);

const id = { type: 'string', minLength: 1, maxLength: 64 } as const;

export const listQuery = object(
  {
    host: name,
    from: { type: 'number' },
    to: { type: 'number' },
    limit: { type: 'integer', minimum: 1, maximum: 10_000 },
  },
  ['host', 'from', 'to', 'limit']
);
export const oneParams = object({ id });
export const latestQuery = object({ host: name }, ['host']);
export const compareParams = object({ a: id, b: id });
