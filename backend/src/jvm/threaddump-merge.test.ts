import { readFileSync } from 'fs';
import { join } from 'path';
import { MERGED_THREAD_DUMP_TAG, type MergedThreadDumpUpload } from '@osprey/model';
import { analyzeThreadDump, parseThreadDump, ThreadDumpParseError } from '.';

const fixture = (path: string) => readFileSync(join(__dirname, '../../../test/fixtures/jvm', path), 'utf8');
const upload = (dumpToFile: string, threadPrint = fixture('jdk25/vt-jcmd-thread-print.txt')) =>
  JSON.stringify({ osprey: MERGED_THREAD_DUMP_TAG, threadPrint, dumpToFile } satisfies MergedThreadDumpUpload);

describe('merged upload: Thread.print -l plus Thread.dump_to_file of one Temurin 25 JVM (VirtualWorkload)', () => {
  const print = analyzeThreadDump(parseThreadDump(fixture('jdk25/vt-jcmd-thread-print.txt')));

  it.each(['vt-thread-dump.json', 'vt-thread-dump.txt'])('with the %s form', (file) => {
    const d = analyzeThreadDump(parseThreadDump(upload(fixture(`jdk25/${file}`))));
    expect(d.source).toBe('merged');
    // Thread.print lists no virtual thread; the merge adds exactly the workload's eight.
    expect(print.summary.virtual).toBe(0);
    expect(d.summary.virtual).toBe(8);
    expect(d.summary.total).toBe(print.summary.total + 8);
    // The platform threads are Thread.print's, with its owners and the JVM's own deadlock report.
    expect(d.jvmDeadlocks).toEqual(print.jvmDeadlocks);
    expect(d.deadlocks.map((x) => [x.kind, [...x.threads].sort()])).toEqual([
      ['monitor', ['left-locker', 'right-locker']],
    ]);
    expect(d.deadlocksAgree).toBe(true);
    const keeper = d.threads.find((t) => t.name === 'gate-keeper')!;
    expect(keeper.locksHeld.map((l) => l.className)).toEqual(['java.util.concurrent.locks.ReentrantLock$NonfairSync']);
    expect(d.threads.find((t) => t.name === 'left-locker')!.waitingOn?.owner).toBe('right-locker');
    // The carrier Thread.print names ("Carrying virtual thread #36") is there with its virtual thread.
    const carrier = d.threads.find((t) => t.carryingVirtualThread !== undefined)!;
    expect(d.threads.find((t) => t.id === carrier.carryingVirtualThread)?.name).toBe('vt-fifo-reader');
    expect(d.unparsed).toEqual([]);
  });

  it('takes the thread containers from the JSON form, for virtual and platform threads alike', () => {
    const d = parseThreadDump(upload(fixture('jdk25/vt-thread-dump.json')));
    const container = (name: string) => d.threads.find((t) => t.name === name)?.container;
    expect(container('vt-order-0')).toBe('java.util.concurrent.ThreadPerTaskExecutor@1cd7235a');
    expect(container('vt-sleeper-0')).toBe('<root>');
    expect(container('left-locker')).toBe('<root>');
    expect(
      d.containers?.find((c) => c.name.startsWith('java.util.concurrent.ThreadPerTaskExecutor'))?.threadCount
    ).toBe(2);
  });

  it('refuses a merged upload whose halves are not what they claim', () => {
    expect(() => parseThreadDump(upload('hello'))).toThrow(ThreadDumpParseError);
    expect(() => parseThreadDump(upload(upload('x')))).toThrow(/"dumpToFile" is no Thread.dump_to_file/);
    expect(() => parseThreadDump('{"osprey":"merged-thread-dump/9","threadPrint":"","dumpToFile":""}')).toThrow(
      /"osprey" must be "merged-thread-dump\/1"/
    );
    expect(() => parseThreadDump('{"osprey":"merged-thread-dump/1","threadPrint":1}')).toThrow(/must be strings/);
  });
});
