import type { ThreadDumpFormat } from './args';
import { JcmdError } from './jcmd';

/** One form of thread dump as uploaded: Thread.print text or Thread.dump_to_file JSON. */
export type DumpForm = 'text' | 'json';

/**
 * The forms a periodic capture uploads, in order. Text comes first under `both`: it is the one
 * with lock owners and deadlocks, so it is what an on-demand request gets. Once the JVM has
 * refused the JSON command (older than JDK 21) only text is left.
 */
export function dumpForms(configured: ThreadDumpFormat, jsonRefused: boolean): DumpForm[] {
  if (configured === 'text' || (jsonRefused && configured === 'json')) {
    return ['text'];
  }
  if (configured === 'json') {
    return ['json'];
  }
  return jsonRefused ? ['text'] : ['text', 'json'];
}

/** The form an on-demand 'threaddump' request gets: the first configured one. */
export function onDemandForm(configured: ThreadDumpFormat, jsonRefused: boolean): DumpForm {
  return dumpForms(configured, jsonRefused)[0];
}

/**
 * True when jcmd failed because the target JVM does not know the command: Thread.dump_to_file
 * came with JDK 21, and older JVMs answer `java.lang.IllegalArgumentException: Unknown diagnostic
 * command` (whichever JDK's jcmd asks). Anything else (JVM gone, timeout) is an ordinary failure.
 */
export function isUnknownCommand(err: unknown): boolean {
  if (!(err instanceof JcmdError)) {
    return false;
  }
  return /Unknown diagnostic command/.test(`${err.detail.stderr ?? ''}\n${err.detail.stdout ?? ''}`);
}

/**
 * What a JSON capture the JVM refused turns into: a text dump when JSON was the only form asked
 * for, nothing under `both` (its text dump is taken anyway, and twice would double the history).
 */
export function jsonFallback(configured: ThreadDumpFormat): DumpForm | undefined {
  return configured === 'both' ? undefined : 'text';
}
