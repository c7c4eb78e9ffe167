/**
 * The measured calls. A payment is timed from the kiosk's side and cut into stages with the simulator's
 * timestamps (its own clock) and the HiPay sandbox's server-side times (this process's clock):
 *
 *   sent ─ toTerminal ─ received ─ terminalOwn ─ answerReady ─ waitLinkFree ─ answerSent ─ answerExchange ─
 *   answered ─ toHipay ─ [HiPay: hipayOwn] ─ afterHipay ─ done
 *
 * connector = end to end - terminalOwn (the simulator's own time: request complete to answer built, i.e. the
 * customer's delayMs of 0, a 1 ms timer, and encoding; over raw TCP also the simulator's 50 ms of quiet after
 * the request's last byte, its way of finding where a request without an end mark ends, which is the
 * terminal's time, not the connector's). Only differences on one clock enter that figure;
 * the stages between processes compare clocks of one machine (performance.timeOrigin + now()).
 */
import { seedOrder } from '../test-support/connector';
import type { Rig, TerminalRequest } from './rig';
import { epochMs } from './stats';

export interface PaymentSample {
  amount: number;
  /** Epoch ms of each point (the kiosk's and HiPay's on this process's clock, the others on the simulator's). */
  at: { sent: number; received: number; answerReady: number; answerSent: number; answered: number; hipayStart: number; hipayEnd: number; done: number };
  e2eMs: number;
  terminalOwnMs: number;
  hipayOwnMs: number;
  connectorMs: number;
  connectorExclHipayMs: number;
  stages: {
    toTerminal: number;
    terminalOwn: number;
    waitLinkFree: number;
    answerExchange: number;
    toHipay: number;
    hipayOwn: number;
    afterHipay: number;
  };
}

interface Sent {
  orderId: string;
  amount: number;
  sentAt: number;
  doneAt: number;
  ms: number;
}

type OrderAnswer = { status: string; notificationHipaySent?: boolean; error?: string | null }[];

/** One paid order, checked: 200, Success, delivered to HiPay within the bound. */
export async function payOnce(rig: Rig, orderId: string, amount: number): Promise<Sent> {
  const answer = await rig.kiosk.post('/order', { ...seedOrder(orderId), amount });
  let body: OrderAnswer | undefined;
  try {
    body = JSON.parse(answer.text) as OrderAnswer;
  } catch {
    // reported below
  }
  const order = body?.[0];
  if (answer.status !== 200 || order?.status !== 'Success' || order.notificationHipaySent !== true) {
    throw new Error(`payment ${orderId} did not succeed as expected: ${answer.status} ${answer.text.slice(0, 300)}`);
  }
  return { orderId, amount, sentAt: answer.sentAt, doneAt: answer.doneAt, ms: answer.ms };
}

/** `count` payments one after the other (as one kiosk pays), each cut into stages. */
export async function measurePayments(rig: Rig, count: number, runId: string, onProgress?: (done: number) => void): Promise<PaymentSample[]> {
  const before = (await rig.terminalRequests()).length;
  const sent: Sent[] = [];
  for (let i = 0; i < count; i++) {
    sent.push(await payOnce(rig, `bench-${runId}-${i}`, 100 + i));
    if (onProgress && (i + 1) % 50 === 0) onProgress(i + 1);
  }
  // The cash register's ACK of the last answer may reach the terminal after the kiosk has its answer.
  let requests: TerminalRequest[] = [];
  for (const waitMs of [100, 500, 2000]) {
    await new Promise((r) => setTimeout(r, waitMs));
    requests = (await rig.terminalRequests()).slice(before);
    if (requests.every((r) => r.timing?.answeredAt !== undefined)) break;
  }
  if (requests.length !== count) throw new Error(`the terminal saw ${requests.length} requests for ${count} payments`);
  return sent.map((s, i) => sample(rig, s, requests[i]!));
}

function sample(rig: Rig, s: Sent, request: TerminalRequest): PaymentSample {
  if (request.amount !== s.amount) throw new Error(`terminal request ${request.amount} does not match payment ${s.orderId} of ${s.amount}`);
  const t = request.timing;
  if (!t?.answerReadyAt || !t.answerSentAt || !t.answeredAt) {
    throw new Error('the simulator gives no answer timestamps: rebuild packages/terminal-simulator (npm run build)');
  }
  const calls = rig.hipay.between(s.sentAt, s.doneAt);
  if (calls.length === 0) throw new Error(`payment ${s.orderId}: no HiPay call seen during it`);
  const hipayOwn = calls.reduce((sum, c) => sum + (c.finishAt - c.startAt), 0);
  const terminalOwn = t.answerReadyAt - t.receivedAt;
  return {
    amount: s.amount,
    at: {
      sent: s.sentAt,
      received: t.receivedAt,
      answerReady: t.answerReadyAt,
      answerSent: t.answerSentAt,
      answered: t.answeredAt,
      hipayStart: calls[0]!.startAt,
      hipayEnd: calls[calls.length - 1]!.finishAt,
      done: s.doneAt,
    },
    e2eMs: s.ms,
    terminalOwnMs: terminalOwn,
    hipayOwnMs: hipayOwn,
    connectorMs: s.ms - terminalOwn,
    connectorExclHipayMs: s.ms - terminalOwn - hipayOwn,
    stages: {
      toTerminal: t.receivedAt - s.sentAt,
      terminalOwn,
      waitLinkFree: t.answerSentAt - t.answerReadyAt,
      answerExchange: t.answeredAt - t.answerSentAt,
      toHipay: calls[0]!.startAt - t.answeredAt,
      hipayOwn,
      afterHipay: s.doneAt - calls[calls.length - 1]!.finishAt,
    },
  };
}

/** `count` GETs of one maintenance path, each checked for a 200. */
export async function measureGets(rig: Rig, pathname: string, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const answer = await rig.kiosk.get(pathname);
    if (answer.status !== 200) throw new Error(`GET ${pathname} answered ${answer.status}: ${answer.text.slice(0, 300)}`);
    times.push(answer.ms);
  }
  return times;
}

export interface WireCount {
  /** Bytes the cash register sent and the terminal sent for one payment. */
  bytesToTerminal: number;
  bytesFromTerminal: number;
  /** Reads and writes of the terminal's serial port: about one per turn of the link layer each. */
  terminalReads: number;
  terminalWrites: number;
  /** At 9600 baud 8N1: 10 bits on the line per byte, both directions one after the other (half duplex). */
  floorMsAt9600: number;
}

export const BITS_PER_BYTE_8N1 = 10;

/** Bytes on the line for exactly one payment, counted by the simulator (nothing else uses the line meanwhile). */
export async function countOnePayment(rig: Rig, runId: string): Promise<WireCount> {
  const before = await rig.lineCounters();
  await payOnce(rig, `bench-${runId}-wire`, 899);
  await new Promise((r) => setTimeout(r, 200)); // the terminal's closing EOT
  const after = await rig.lineCounters();
  const bytesToTerminal = after.bytesIn - before.bytesIn;
  const bytesFromTerminal = after.bytesOut - before.bytesOut;
  return {
    bytesToTerminal,
    bytesFromTerminal,
    terminalReads: after.chunksIn - before.chunksIn,
    terminalWrites: after.chunksOut - before.chunksOut,
    floorMsAt9600: ((bytesToTerminal + bytesFromTerminal) * BITS_PER_BYTE_8N1 * 1000) / 9600,
  };
}

export { epochMs };
