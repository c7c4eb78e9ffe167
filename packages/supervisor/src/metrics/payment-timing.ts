/**
 * Times each payment for GET /metrics without touching the core's logic: the tp-manager port is wrapped to
 * learn the terminal's share (tp-manager's journal entry: received to finished), the service to learn the
 * whole of POST /order and what the kiosk was told. Only a payment command sent toward tp-manager counts:
 * a stored answer given again, or a request refused before it (409), is no payment.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { OrderResponse } from '../contract';
import type { ConnectorService } from '../service';
import type { PaymentBody, TpManagerPort } from '../tp-port';
import type { ConnectorMetrics, PaymentOutcomeLabel } from './connector-metrics';
import { decorateService } from './decorate-service';
import type { Logger } from '@ecr/common';

/** The port to hand to the core, and the wrapper of the service the HTTP layer calls. */
export interface TimedPayments<S extends ConnectorService> {
  tp: TpManagerPort;
  /** Wraps the service the HTTP layer calls (the one given the port above). */
  service(service: S): S;
}

export function timePayments<S extends ConnectorService>(
  tp: TpManagerPort,
  metrics: Pick<ConnectorMetrics, 'paymentFinished'>,
  logger?: Pick<Logger, 'info'>,
): TimedPayments<S> {
  // Each POST /order's own slot, found again by the port inside that call whatever else runs meanwhile (a
  // second request for the same orderId, refused with 409, must not take the first one's timing).
  const current = new AsyncLocalStorage<Slot>();

  const port: TpManagerPort = {
    get up() {
      return tp.up;
    },
    call: (body, timeoutMs) => tp.call(body, timeoutMs),
    on: (event, listener) => tp.on(event, listener),
    off: (event, listener) => tp.off(event, listener),
    async payment(body: PaymentBody, waitMs: number) {
      const slot = current.getStore();
      if (slot) {
        slot.sent = true;
        slot.commandId = body.id;
      }
      const startedAt = Date.now();
      try {
        const reply = await tp.payment(body, waitMs);
        if (slot) slot.terminalMs = reply.ok && reply.type === 'payment' ? (journalMs(reply.entry) ?? Date.now() - startedAt) : undefined;
        return reply;
      } catch (err) {
        if (slot) slot.terminalMs = Date.now() - startedAt;
        throw err;
      }
    },
  };

  return {
    tp: port,
    service: (service) =>
      decorateService(service, {
        order: async (order) => {
          const startedAt = Date.now();
          const slot: Slot = { sent: false };
          let outcome: PaymentOutcomeLabel = 'outcome-unknown';
          try {
            const response = await current.run(slot, () => service.order(order));
            outcome = responseOutcome(response);
            return response;
          } catch (err) {
            outcome = errorOutcome(err);
            throw err;
          } finally {
            if (slot.sent) {
              const totalMs = Date.now() - startedAt;
              metrics.paymentFinished({ outcome, terminalMs: slot.terminalMs, totalMs });
              const terminalMs = slot.terminalMs === undefined ? undefined : Math.min(totalMs, slot.terminalMs);
              logger?.info(`payment orderId=${order.orderId} answered ${outcome} in ${totalMs} ms`, {
                orderId: order.orderId,
                commandId: slot.commandId,
                outcome,
                amount: order.amount,
                currency: order.currency.alpha,
                totalMs,
                ...(terminalMs !== undefined && { terminalMs, connectorMs: totalMs - terminalMs }),
              });
            }
          }
        },
      }),
  };
}

/** One POST /order: whether it sent a payment toward tp-manager, and the terminal's share. */
interface Slot {
  sent: boolean;
  commandId?: string;
  terminalMs?: number;
}

/** tp-manager's own time for the command: from taking it to journaling the terminal's result. */
function journalMs(entry: { receivedAt: string; finishedAt?: string }): number | undefined {
  if (entry.finishedAt === undefined) return undefined;
  const ms = Date.parse(entry.finishedAt) - Date.parse(entry.receivedAt);
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

export function responseOutcome(response: OrderResponse): PaymentOutcomeLabel {
  return response.status === 'Success' ? 'success' : 'failure';
}

/** What the kiosk was told when POST /order threw, by ConnectorError code (http/errors.ts maps the same codes). */
export function errorOutcome(err: unknown): PaymentOutcomeLabel {
  const code = (err as { code?: unknown } | undefined)?.code;
  switch (code) {
    case 'not-connected':
      return 'not-sent';
    case 'busy':
    case 'in-progress':
    case 'unavailable':
    case 'bad-request':
    case 'unsupported':
      return 'refused';
    default:
      // terminal-timeout, outcome-unknown, or anything unforeseen after the command left: not known.
      return 'outcome-unknown';
  }
}
