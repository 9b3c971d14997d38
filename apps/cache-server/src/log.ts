/** LogFields are the structured values of one log line. */
export type LogFields = Record<string, string | number | boolean | undefined>;

/**
 * Logger writes one JSON object per line. Callers pass fields, never a
 * request's headers, so a token cannot reach the log by accident.
 */
export interface Logger {
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

/** createLogger writes lines through write (stdout in production). */
export function createLogger(
  write: (line: string) => void = (line) => process.stdout.write(line),
  now: () => Date = () => new Date(),
): Logger {
  const emit = (level: string, event: string, fields: LogFields = {}) =>
    write(
      `${JSON.stringify({ time: now().toISOString(), level, event, ...fields })}\n`,
    );
  return {
    info: (event, fields) => emit('info', event, fields),
    warn: (event, fields) => emit('warn', event, fields),
    error: (event, fields) => emit('error', event, fields),
  };
}
