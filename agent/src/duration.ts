const UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Thrown for a duration that is not `<number><ms|s|m|h>`. */
export class DurationError extends Error {
  constructor(readonly input: string) {
    super(`"${input}" is not a duration (use e.g. 500ms, 30s, 5m, 1h)`);
    this.name = 'DurationError';
  }
}

/**
 * Parses `500ms`, `30s`, `1.5m`, `2h` into milliseconds. A unit is required: a bare number is
 * ambiguous (seconds? milliseconds?) and a wrong guess would hammer or starve the JVM.
 */
export function parseDuration(input: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(input.trim());
  if (!match) {
    throw new DurationError(input);
  }
  const ms = Math.round(Number(match[1]) * UNITS_MS[match[2]]);
  if (ms <= 0) {
    throw new DurationError(input);
  }
  return ms;
}

/** The shortest exact form for logs: 30000 → "30s", 1500 → "1500ms". */
export function formatDuration(ms: number): string {
  for (const unit of ['h', 'm', 's'] as const) {
    if (ms % UNITS_MS[unit] === 0) {
      return `${ms / UNITS_MS[unit]}${unit}`;
    }
  }
  return `${ms}ms`;
}
