export { startMaintenance, type Maintenance, type MaintenanceOptions, type MaintenanceReport } from './start-maintenance';
export { withMaintenance, type MaintenanceView } from './health-report';
export type { MaintainedConnector } from './maintenance-run';
export type { MaintenanceRecord, TelecollectionStep } from './last-run';
export type { UpdateStep, UpdateOutcome } from './update-step';
