/**
 * One debug line per request: method, path, status, duration. Never headers (Authorization) nor bodies.
 * A kiosk that hangs up during a payment is worth a warning: the payment goes on and its outcome is stored.
 */
import type { RequestHandler } from 'express';
import { oneLine } from './errors';
import type { Logger } from '@ecr/common';

export function requestLog(logger: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const what = `${req.method} ${oneLine(req.originalUrl.split('?')[0] ?? '', 200)}`;
    res.on('finish', () => {
      const ms = Number((process.hrtime.bigint() - started) / 1_000_000n);
      logger.debug(`${what} -> ${res.statusCode} in ${ms} ms`);
    });
    res.on('close', () => {
      if (res.writableFinished) return;
      const orderId = res.locals.orderId as string | undefined;
      const hint = orderId === undefined ? '' : `; the payment goes on, its outcome will be at GET /order/${orderId}`;
      logger.warn(`${what}: the client closed the connection before the answer${hint}`);
    });
    next();
  };
}
