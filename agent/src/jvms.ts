/** One line of `jcmd -l`: a JVM's process id and what it runs (main class or jar, then its arguments). */
export interface JvmProcess {
  pid: number;
  /** Main class or jar path followed by the program arguments; empty when the JVM did not say. */
  displayName: string;
}

/**
 * Parses `jcmd -l` output. Every JVM is one `<pid> <main class or jar> [args]` line; a bare `<pid>`
 * when the JVM's main class is unknown. Lines that are not such (warnings, an attach error's stack
 * trace on a JDK that prints it to stdout) are skipped. jcmd lists itself; that line is dropped.
 */
export function parseJcmdList(text: string): JvmProcess[] {
  const jvms: JvmProcess[] = [];
  for (const line of text.split(/\r?\n/)) {
    const match = /^(\d+)(?:\s+(.*))?$/.exec(line.trim());
    if (!match) {
      continue;
    }
    const displayName = (match[2] ?? '').trim();
    if (/(^|\/)sun\.tools\.jcmd\.JCmd(\s|$)/.test(displayName)) {
      continue;
    }
    jvms.push({ pid: Number(match[1]), displayName });
  }
  return jvms;
}

export type MatchResult =
  { kind: 'found'; jvm: JvmProcess } | { kind: 'none' } | { kind: 'ambiguous'; jvms: JvmProcess[] };

/**
 * Picks the JVM whose display name contains `text` (case-sensitive, like a class name). Several
 * matches are ambiguous rather than "take the first": dumps filed under the wrong JVM mislead
 * whoever reads them, so the caller asks for a more specific --match or a --pid instead.
 */
export function matchJvm(jvms: JvmProcess[], text: string): MatchResult {
  const found = jvms.filter((jvm) => jvm.displayName.includes(text));
  if (found.length === 0) {
    return { kind: 'none' };
  }
  return found.length === 1 ? { kind: 'found', jvm: found[0] } : { kind: 'ambiguous', jvms: found };
}
