export { startHipaySandbox, type HipaySandbox, type HipaySandboxOptions } from './server';
export { parseFaults, type HipayFaults } from './faults';
export type { ReceivedOrder, SandboxStats } from './order-store';
export type { HipayTransaction } from './transaction';
export { TransactionStatus } from './transaction';
export { HipayErrorCode, type HipayErrorBody } from './hipay-errors';
export { passiveOrderHash, REQUIRED_FIELDS } from './validate-order';
