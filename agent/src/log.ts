export type Level = 'debug' | 'info' | 'warn' | 'error';
export type Fields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
}

/** One log line: `{"ts":ISO time,"level","msg",...fields}`. Fields never overwrite the first three. */
export function formatLogLine(level: Level, msg: string, fields: Fields = {}, now = new Date()): string {
  const { ts: _ts, level: _level, msg: _msg, ...rest } = fields;
  return JSON.stringify({ ts: now.toISOString(), level, msg, ...rest });
}

/** JSON lines on stdout (or `write`), like the backend's pino logs, so one log pipeline reads both. */
export function createLogger(write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Logger {
  const at = (level: Level) => (msg: string, fields?: Fields) => write(formatLogLine(level, msg, fields));
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
