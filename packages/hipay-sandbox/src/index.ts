export { startHipaySandbox, type HipaySandbox, type HipaySandboxOptions } from './server';
export { parseFaults, type HipayFaults } from './faults';
export type { ReceivedOrder, SandboxStats } from './order-store';
export type { HipayTransaction } from './transaction';
export { TransactionStatus } from './transaction';
export { DUPLICATE_CODES, HipayErrorCode, type DuplicateCode, type HipayErrorBody } from './hipay-errors';
export { PASSIVE_REQUIRED_PARAMETERS, passiveOrderHash, REQUIRED_FIELDS } from './validate-order';
