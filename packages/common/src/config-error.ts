/**
 * A config.txt problem, told in one line that names the file, the line (or the environment variable), the key
 * and what was expected. Programs print the message and stop; no stack trace is meant for the technician.
 */
export class ConfigError extends Error {
  constructor(
    message: string,
    /** The key concerned, when there is one. */
    readonly key?: string,
    /** The line of config.txt, when the problem is on one. */
    readonly line?: number,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

const MAX_SHOWN = 60;

/**
 * A value as it may appear inside a one-line message: control characters escaped (a stray CR or NUL stays
 * visible and cannot break the line), long values shortened.
 */
export function showValue(value: string): string {
  const escaped = value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
  return escaped.length > MAX_SHOWN ? `${escaped.slice(0, MAX_SHOWN)}...` : escaped;
}
