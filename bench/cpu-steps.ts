/**
 * CPU per ingest step from a V8 `.cpuprofile` of the server's main thread (node --cpu-prof).
 * A sample counts for the step of the nearest frame that is Osprey's or a dependency's: time in
 * Node's internals (Buffer, streams, fs bindings) or in native code is charged to whoever called it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { url: string; functionName: string };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Steps in the order a span meets them; the first whose pattern matches a frame's URL wins. */
const STEPS: Array<[string, RegExp]> = [
  ['HTTP + Fastify (body, routing, reply)', /\/(fastify|@fastify|find-my-way|avvio|light-my-request|pino[^/]*)\//],
  ['OTLP decode (trace-reader)', /\/ingest\/otlp\//],
  ['ingest routes + writer', /\/ingest\//],
  ['ingest log (frame, CRC, append)', /\/store\/shared\/(ingest-log|record)|\/crc-32\//],
  ['derive transactions', /\/derive\//],
  ['store load (DuckDB appends)', /\/store\/|\/@duckdb\//],
  ['/metrics counters', /\/metrics\/|\/prom-client\//],
];

const OTHER_JS = 'other JS';
const GC = '(garbage collector)';

function ownStep(node: ProfileNode): string | undefined {
  const { url, functionName } = node.callFrame;
  if (functionName === GC) {
    return 'garbage collector';
  }
  if (url === '' || url.startsWith('node:')) {
    return undefined;
  }
  return STEPS.find(([, pattern]) => pattern.test(url))?.[0] ?? OTHER_JS;
}

/** Milliseconds of main-thread CPU per step, idle excluded; 'unattributed' is native time no JS frame called. */
export function stepMilliseconds(profile: CpuProfile): Map<string, number> {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) {
      parent.set(child, node.id);
    }
  }
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const stepOf = new Map<number, string>();
  const resolve = (id: number): string => {
    const known = stepOf.get(id);
    if (known !== undefined) {
      return known;
    }
    const node = byId.get(id)!;
    const up = parent.get(id);
    const step = ownStep(node) ?? (up === undefined ? 'unattributed' : resolve(up));
    stepOf.set(id, step);
    return step;
  };
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    if (byId.get(id)!.callFrame.functionName === '(idle)') {
      return;
    }
    const step = resolve(id);
    totals.set(step, (totals.get(step) ?? 0) + profile.timeDeltas[i] / 1000);
  });
  return totals;
}

/** The step totals of every profile a process wrote into `dir` (one per thread that ran JS). */
export function profileDirSteps(dir: string): Map<string, number> {
  const totals = new Map<string, number>();
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as CpuProfile;
    for (const [step, ms] of stepMilliseconds(profile)) {
      totals.set(step, (totals.get(step) ?? 0) + ms);
    }
  }
  return totals;
}
