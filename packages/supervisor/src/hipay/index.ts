export { buildOrderFields, passiveHash, PASSIVE_CODE_CAPTURED, type HipayMerchantSettings, type HipayOrder, type HipayOrderFields } from './order-fields';
export { createHipayClient, type HipayCallOptions, type HipayClient, type HipayClientOptions } from './client';
export type { CreateOrderResult, FindTransactionResult, HipayHeld, HipayRefusal, HipayRetryable, HipayTransactionSummary } from './results';
export { backoffDelay, DEFAULT_BACKOFF, type BackoffSettings } from './backoff';
export { HipayOutbox, type HipayDeliveryStatus, type HipayOutboxOptions, type OutboxEntry } from './outbox';
export type { OutboxState, OutboxSummary } from './outbox-store';
export { applyHipayConfig, followHipayConfig, merchantSettings, type FollowConfigOptions } from './follow-config';
