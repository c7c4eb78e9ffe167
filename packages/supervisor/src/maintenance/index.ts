export { startMaintenance, type Maintenance, type MaintenanceOptions, type MaintenanceReport } from './start-maintenance';
export { withMaintenance, type MaintenanceView } from './health-report';
export type { MaintainedConnector } from './maintenance-run';
