/**
 * GET /health with the facts a fleet needs (issue 13): the kiosk's id, outcome-unknown orders, the last
 * payment, free disk in the data directory, and the overall status computed from all of it (health-status.ts).
 */
import type { OrderState } from '../order-book';
import type { ConnectorService, HealthReport } from '../service';
import { decorateService } from './decorate-service';
import { diskSpace } from './disk-space';
import { healthStatus } from './health-status';

export interface HealthFacts {
  kioskId: string;
  dataDir: string;
  /** OrderBook.stateSummary. */
  orderStates(): Record<OrderState, { count: number; lastUpdatedAt?: string }>;
}

const LAST_PAYMENT_OUTCOME: Partial<Record<OrderState, NonNullable<HealthReport['lastPayment']>['outcome']>> = {
  paid: 'success',
  'paid-other-amount': 'paid-other-amount',
  failed: 'failure',
  unknown: 'outcome-unknown',
};

export function withHealthFacts<S extends ConnectorService>(service: S, facts: HealthFacts): S {
  return decorateService(service, {
    health: async () => {
      const [report, disk] = await Promise.all([service.health(), diskSpace(facts.dataDir)]);
      const full: HealthReport = { kioskId: facts.kioskId, ...report };
      try {
        const states = facts.orderStates();
        full.orders = { outcomeUnknown: states.unknown.count, inProgress: states['in-progress'].count };
        const last = lastPayment(states);
        if (last) full.lastPayment = last;
      } catch {
        // the order book could not be read: the report goes without these facts
      }
      if (disk) full.disk = disk;
      const { status, problems } = healthStatus(full);
      return { status, ...(problems.length > 0 && { problems }), ...full };
    },
  });
}

function lastPayment(states: Record<OrderState, { count: number; lastUpdatedAt?: string }>): HealthReport['lastPayment'] {
  let best: HealthReport['lastPayment'];
  for (const [state, outcome] of Object.entries(LAST_PAYMENT_OUTCOME) as [OrderState, NonNullable<HealthReport['lastPayment']>['outcome']][]) {
    const at = states[state].lastUpdatedAt;
    if (at !== undefined && (best === undefined || at > best.at)) best = { at, outcome };
  }
  return best;
}
