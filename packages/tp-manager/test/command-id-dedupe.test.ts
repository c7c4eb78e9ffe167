/**
 * A command id seen before never reaches the terminal again (money rule 2), at each layer that dedupes it:
 * the ZeroMQ router (real sockets on loopback), and the journal (a real SQLite file). The payment runner's
 * own check is in payment-runner.test.ts ("the same command id again").
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zmq from 'zeromq';
import type { Command, Reply, ReplyBody } from '@ecr/common';
import { Journal } from '../src/journal';
import { CommandRouter } from '../src/router';
import { freePort } from '../../../test-support/net';

const quiet = { warn: () => undefined, debug: () => undefined };

async function ask(endpoint: string, cmd: object): Promise<Reply> {
  const socket = new zmq.Request({ linger: 0, sendTimeout: 2000, receiveTimeout: 5000 });
  socket.connect(endpoint);
  try {
    await socket.send(JSON.stringify(cmd));
    const [reply] = await socket.receive();
    return JSON.parse(reply!.toString()) as Reply;
  } finally {
    socket.close();
  }
}

/** A handler standing for the payment runner: counts what reached it, answers each payment with its count. */
function countingHandler() {
  const handled: string[] = [];
  const handle = (cmd: Command): Promise<ReplyBody> => {
    handled.push(cmd.id);
    return Promise.resolve({ id: cmd.id, ok: true, type: 'stop' as const, ...{ nth: handled.length } } as ReplyBody);
  };
  return { handled, handle };
}

describe('command-id dedupe (money rule 2)', () => {
  test('the router: a repeated id, sent again or concurrently, gets the first reply and reaches the handler once', async () => {
    const endpoint = `tcp://127.0.0.1:${await freePort()}`;
    const { handled, handle } = countingHandler();
    const router = new CommandRouter(handle, quiet);
    await router.bind(endpoint);
    try {
      const [a, b] = await Promise.all([ask(endpoint, { id: 'pay-1', type: 'stop' }), ask(endpoint, { id: 'pay-1', type: 'stop' })]);
      const c = await ask(endpoint, { id: 'pay-1', type: 'stop' });
      expect(handled).toEqual(['pay-1']);
      expect(b).toEqual(a);
      expect(c).toEqual(a);
      await ask(endpoint, { id: 'pay-2', type: 'stop' });
      expect(handled).toEqual(['pay-1', 'pay-2']);
    } finally {
      router.close();
    }
  });

  test('the router remembers the last ids it was told to, forgetting the oldest first', async () => {
    const endpoint = `tcp://127.0.0.1:${await freePort()}`;
    const { handled, handle } = countingHandler();
    const router = new CommandRouter(handle, quiet, 2);
    await router.bind(endpoint);
    try {
      for (const id of ['a', 'b', 'c']) await ask(endpoint, { id, type: 'stop' });
      await ask(endpoint, { id: 'c', type: 'stop' });
      await ask(endpoint, { id: 'b', type: 'stop' });
      expect(handled).toEqual(['a', 'b', 'c']);
      await ask(endpoint, { id: 'a', type: 'stop' }); // forgotten: the journal is the dedupe that lasts
      expect(handled).toEqual(['a', 'b', 'c', 'a']);
    } finally {
      router.close();
    }
  });

  test('the journal: begin with a journaled id is "repeated", with the first entry and reference, and adds no row', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dedupe-'));
    const journal = new Journal(path.join(dir, 'tp-manager.db'), 'run-1');
    try {
      const first = journal.begin({ id: 'pay-1', orderId: 'O1', amount: 899, currencyNumeric: '978' });
      expect(first.repeated).toBe(false);
      const again = journal.begin({ id: 'pay-1', orderId: 'O1-other', amount: 1, currencyNumeric: '840' });
      expect(again).toEqual({ entry: first.entry, ref: first.ref, repeated: true });
      expect(journal.get('pay-1')).toMatchObject({ orderId: 'O1', amount: 899, currencyNumeric: '978', ref: first.ref });
      // The next payment gets the next reference: the repeat took none.
      expect(Number(journal.begin({ id: 'pay-2', orderId: 'O2', amount: 5, currencyNumeric: '978' }).ref)).toBe(Number(first.ref) + 1);
      journal.finish('pay-1', { outcome: 'approved', amount: 899, currencyNumeric: '978' });
      expect(journal.begin({ id: 'pay-1', orderId: 'O1', amount: 899, currencyNumeric: '978' })).toMatchObject({
        repeated: true,
        entry: { state: 'done', result: { outcome: 'approved' } },
      });
    } finally {
      journal.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
