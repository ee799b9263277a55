import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { MERGED_THREAD_DUMP_TAG, type MergedThreadDumpUpload } from '@osprey/model';

import { isUnknownCommand } from './dumpformat';
import { JcmdError, jcmdFailureSummary } from './jcmd';

/** Runs one jcmd command against the attached JVM and answers its stdout. */
export type RunJcmd = (command: string[]) => Promise<string>;

/**
 * `jcmd Thread.dump_to_file -format=json`: the JVM writes the file itself, and will not replace
 * one (it says so and exits 0), so the path is new each time; deleted once read.
 */
export async function dumpToFileJson(jcmd: RunJcmd, pid: number): Promise<string> {
  const file = path.join(tmpdir(), `osprey-threaddump-${pid}-${randomUUID()}.json`);
  try {
    const said = await jcmd(['Thread.dump_to_file', '-format=json', file]);
    try {
      return await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw err;
      }
      throw new JcmdError(`jcmd ${pid} Thread.dump_to_file wrote no ${file}: ${jcmdFailureSummary(said, '')}`, {
        stdout: said,
      });
    }
  } finally {
    await rm(file, { force: true });
  }
}

/**
 * A text thread dump: `Thread.print -l` (lock owners, ownable synchronizers, the JVM's deadlock
 * report), and where the JVM has Thread.dump_to_file (JDK 21+) its JSON dump taken right after, sent
 * together so the backend adds the virtual threads Thread.print never lists. `dumpToFile: false`
 * means the JVM refused that command before: Thread.print alone, as the JVM is older than JDK 21.
 * `refused` is set when it refuses now.
 */
export async function textThreadDump(
  jcmd: RunJcmd,
  pid: number,
  dumpToFile: boolean
): Promise<{ body: string; refused?: unknown }> {
  const threadPrint = await jcmd(['Thread.print', '-l']);
  if (!dumpToFile) {
    return { body: threadPrint };
  }
  try {
    const upload: MergedThreadDumpUpload = {
      osprey: MERGED_THREAD_DUMP_TAG,
      threadPrint,
      dumpToFile: await dumpToFileJson(jcmd, pid),
    };
    return { body: JSON.stringify(upload) };
  } catch (err) {
    if (!isUnknownCommand(err)) {
      throw err;
    }
    return { body: threadPrint, refused: err };
  }
}
