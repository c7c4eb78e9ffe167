/**
 * The one result type of the project: a value, or why not. The error is a one-line reason a person can act
 * on unless a caller needs more (HiPay's sandbox answers with HiPay's error body). Functions that return it
 * never throw for bad input. @ecr/common re-exports it for the packages that do not import the protocol.
 */
export type Result<T, E = string> = { ok: true; value: T } | { ok: false; error: E };

export function ok<T>(value: T): Result<T, never> {
  return { ok: true, value };
}

export function fail<E = string>(error: E): Result<never, E> {
  return { ok: false, error };
}
