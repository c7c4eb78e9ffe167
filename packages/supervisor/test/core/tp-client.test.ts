/**
 * The tp-manager client over real ZeroMQ, against a Router socket that plays tp-manager's side of the IPC
 * contract (packages/common/src/ipc.ts): restarts noticed by the instance id in replies, the first sight of
 * tp-manager awaited at start.
 */
import * as zmq from 'zeromq';
import type { Command, Reply } from '@ecr/common';
import { TpManagerClient } from '../../src/tp-client';
import { TpManagerRestarted } from '../../src/tp-port';
import { freePort } from '../../../../test-support/net';
import { settle } from './support';

/** A tp-manager stand-in: answers ping at once with its instance id, holds payments until told. */
class FakeRouter {
  readonly router = new zmq.Router({ linger: 0 });
  readonly held: { identity: Buffer; cmd: Command }[] = [];
  readonly received: Command[] = [];
  constructor(public instance: string) {}

  async bind(endpoint: string): Promise<void> {
    await this.router.bind(endpoint);
    void (async () => {
      try {
        for await (const [identity, , frame] of this.router) {
          const cmd = JSON.parse(frame!.toString()) as Command;
          this.received.push(cmd);
          if (cmd.type === 'payment') this.held.push({ identity: identity!, cmd });
          else if (cmd.type === 'ping') await this.reply(identity!, { id: cmd.id, ok: true, type: 'ping', link: 'connected', busy: false, journalId: 'j', unattributed: 0 });
        }
      } catch {
        // closed
      }
    })();
  }

  async reply(identity: Buffer, reply: Reply): Promise<void> {
    await this.router.send([identity, '', JSON.stringify({ ...reply, instance: this.instance })]);
  }

  close(): void {
    this.router.close();
  }
}

const logger = { info: () => undefined, warn: () => undefined };

/** Polls until probe() holds; fails (never hangs) after boundMs. */
async function until(probe: () => boolean, what: string, boundMs = 5000): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
const paymentBody = (id: string) => ({ id, type: 'payment' as const, orderId: 'O1', amount: 100, currencyNumeric: '978', timeoutMs: 60_000, sentAt: Date.now() });

describe('TpManagerClient', () => {
  let client: TpManagerClient | undefined;
  let routers: FakeRouter[] = [];

  afterEach(() => {
    client?.close();
    for (const r of routers) r.close();
    routers = [];
  });

  test('a reply from a new instance ends the payment waiting on the old one at once, and says restarted (issue 9 case 6)', async () => {
    const endpoint = `tcp://127.0.0.1:${await freePort()}`;
    const first = new FakeRouter('instance-A');
    routers.push(first);
    await first.bind(endpoint);
    client = new TpManagerClient({ endpoint, heartbeatIntervalMs: 50 }, logger);
    const restarted = new Promise<[string, string]>((resolve) => client!.once('restarted', (now: string, before: string) => resolve([now, before])));
    client.startHeartbeat();
    await new Promise<void>((resolve) => client!.once('up', resolve));

    const paying = settle(client.payment(paymentBody('pay-1'), 60_000));
    await until(() => first.held.length > 0, 'the payment to reach tp-manager');

    // The same endpoint answered by another process: its pings carry another instance id.
    first.instance = 'instance-B';
    expect(await restarted).toEqual(['instance-B', 'instance-A']);
    const { error } = await paying;
    expect(error).toBeInstanceOf(TpManagerRestarted);
    expect(error!.code).toBe('outcome-unknown');
  });

  test('a payment asked before the first heartbeat was answered waits for it instead of failing (issue 9 case 8)', async () => {
    const endpoint = `tcp://127.0.0.1:${await freePort()}`;
    client = new TpManagerClient({ endpoint, heartbeatIntervalMs: 50, firstSightMs: 5000 }, logger);
    client.startHeartbeat();
    const paying = settle(client.payment(paymentBody('pay-2'), 10_000));
    const router = new FakeRouter('instance-A');
    routers.push(router);
    await router.bind(endpoint);
    await until(() => router.held.length > 0, 'the payment to reach tp-manager');
    const [{ identity, cmd }] = router.held;
    await router.reply(identity, {
      id: cmd.id,
      ok: true,
      type: 'payment',
      entry: { id: cmd.id, orderId: 'O1', amount: 100, currencyNumeric: '978', state: 'done', receivedAt: '', seq: 1, result: { outcome: 'approved', amount: 100, currencyNumeric: '978' } },
    });
    const { value } = await paying;
    expect(value).toMatchObject({ ok: true, type: 'payment' });
  });

  test('no tp-manager at all: not-connected once the bound has passed', async () => {
    const endpoint = `tcp://127.0.0.1:${await freePort()}`;
    client = new TpManagerClient({ endpoint, heartbeatIntervalMs: 50, firstSightMs: 200 }, logger);
    client.startHeartbeat();
    const { error } = await settle(client.payment(paymentBody('pay-3'), 10_000));
    expect(error!.code).toBe('not-connected');
    expect(error!.message).toMatch(/the payment was not sent, nothing was charged/);
  });
});
