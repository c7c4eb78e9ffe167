/**
 * The one place where failures become HTTP answers. Every error body is the contract's
 * `[{"error":"..."}]` with a one-line message; a client's mistake is never a 500 and never a stack trace.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { CONNECTION_TIME_OUT, type ErrorCode } from '@ecr/common';
import type { Logger } from '@ecr/common';

export type ErrorBody = [{ error: string }];

/** Status of each ConnectorError code (design.md, "Errors"). */
export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  'bad-request': 400,
  busy: 409,
  'in-progress': 409,
  unsupported: 501,
  'terminal-timeout': 599,
  'not-connected': 599,
  'outcome-unknown': 599,
  'not-found': 404,
  unavailable: 503,
  internal: 500,
};

/** The contract's own wording for a terminal that does not answer. */
export const TERMINAL_TIMEOUT_MESSAGE = CONNECTION_TIME_OUT;

/** An answer decided by the HTTP layer itself (bad input, unsupported body...). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function errorBody(message: string): ErrorBody {
  return [{ error: oneLine(message) }];
}

/** Collapses whitespace (a message is one line) and bounds the length. */
export function oneLine(text: string, max = 500): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

interface CodedError {
  code: ErrorCode;
  message: string;
}

/** Duck-typed so an error from another copy of @ecr/common (dist vs src) is still recognised. */
function asConnectorError(err: unknown): CodedError | undefined {
  if (!(err instanceof Error) || err.name !== 'ConnectorError') return undefined;
  const code = (err as Partial<CodedError>).code;
  return typeof code === 'string' && Object.hasOwn(STATUS_BY_CODE, code) ? { code, message: err.message } : undefined;
}

/** body-parser's errors carry `type` and a 4xx `status`. */
interface ParserError {
  type: string;
  status: number;
  message: string;
}

function asParserError(err: unknown): ParserError | undefined {
  if (!(err instanceof Error)) return undefined;
  const { type, status } = err as Partial<ParserError>;
  return typeof type === 'string' && typeof status === 'number' ? { type, status, message: err.message } : undefined;
}

export interface Answer {
  status: number;
  message: string;
  headers?: Record<string, string>;
  /** For the log: the full error when it is our fault. */
  internal?: unknown;
}

/** Decides the status and message for any error that reached the error middleware. */
export function answerFor(err: unknown, bodyLimit: string): Answer {
  if (err instanceof HttpError) return { status: err.status, message: err.message, headers: err.headers };
  const coded = asConnectorError(err);
  if (coded) {
    const status = STATUS_BY_CODE[coded.code];
    const message = coded.code === 'terminal-timeout' ? TERMINAL_TIMEOUT_MESSAGE : coded.message;
    return status === 500 ? { status, message, internal: err } : { status, message };
  }
  const parser = asParserError(err);
  if (parser) {
    switch (parser.type) {
      case 'entity.parse.failed':
        return { status: 400, message: `malformed JSON body: ${parser.message}` };
      case 'entity.too.large':
        return { status: 413, message: `request body larger than ${bodyLimit}` };
      case 'parameters.too.many':
        return { status: 413, message: 'form body has too many fields (at most 1000)' };
      case 'querystring.parse.rangeError':
        return { status: 400, message: 'form body nests fields deeper than 32 levels' };
      case 'charset.unsupported':
      case 'encoding.unsupported':
        return { status: 415, message: `${parser.message}; send UTF-8 JSON or a form body` };
      default:
        if (parser.status >= 400 && parser.status < 500) return { status: parser.status, message: `bad request body: ${parser.message}` };
    }
  }
  // Any other error that says it is the client's (a bad percent-encoding in a path, a body that claims a
  // compression it does not have): the client's status, never a 500.
  const status = (err as { status?: unknown; statusCode?: unknown } | null)?.status ?? (err as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, message: `bad request: ${(err as Error).message ?? 'unreadable request'}` };
  }
  return { status: 500, message: 'internal error in the supervisor; see its log', internal: err };
}

export function errorMiddleware(logger: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>, bodyLimit: string): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const answer = answerFor(err, bodyLimit);
    const where = `${req.method} ${req.path}`;
    if (answer.internal !== undefined) {
      const stack = answer.internal instanceof Error ? answer.internal.stack : String(answer.internal);
      logger.error(`${where} failed: ${oneLine(answer.message)}`, { stack });
    } else if (answer.status >= 500) {
      logger.warn(`${where} -> ${answer.status}: ${oneLine(answer.message)}`);
    } else {
      logger.info(`${where} -> ${answer.status}: ${oneLine(answer.message)}`);
    }
    res.status(answer.status).set(answer.headers ?? {}).json(errorBody(answer.message));
  };
}

/** Unknown path (after authentication, so routes cannot be probed without credentials). */
export const notFound: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, `no route ${req.method} ${oneLine(req.path, 200)}`));
};

/** A known path asked with a method it does not serve. */
export function methodNotAllowed(allowed: string[]): RequestHandler {
  const allow = allowed.join(', ');
  return (req, _res, next) => {
    next(new HttpError(405, `method ${req.method} not allowed on ${oneLine(req.path, 200)}; use ${allow}`, { Allow: allow }));
  };
}
