/** A body that is not the JVM output it was sent as (ingest answers 400 with the message). */
export class JvmParseError extends Error {
  override readonly name: string = 'JvmParseError';
}

/** The body is not a thread dump at all. */
export class ThreadDumpParseError extends JvmParseError {
  override readonly name: string = 'ThreadDumpParseError';
}

/** The body is not a `GC.class_histogram` at all. */
export class HistogramParseError extends JvmParseError {
  override readonly name: string = 'HistogramParseError';
}

/** The first line of a body, quoted and cut short, so an error says what was received. */
export function preview(text: string): string {
  const firstLine = text.trimStart().split('\n', 1)[0]?.trimEnd() ?? '';
  return JSON.stringify(firstLine.length > 80 ? `${firstLine.slice(0, 80)}…` : firstLine);
}
