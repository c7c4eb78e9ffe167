import { randomBytes } from 'node:crypto';

/** A unique orderId for a request without one: "ECR_20250611T101112_" and 12 random hex digits. */
export function generateOrderId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, '');
  return `ECR_${stamp}_${randomBytes(6).toString('hex')}`;
}
