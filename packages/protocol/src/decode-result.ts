import type { Result } from './result';

export type { Result };

/** What every decoder returns is a Result: a value, or one line saying what is wrong with the input. Decoders never throw. */
export function decoded<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function decodeError<T = never>(error: string): Result<T> {
  return { ok: false, error };
}
