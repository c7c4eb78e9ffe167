import type { ConnectorService } from '../service';

/**
 * The connector's service with GET /health's `maintenance` filled in; every other call goes to `service`
 * unchanged (bound to it, so its own state stays its own).
 */
export function withMaintenanceReport(service: ConnectorService, report: () => unknown): ConnectorService {
  return {
    order: (order) => service.order(order),
    getOrder: (orderId) => service.getOrder(orderId),
    cancel: () => service.cancel(),
    stop: () => service.stop(),
    reset: () => service.reset(),
    version: () => service.version(),
    deviceId: () => service.deviceId(),
    tlc: () => service.tlc(),
    check: () => service.check(),
    health: async () => ({ ...(await service.health()), maintenance: report() }),
  };
}
