import { ConnectorError } from '@ecr/common';
import type { ConnectorService } from '../service';

export interface MaintenanceView {
  report(): unknown;
  readonly running: boolean;
}

/**
 * The connector as the HTTP layer sees it while daily maintenance exists: GET /health tells the last run,
 * and no payment starts while a run is under way (it could be cut by the switch to a new release).
 */
export function withMaintenance(service: ConnectorService, maintenance: MaintenanceView): ConnectorService {
  return {
    order: async (order) => {
      if (maintenance.running) {
        throw new ConnectorError('busy', 'daily maintenance in progress (telecollection, update): try again in a minute');
      }
      return service.order(order);
    },
    getOrder: (orderId) => service.getOrder(orderId),
    cancel: () => service.cancel(),
    stop: () => service.stop(),
    reset: () => service.reset(),
    version: () => service.version(),
    deviceId: () => service.deviceId(),
    tlc: () => service.tlc(),
    check: () => service.check(),
    health: async () => ({ ...(await service.health()), maintenance: maintenance.report() }),
  };
}
