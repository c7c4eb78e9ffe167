import type { Result } from './result';

/** What every decoder returns: a value, or one line saying what is wrong with the input. Decoders never throw. */
export type DecodeResult<T> = Result<T>;

export function decoded<T>(value: T): DecodeResult<T> {
  return { ok: true, value };
}

export function decodeError<T = never>(error: string): DecodeResult<T> {
  return { ok: false, error };
}
