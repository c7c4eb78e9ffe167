/**
 * The handler of each operation: validate, call one ConnectorService method, shape the answer as the contract
 * wants (always an array). Each handler answers the type its route spec's schema describes (OkBody), so an
 * answer cannot drift from the served description without a compile error. Failures are thrown and answered
 * by errors.ts.
 */
import type { Request, Response } from 'express';
import type { OrderResponse } from '../contract';
import type { ConnectorService, StoredOrder } from '../service';
import { HttpError, oneLine } from './errors';
import type { Logger } from '@ecr/common';
import type { OpenApiDocument } from './openapi';
import { bodySource } from './order-body';
import { parseOrderRequest } from './order-request';
import type { MetricsSource } from '../metrics/metrics-route';
import type { OkBody, OperationId } from './route-specs';
import { ORDER_ID_MAX_LENGTH, ORDER_ID_PATTERN, ORDER_ID_RULE } from './schemas';
import { describeValue } from './describe-value';

export type Handler<Body = unknown> = (req: Request, res: Response) => Promise<Body>;

export type Handlers = { [Id in OperationId]: Handler<OkBody<Id>> };

export interface HandlerDeps {
  service: ConnectorService;
  logger: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
  openapi: OpenApiDocument;
  /** GET /metrics answers 404 without it. */
  metrics?: MetricsSource;
}

/** Exactly the contract's keys, none missing: an absent echo is null, not a vanished key. */
export function shapeOrderResponse(r: OrderResponse): OrderResponse {
  return {
    status: r.status,
    error: r.error ?? null,
    receipt: r.receipt ?? null,
    ticket: r.ticket ?? null,
    amount: r.amount,
    currency: r.currency,
    orderId: r.orderId,
    basket: r.basket ?? null,
    customer: r.customer ?? null,
    customData: r.customData ?? null,
    notificationHipaySent: r.notificationHipaySent,
  };
}

function shapeStoredOrder(orderId: string, stored: StoredOrder): OkBody<'getOrder'>[number] {
  const answer = stored.response ? shapeOrderResponse(stored.response) : { orderId };
  return { ...answer, orderState: stored.state, hipay: stored.hipay, ...(stored.display ? { display: stored.display } : {}) };
}

const ORDER_ID_REGEX = new RegExp(ORDER_ID_PATTERN);
/**
 * Reading an order back accepts the ids earlier releases stored (printable ASCII, at most 64): a kiosk must
 * still be able to ask what became of a payment taken before HiPay's 32-character limit was enforced.
 */
const STORED_ORDER_ID_REGEX = /^[!-~](?:[ -~]{0,62}[!-~])?$/;

function isConnectorCode(err: unknown, code: string): boolean {
  return err instanceof Error && err.name === 'ConnectorError' && (err as { code?: unknown }).code === code;
}

export function createHandlers({ service, logger, openapi, metrics }: HandlerDeps): Handlers {
  return {
    async orderUnattendedTerminal(req, res) {
      const { order, orderIdGenerated, basketDropped, customerDropped, ignoredFields } = parseOrderRequest(req.body, bodySource(req));
      res.locals.orderId = order.orderId;
      if (ignoredFields.length > 0) logger.debug(`POST /order ${order.orderId}: ignoring unknown fields ${oneLine(ignoredFields.join(', '), 200)}`);
      if (orderIdGenerated) logger.info(`POST /order without orderId: generated ${order.orderId}`);
      if (basketDropped !== undefined) logger.warn(`order ${order.orderId}: basket not forwarded, HiPay gets an empty cart: ${oneLine(basketDropped)}`);
      if (customerDropped !== undefined) logger.warn(`order ${order.orderId}: customer data ${oneLine(customerDropped)}`);
      return [shapeOrderResponse(await service.order(order))];
    },

    async getOrder(req) {
      const orderId = String(req.params.orderId);
      const current = orderId.length <= ORDER_ID_MAX_LENGTH && ORDER_ID_REGEX.test(orderId);
      if (!current && !STORED_ORDER_ID_REGEX.test(orderId)) {
        throw new HttpError(400, `orderId must be ${ORDER_ID_RULE}, got ${describeValue(orderId)}`);
      }
      try {
        return [shapeStoredOrder(orderId, await service.getOrder(orderId))];
      } catch (err) {
        if (isConnectorCode(err, 'not-found')) throw new HttpError(404, `no order with orderId ${orderId}`);
        throw err;
      }
    },

    async cancelTransaction() {
      return (await service.cancel()).map(shapeOrderResponse);
    },

    async stopTerminalManager() {
      await service.stop();
      return [];
    },

    async resetTerminal() {
      await service.reset();
      return [];
    },

    async versionTerminalManager() {
      const { version, type, os } = await service.version();
      return [{ version, type, os }];
    },

    async configTerminal() {
      return [{ deviceId: await service.deviceId() }];
    },

    async doTlc() {
      const { NbApp, App } = await service.tlc();
      return [{ NbApp, App: App.map(({ Name, Status }) => ({ Name, Status })) }];
    },

    async checkStatus() {
      const { cr, card, call, periph, display } = await service.check();
      return [{ cr, card, call, periph, ...(display ? { display } : {}) }];
    },

    async health(_req, res) {
      const report = await service.health();
      // 'fail': no payment can be taken; the watchdog's probe and Docker's health check read the 503.
      if (report.status === 'fail') res.locals.status = 503;
      return [report];
    },

    async metrics(_req, res) {
      if (!metrics) throw new HttpError(404, 'GET /metrics is not enabled in this supervisor');
      // The text format's own media type (with its version), not plain text/plain.
      res.locals.contentType = metrics.contentType;
      return metrics.text();
    },

    async openapi() {
      return openapi;
    },
  };
}
