export { ConnectorMetrics, type ConnectorMetricsOptions, type MetricSources, type PaymentFinished, type PaymentOutcomeLabel, type HipayTryLabel } from './connector-metrics';
export { timePayments, responseOutcome, errorOutcome, type TimedPayments } from './payment-timing';
export { withHealthFacts, type HealthFacts } from './health-facts';
export { healthStatus, healthHttpStatus, HEALTH_THRESHOLDS, type HealthThresholds, type HealthVerdict } from './health-status';
export { lastMaintenanceOutcome } from './maintenance-outcome';
export type { MetricsSource } from './metrics-route';
export { diskSpace, type DiskSpace } from './disk-space';
