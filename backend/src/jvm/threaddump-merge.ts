import { MERGED_THREAD_DUMP_TAG, type JvmThread, type ThreadDump } from '@osprey/model';
import { resolveOwners } from './analyze';
import { ThreadDumpParseError } from './errors';

/**
 * One dump from a `Thread.print -l` (`print`) and a `Thread.dump_to_file` of the same JVM taken
 * right after (`full`). Thread.print is the base: its platform threads carry exact lock owners,
 * ownable synchronizers and the JVM's own deadlock report, which dump_to_file lacks. dump_to_file
 * adds what Thread.print never lists — the virtual threads — and the thread containers.
 *
 * The two forms name a lock differently (an address in Thread.print, `Class@identityHash` in
 * dump_to_file), so a virtual thread's lock owner is resolved inside `full`, where both ends use
 * the same ids, before it joins. Platform threads that started between the two captures are left
 * out: they were not there at Thread.print's moment.
 */
export function mergeThreadDumps(print: ThreadDump, full: ThreadDump): ThreadDump {
  const resolved = resolveOwners(full.threads);
  const printIds = new Set(print.threads.flatMap((t) => (t.id === undefined ? [] : [t.id])));
  const containerOf = new Map(
    resolved.flatMap((t) => (t.id !== undefined && t.container ? [[t.id, t.container]] : []))
  );
  const platform = print.threads.map((t): JvmThread => {
    const container = t.id === undefined ? undefined : containerOf.get(t.id);
    return container === undefined || t.container !== undefined ? t : { ...t, container };
  });
  const virtual = resolved.filter((t) => t.virtual && (t.id === undefined || !printIds.has(t.id)));
  const merged: ThreadDump = {
    ...print,
    source: 'merged',
    threads: [...platform, ...virtual],
    unparsed: [...print.unparsed, ...full.unparsed.map((u) => `dump_to_file ${u}`)],
  };
  if (full.containers) {
    merged.containers = full.containers;
  }
  if (merged.jvmVersion === undefined && full.jvmVersion !== undefined) {
    merged.jvmVersion = full.jvmVersion;
  }
  return merged;
}

/** True when a JSON body opens as the agent's merged upload (`{"osprey":"merged-thread-dump/1"`). */
export function isMergedUpload(start: string): boolean {
  return /^\{\s*"osprey"\s*:/.test(start.slice(0, 64));
}

/** The two texts of a merged upload; a 400-worthy error naming what is wrong. */
export function mergedUploadParts(body: string): { threadPrint: string; dumpToFile: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (err) {
    throw new ThreadDumpParseError(`not a merged thread dump upload: ${(err as Error).message}`);
  }
  const r = raw as Record<string, unknown>;
  if (r.osprey !== MERGED_THREAD_DUMP_TAG) {
    throw new ThreadDumpParseError(
      `not a merged thread dump upload: "osprey" must be "${MERGED_THREAD_DUMP_TAG}" (got ${JSON.stringify(r.osprey)})`
    );
  }
  if (typeof r.threadPrint !== 'string' || typeof r.dumpToFile !== 'string') {
    throw new ThreadDumpParseError('not a merged thread dump upload: "threadPrint" and "dumpToFile" must be strings');
  }
  return { threadPrint: r.threadPrint, dumpToFile: r.dumpToFile };
}
