import type { FrameFrequency, JvmThreadState, StackFrameFrequency, ThreadDump } from '@osprey/model';

export interface FrameFrequencyOptions {
  /** Only threads in these states (e.g. RUNNABLE to see where CPU goes). Default: all. */
  states?: JvmThreadState[];
  /** At most this many frames, most frequent first. Default 100. */
  limit?: number;
}

/**
 * Scouter's SFA: how often each frame appears across a series of dumps, counting a frame once per
 * thread sample, so a recursive frame does not outweigh a frame that many threads sit in.
 */
export function stackFrameFrequency(dumps: ThreadDump[], options: FrameFrequencyOptions = {}): StackFrameFrequency {
  const states = options.states ? new Set(options.states) : undefined;
  const acc = new Map<
    string,
    { count: number; topCount: number; threads: Set<string>; lastDump: number; dumps: number }
  >();
  let threadSamples = 0;
  dumps.forEach((dump, di) => {
    for (const t of dump.threads) {
      if (t.stack.length === 0 || (states && !states.has(t.state))) {
        continue;
      }
      threadSamples++;
      const seen = new Set<string>();
      t.stack.forEach((frame, depth) => {
        if (seen.has(frame)) {
          return;
        }
        seen.add(frame);
        let f = acc.get(frame);
        if (!f) {
          f = { count: 0, topCount: 0, threads: new Set(), lastDump: -1, dumps: 0 };
          acc.set(frame, f);
        }
        f.count++;
        f.topCount += depth === 0 ? 1 : 0;
        f.threads.add(t.name);
        if (f.lastDump !== di) {
          f.lastDump = di;
          f.dumps++;
        }
      });
    }
  });
  const frames: FrameFrequency[] = [...acc.entries()]
    .map(([frame, f]) => ({ frame, count: f.count, topCount: f.topCount, threads: f.threads.size, dumps: f.dumps }))
    .sort((a, b) => b.count - a.count || b.topCount - a.topCount || a.frame.localeCompare(b.frame))
    .slice(0, options.limit ?? 100);
  return { dumps: dumps.length, threadSamples, frames };
}
