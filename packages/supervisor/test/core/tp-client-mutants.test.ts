/**
 * What the mutation run of tp-client.ts found unproven (issue 15), over real ZeroMQ against a Router socket
 * that plays tp-manager's side of the IPC contract (packages/common/src/ipc.ts): which failure is "not sent"
 * (the kiosk may pay again) and which is "outcome unknown" (money rule 1), when tp-manager counts as down,
 * that a failed socket is never reused, and that a restart ends only what was sent to the old process.
 */
import * as zmq from 'zeromq';
import type { Command, Reply } from '@ecr/common';
import { TpManagerClient } from '../../src/tp-client';
import { TpManagerRestarted } from '../../src/tp-port';
import { freePort } from '../../../../test-support/net';
import { settle } from './support';

interface Received {
  identity: Buffer;
  cmd: Command;
}

/** tp-manager's side: answers pings (unless told not to), keeps every other command for the test to answer. */
class Router {
  readonly socket = new zmq.Router({ linger: 0 });
  readonly received: Received[] = [];
  answerPings = true;
  /** How long a ping's answer takes. */
  pingDelayMs = 0;
  constructor(public instance: string | undefined = 'instance-A') {}

  async bind(endpoint: string): Promise<void> {
    await this.socket.bind(endpoint);
    void (async () => {
      try {
        for await (const [identity, , frame] of this.socket) {
          const cmd = JSON.parse(frame!.toString()) as Command;
          this.received.push({ identity: identity!, cmd });
          if (cmd.type === 'ping' && this.answerPings) {
            const reply: Reply = { id: cmd.id, ok: true, type: 'ping', link: 'connected', busy: false, journalId: 'j', unattributed: 3 };
            if (this.pingDelayMs > 0) setTimeout(() => void this.reply(identity!, reply).catch(() => undefined), this.pingDelayMs);
            else await this.reply(identity!, reply);
          }
        }
      } catch {
        // closed
      }
    })();
  }

  commands(type: Command['type']): Received[] {
    return this.received.filter((r) => r.cmd.type === type);
  }

  async reply(identity: Buffer, reply: Reply): Promise<void> {
    await this.socket.send([identity, '', JSON.stringify(this.instance === undefined ? reply : { ...reply, instance: this.instance })]);
  }

  async answerVersion(r: Received, id = r.cmd.id): Promise<void> {
    await this.reply(r.identity, { id, ok: true, type: 'version', version: '2.0.0' });
  }

  close(): void {
    this.socket.close();
  }
}

const logger = { info: () => undefined, warn: () => undefined };

async function until(probe: () => boolean, what: string, boundMs = 3000): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const paymentBody = (id: string) => ({ id, type: 'payment' as const, orderId: 'O1', amount: 100, currencyNumeric: '978', timeoutMs: 60_000, sentAt: Date.now() });

let client: TpManagerClient | undefined;
let routers: Router[] = [];
let endpoint: string;

beforeEach(async () => {
  endpoint = `tcp://127.0.0.1:${await freePort()}`;
});

afterEach(() => {
  client?.close();
  client = undefined;
  for (const r of routers) r.close();
  routers = [];
});

async function router(instance?: string): Promise<Router> {
  const r = new Router(instance);
  routers.push(r);
  await r.bind(endpoint);
  return r;
}

function newClient(options: Partial<ConstructorParameters<typeof TpManagerClient>[0]> = {}): TpManagerClient {
  client = new TpManagerClient({ endpoint, heartbeatIntervalMs: 50, ...options }, logger);
  return client;
}

async function upClient(options: Partial<ConstructorParameters<typeof TpManagerClient>[0]> = {}): Promise<TpManagerClient> {
  const c = newClient(options);
  const up = new Promise<void>((resolve) => c.once('up', resolve));
  c.startHeartbeat();
  await up;
  return c;
}

describe('a command and its reply', () => {
  test('the reply to the command sent, with a fresh id when none is given, or the id given', async () => {
    const r = await router();
    const c = newClient();
    const calling = c.call({ type: 'version' }, 2000);
    await until(() => r.commands('version').length === 1, 'the command to arrive');
    const [sent] = r.commands('version');
    expect(sent!.cmd.id).toMatch(/^[0-9a-f-]{36}$/);
    await r.answerVersion(sent!);
    expect(await calling).toMatchObject({ id: sent!.cmd.id, ok: true, type: 'version', version: '2.0.0' });

    const own = c.call({ type: 'version', id: 'my-id' }, 2000);
    await until(() => r.commands('version').length === 2, 'the second command');
    expect(r.commands('version')[1]!.cmd).toEqual({ type: 'version', id: 'my-id' });
    await r.answerVersion(r.commands('version')[1]!);
    expect((await own).id).toBe('my-id');
  });

  test('no reply within the wait: outcome-unknown (money rule 1: it may have arrived), and that socket is never used again', async () => {
    const r = await router();
    const c = newClient();
    const started = Date.now();
    const { error } = await settle(c.call({ type: 'version' }, 300));
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(error!.code).toBe('outcome-unknown');
    expect(error!.message).toBe(`no answer from tp-manager on ${endpoint} within 0.3 s (timed out)`);
    // The late reply must not be read as the answer to a later command: the next command goes on a new socket.
    const next = c.call({ type: 'version' }, 2000);
    await until(() => r.commands('version').length === 2, 'the next command');
    const [first, second] = r.commands('version');
    expect(second!.identity.equals(first!.identity)).toBe(false);
    await r.answerVersion(first!); // the late reply, to a socket that is closed
    await r.answerVersion(second!);
    expect((await next).id).toBe(second!.cmd.id);
  });

  test('a socket that answered is reused for the next command (one open socket, not one per command)', async () => {
    const r = await router();
    const c = newClient();
    for (let i = 0; i < 2; i++) {
      const calling = c.call({ type: 'version' }, 2000);
      await until(() => r.commands('version').length === i + 1, 'the command');
      await r.answerVersion(r.commands('version')[i]!);
      await calling;
    }
    const [first, second] = r.commands('version');
    expect(second!.identity.equals(first!.identity)).toBe(true);
  });

  test("a reply carrying another command's id: outcome-unknown, never taken as this command's answer", async () => {
    const r = await router();
    const c = newClient();
    const calling = settle(c.call({ type: 'version' }, 2000));
    await until(() => r.commands('version').length === 1, 'the command');
    await r.answerVersion(r.commands('version')[0]!, 'someone-else');
    const { error, value } = await calling;
    expect(value).toBeUndefined();
    expect(error!.code).toBe('outcome-unknown');
    expect(error!.message).toMatch(/\(reply for someone-else instead of /);
  });

  test('nobody listening: not-connected, the command was not sent (the kiosk may pay again)', async () => {
    const c = newClient();
    const { error } = await settle(c.call({ type: 'version' }, 2000));
    expect(error!.code).toBe('not-connected');
    expect(error!.message).toBe(`tp-manager is not running or not answering on ${endpoint} (timed out); the command was not sent`);
  });
});

describe('the heartbeat', () => {
  test('with the default settings: up at the first answer, and a command without a wait of its own gets its reply', async () => {
    const r = await router();
    client = new TpManagerClient({ endpoint }, logger);
    const up = new Promise<void>((resolve) => client!.once('up', resolve));
    client.startHeartbeat();
    await up;
    const calling = client.call({ type: 'version' });
    await until(() => r.commands('version').length === 1, 'the command');
    await r.answerVersion(r.commands('version')[0]!);
    expect(await calling).toMatchObject({ type: 'version', version: '2.0.0' });
  });

  test("up at the first answer, with tp-manager's state; each ping waits at least 1 s for its answer", async () => {
    const r = await router();
    r.pingDelayMs = 400; // longer than the heartbeat interval, shorter than a ping's wait
    const c = newClient();
    const state = new Promise<unknown>((resolve) => c.once('state', resolve));
    expect(c.up).toBe(false);
    c.startHeartbeat();
    await new Promise<void>((resolve) => c.once('up', resolve));
    expect(c.up).toBe(true);
    expect(await state).toMatchObject({ ok: true, type: 'ping', link: 'connected', unattributed: 3 });
  });

  test('an answer that is not a ping state: up all the same, but no state told', async () => {
    const r = await router();
    r.answerPings = false;
    const c = newClient();
    const states: unknown[] = [];
    c.on('state', (s) => states.push(s));
    c.startHeartbeat();
    await until(() => r.commands('ping').length === 1, 'the first ping');
    const [ping] = r.commands('ping');
    const up = new Promise<void>((resolve) => c.once('up', resolve));
    await r.reply(ping!.identity, { id: ping!.cmd.id, ok: false, code: 'internal', message: 'x' });
    await up;
    expect(states).toEqual([]);
  });

  test("a ping answered with another type (ok): alive, but that is no state of tp-manager's", async () => {
    const r = await router();
    r.answerPings = false;
    const c = newClient();
    const states: unknown[] = [];
    c.on('state', (s) => states.push(s));
    c.startHeartbeat();
    await until(() => r.commands('ping').length === 1, 'the first ping');
    const [ping] = r.commands('ping');
    const up = new Promise<void>((resolve) => c.once('up', resolve));
    await r.reply(ping!.identity, { id: ping!.cmd.id, ok: true, type: 'version', version: '2.0.0' });
    await up;
    expect(states).toEqual([]);
  });

  test("'up' is told once while tp-manager keeps answering, not at every ping", async () => {
    await router();
    const c = newClient();
    let ups = 0;
    c.on('up', () => {
      ups += 1;
    });
    const states: unknown[] = [];
    c.on('state', (s) => states.push(s));
    c.startHeartbeat();
    await until(() => states.length >= 4, 'four answered pings');
    expect(ups).toBe(1);
  });

  test('down after heartbeatMisses unanswered pings in a row, not before, with the reason; up again when it answers', async () => {
    const r = await router();
    const c = await upClient({ heartbeatMisses: 2 });
    r.answerPings = false;
    const before = r.commands('ping').length;
    const reason = await new Promise<string>((resolve) => c.once('down', resolve));
    expect(r.commands('ping').length - before).toBe(2);
    expect(reason).toBe(`tp-manager not answering on ${endpoint} (no answer from tp-manager on ${endpoint} within 1 s (timed out))`);
    expect(c.up).toBe(false);
    r.answerPings = true;
    await new Promise<void>((resolve) => c.once('up', resolve));
    expect(c.up).toBe(true);
  });

  test('by default, four unanswered pings before down', async () => {
    const r = await router();
    const c = await upClient({ heartbeatIntervalMs: 1 });
    r.answerPings = false;
    const before = r.commands('ping').length;
    await new Promise<void>((resolve) => c.once('down', () => resolve()));
    expect(r.commands('ping').length - before).toBe(4);
  }, 10_000); // four pings of 1 s each: above the fast-test time-out of npm run mutate
});

describe('a payment (money rules 1 and 2)', () => {
  test('tp-manager seen and then gone: not-connected at once, nothing sent, no wait for a first sight', async () => {
    const r = await router();
    const c = await upClient({ heartbeatMisses: 1, firstSightMs: 60_000 });
    r.answerPings = false;
    await new Promise<void>((resolve) => c.once('down', () => resolve()));
    const { error } = await settle(c.payment(paymentBody('pay-1'), 10_000));
    expect(error!.code).toBe('not-connected');
    expect(error!.message).toBe(`tp-manager is not running or not answering on ${endpoint}; the payment was not sent, nothing was charged`);
    expect(r.commands('payment')).toHaveLength(0);
  });

  test('after close(): not-connected at once, no wait for a first sight', async () => {
    const c = newClient({ firstSightMs: 60_000 });
    c.close();
    expect((await settle(c.payment(paymentBody('pay-2'), 10_000))).error!.code).toBe('not-connected');
  });

  test('by default a payment waits 5 s for the first sight of tp-manager', async () => {
    const c = newClient({ heartbeatIntervalMs: 20 });
    c.startHeartbeat();
    const paying = settle(c.payment(paymentBody('pay-3'), 10_000));
    const r = await router(); // bound after the payment was asked: only the wait for a first sight lets it through
    await until(() => r.commands('payment').length === 1, 'the payment to arrive');
    const [p] = r.commands('payment');
    await r.reply(p!.identity, { id: p!.cmd.id, ok: false, code: 'busy', message: 'busy' });
    expect((await paying).value).toMatchObject({ ok: false, code: 'busy' });
    expect(c.listenerCount('up')).toBe(0); // the wait for a first sight left nothing listening
  });

  test('tp-manager noticed down during the payment: outcome-unknown at once, and nothing is left listening', async () => {
    const r = await router();
    const c = await upClient({ heartbeatMisses: 1 });
    const paying = settle(c.payment(paymentBody('pay-4'), 60_000));
    await until(() => r.commands('payment').length === 1, 'the payment to arrive');
    expect(c.listenerCount('down')).toBe(1);
    r.answerPings = false;
    const { error } = await paying;
    expect(error!.code).toBe('outcome-unknown');
    expect(error!.message).toMatch(/^tp-manager not answering on .* during the payment: its outcome is not known yet$/);
    expect(r.commands('payment')).toHaveLength(1);
    expect(c.listenerCount('down')).toBe(0);
  });

  test('answered: the reply, and its down listener removed', async () => {
    const r = await router();
    const c = await upClient();
    const paying = c.payment(paymentBody('pay-5'), 60_000);
    await until(() => r.commands('payment').length === 1, 'the payment to arrive');
    const [p] = r.commands('payment');
    await r.reply(p!.identity, { id: p!.cmd.id, ok: false, code: 'busy', message: 'busy' });
    expect(await paying).toMatchObject({ id: 'pay-5', ok: false, code: 'busy' });
    expect(c.listenerCount('down')).toBe(0);
  });
});

describe('a restart of tp-manager, told by the instance id in replies', () => {
  test('the first instance seen is no restart; replies without an instance change nothing', async () => {
    const r = await router(undefined);
    const c = newClient();
    const restarts: unknown[] = [];
    c.on('restarted', (...args) => restarts.push(args));
    c.startHeartbeat();
    await new Promise<void>((resolve) => c.once('up', resolve));
    r.instance = 'instance-A';
    const seen = r.commands('ping').length;
    await until(() => r.commands('ping').length > seen + 2, 'pings answered with an instance');
    expect(restarts).toEqual([]);
  });

  test('only commands sent to the old process are ended; one sent to the new one gets its reply', async () => {
    const r = await router('instance-A');
    const c = await upClient();
    const old = settle(c.call({ type: 'version' }, 5000));
    await until(() => r.commands('version').length === 1, 'the command to the old process');
    const restarted = new Promise<unknown[]>((resolve) => c.once('restarted', (...args) => resolve(args)));
    r.instance = 'instance-B';
    expect(await restarted).toEqual(['instance-B', 'instance-A']);
    const { error } = await old;
    expect(error).toBeInstanceOf(TpManagerRestarted);
    expect((error as TpManagerRestarted).instance).toBe('instance-B');

    const fresh = c.call({ type: 'version' }, 5000);
    await until(() => r.commands('version').length === 2, 'the command to the new process');
    // Another ping of the new process meanwhile ends nothing.
    const seen = r.commands('ping').length;
    await until(() => r.commands('ping').length > seen + 1, 'more pings of the new process');
    await r.answerVersion(r.commands('version')[1]!);
    expect(await fresh).toMatchObject({ type: 'version', instance: 'instance-B' });
  });
});
