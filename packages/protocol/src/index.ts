export * from './decode-result';
export * from './concert/control';
export * from './concert/lrc';
export * from './concert/link';
export * from './concert/v2';
export * from './concert/tlv';
export * from './concert/v3';
export { MAX_V3_AMOUNT, MAX_TICKET_BYTES } from './concert/v3-fields';
export * from './concert/result';
