import type { ThreadDumpFormat } from './args';
import { dumpForms, isUnknownCommand, jsonFallback, onDemandForm } from './dumpformat';
import { JcmdError } from './jcmd';

describe('dumpForms and onDemandForm', () => {
  it.each<[ThreadDumpFormat, boolean, string[], string]>([
    ['text', false, ['text'], 'text'],
    ['text', true, ['text'], 'text'],
    ['json', false, ['json'], 'json'],
    ['json', true, ['text'], 'text'],
    ['both', false, ['text', 'json'], 'text'],
    ['both', true, ['text'], 'text'],
  ])('%s, JSON refused: %s → periodic %j, on demand %s', (configured, refused, periodic, onDemand) => {
    expect(dumpForms(configured, refused)).toEqual(periodic);
    expect(onDemandForm(configured, refused)).toBe(onDemand);
  });
});

describe('isUnknownCommand', () => {
  const jcmdFailure = (stdout: string, stderr: string) =>
    new JcmdError('jcmd 42 Thread.dump_to_file -format=json /tmp/x.json failed (exit 1)', {
      exitCode: 1,
      stdout,
      stderr,
    });

  it.each<[string, unknown, boolean]>([
    // Real: JDK 17's and Temurin 25's jcmd against a JDK 17 JVM print exactly this.
    [
      'real: JDK 17 JVM',
      jcmdFailure('27078:\n', 'java.lang.IllegalArgumentException: Unknown diagnostic command'),
      true,
    ],
    ['on stdout (some JDKs print the exception there)', jcmdFailure('12:\nUnknown diagnostic command\n', ''), true],
    [
      'real: the JVM is gone',
      jcmdFailure(
        '999999:\n',
        'java.io.IOException: No such process\n\tat jdk.attach/sun.tools.attach.X(Native Method)\n'
      ),
      false,
    ],
    [
      'a timeout',
      new JcmdError('jcmd 42 Thread.dump_to_file took longer than 300 ms; killed', { signal: 'SIGKILL' }),
      false,
    ],
    ['not a jcmd failure, even with the words in it', new Error('Unknown diagnostic command'), false],
    ['not an error at all', 'Unknown diagnostic command', false],
  ])('%s → %s', (_name, err, expected) => {
    expect(isUnknownCommand(err)).toBe(expected);
  });
});

describe('jsonFallback', () => {
  it.each<[ThreadDumpFormat, string | undefined]>([
    ['json', 'text'],
    ['both', undefined],
  ])('%s → %s', (configured, expected) => {
    expect(jsonFallback(configured)).toBe(expected);
  });
});
