/**
 * Body parsing for POST /order: JSON or application/x-www-form-urlencoded (bracket nesting), bounded by the
 * body limit. A body of any other type is a 415 rather than being read as "no body".
 */
import express, { type Request, type RequestHandler } from 'express';
import { HttpError, oneLine } from './errors';
import type { BodySource } from './order-request';

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

const requireKnownType: RequestHandler = (req, _res, next) => {
  if (req.body === undefined && hasBody(req)) {
    const type = oneLine(req.headers['content-type'] ?? 'none', 100);
    next(new HttpError(415, `unsupported content type ${type}: send application/json or application/x-www-form-urlencoded`));
    return;
  }
  next();
};

export function orderBodyParsers(limit: string): RequestHandler[] {
  return [
    express.json({ limit, type: ['application/json', 'application/*+json'] }),
    express.urlencoded({ extended: true, limit }),
    requireKnownType,
  ];
}

export function bodySource(req: Request): BodySource {
  if (req.body === undefined) return 'none';
  return req.is('application/x-www-form-urlencoded') ? 'form' : 'json';
}
