/**
 * Frames for the panel's tests, made the way production makes them: the backend's parser and analysis
 * on the real JVM fixtures, then the datasource's frame builders.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { DataFrame } from '@grafana/data';

import { diffThreadDumps, parseThreadDump } from '../../../backend/src/jvm';
import { analyzeThreadDump } from '../../../backend/src/jvm/analyze';
import { threadDumpDiffToFrame, threadDumpToFrame } from '../../../datasource/src/jvm/frames';

const fixture = (name: string) => readFileSync(path.join(__dirname, '../../../test/fixtures/jvm', name), 'utf8');

export function dumpFrame(name = 'jdk17/jstack-l.txt'): DataFrame {
  const dump = analyzeThreadDump(parseThreadDump(fixture(name)));
  return threadDumpToFrame('A', {
    ...dump,
    id: 'td-1',
    service: 'shop',
    instance: 'shop-1',
    takenAt: dump.takenAt ?? 0,
  });
}

export function diffFrame(): DataFrame {
  const a = parseThreadDump(fixture('jdk17/lock-jstack-l.txt'));
  const b = parseThreadDump(fixture('jdk17/lock-jcmd-thread-print.txt'));
  return threadDumpDiffToFrame('A', diffThreadDumps(a, b), {
    a: 'td-a',
    b: 'td-b',
    service: 'lock',
    instance: 'lock-1',
  });
}
