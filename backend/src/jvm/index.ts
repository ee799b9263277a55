/**
 * JVM diagnostics, pure: parse thread dumps (jstack / jcmd Thread.print text, jcmd JSON) and class
 * histograms, analyse a dump (lock owners, deadlocks, identical stacks, top CPU), compare two dumps
 * or two histograms, and count frames across a series (SFA). No I/O here; routes and the store call
 * these. `JvmParseError` (and its subclasses) means "this body is not what it claims" → HTTP 400.
 *
 *   const dump = analyzeThreadDump(parseThreadDump(body)); // → AnalyzedThreadDump, `summary` for 201
 */
import type { ThreadDump } from '@osprey/model';
import { ThreadDumpParseError } from './errors';
import { parseThreadDumpJson } from './threaddump-json';
import { parseThreadDumpText } from './threaddump-text';

export {
  analyzeThreadDump,
  findDeadlocks,
  groupStacks,
  resolveOwners,
  sameDeadlocks,
  summarize,
  topCpuThreads,
} from './analyze';
export { diffThreadDumps } from './diff';
export { stackFrameFrequency, type FrameFrequencyOptions } from './sfa';
export { HistogramParseError, JvmParseError, ThreadDumpParseError } from './errors';
export { diffHistograms, parseClassHistogram } from './histogram';
export { parseThreadDumpJson } from './threaddump-json';
export { parseThreadDumpText, parseThreadHeader } from './threaddump-text';

/** A thread dump in either form an upload may carry: jcmd JSON (starts with `{`) or jstack/jcmd text. */
export function parseThreadDump(body: string): ThreadDump {
  const start = body.trimStart();
  if (start === '') {
    throw new ThreadDumpParseError('not a thread dump: the body is empty');
  }
  return start.startsWith('{') ? parseThreadDumpJson(body) : parseThreadDumpText(body);
}
