export * from './payment-result';
export * from './receipt';
export * from './money';
export * from './ipc';
export * from './pan';
export * from './errors';
