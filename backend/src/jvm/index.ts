/**
 * JVM diagnostics, pure: parse thread dumps (jstack / jcmd Thread.print text, jcmd JSON) and class
 * histograms, analyse a dump (lock owners, deadlocks, identical stacks, top CPU), compare two dumps
 * or two histograms, and count frames across a series (SFA). No I/O here; routes and the store call
 * these. `JvmParseError` (and its subclasses) means "this body is not what it claims" → HTTP 400.
 *
 *   const dump = analyzeThreadDump(parseThreadDump(body)); // → AnalyzedThreadDump, `summary` for 201
 */
import type { ThreadDump } from '@osprey/model';
import { ThreadDumpParseError, preview } from './errors';
import { parseThreadDumpJson } from './threaddump-json';
import { isMergedUpload, mergeThreadDumps, mergedUploadParts } from './threaddump-merge';
import { parseThreadDumpText } from './threaddump-text';
import { parseThreadDumpToFileText, toFileHeader } from './threaddump-tofile';

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
export { mergeThreadDumps } from './threaddump-merge';
export { parseThreadHeader } from './threaddump-lines';
export { parseThreadDumpText } from './threaddump-text';
export { parseThreadDumpToFileText } from './threaddump-tofile';

/**
 * A thread dump in any form an upload may carry: jcmd JSON (starts with `{`), the agent's merged
 * upload (`{"osprey":…`), Thread.dump_to_file text (starts with the pid on a line of its own) or
 * jstack / Thread.print text.
 */
export function parseThreadDump(body: string): ThreadDump {
  const start = body.trimStart();
  if (start === '') {
    throw new ThreadDumpParseError('not a thread dump: the body is empty');
  }
  if (isMergedUpload(start)) {
    const parts = mergedUploadParts(start);
    return mergeThreadDumps(parseThreadDumpText(parts.threadPrint), parseDumpToFile(parts.dumpToFile));
  }
  if (start.startsWith('{')) {
    return parseThreadDumpJson(body);
  }
  return toFileHeader(start.split('\n', 3)) ? parseThreadDumpToFileText(start) : parseThreadDumpText(body);
}

/** The dump_to_file half of a merged upload: its JSON or its text form, nothing else. */
function parseDumpToFile(text: string): ThreadDump {
  const start = text.trimStart();
  if (start.startsWith('{') && !isMergedUpload(start)) {
    return parseThreadDumpJson(start);
  }
  if (toFileHeader(start.split('\n', 3))) {
    return parseThreadDumpToFileText(start);
  }
  throw new ThreadDumpParseError(
    `not a merged thread dump upload: "dumpToFile" is no Thread.dump_to_file JSON or text (starts with ${preview(text)})`
  );
}
