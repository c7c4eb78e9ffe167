/**
 * The ZeroMQ router, real sockets on loopback: every reply carries this process's instance id (new at each
 * start), so the supervisor notices a restart however short; a handler that throws is a reply, not a crash.
 */
import * as zmq from 'zeromq';
import type { Command, Reply, ReplyBody } from '@ecr/common';
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

describe('CommandRouter', () => {
  test('every reply carries the instance id; a new router (a restart) has another', async () => {
    const endpoint = `tcp://127.0.0.1:${await freePort()}`;
    const handle = (cmd: Command): Promise<ReplyBody> =>
      Promise.resolve({ id: cmd.id, ok: true, type: 'ping', link: 'connected', busy: false, journalId: 'j', unattributed: 0 });
    const first = new CommandRouter(handle, quiet);
    await first.bind(endpoint);
    const a = await ask(endpoint, { id: '1', type: 'ping' });
    const b = await ask(endpoint, { id: '2', type: 'ping' });
    const bad = await ask(endpoint, { type: 'ping' });
    first.close();
    expect(a.instance).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.instance).toBe(a.instance);
    expect(bad).toMatchObject({ ok: false, code: 'bad-request', instance: a.instance });

    const endpoint2 = `tcp://127.0.0.1:${await freePort()}`;
    const second = new CommandRouter(handle, quiet);
    await second.bind(endpoint2);
    const c = await ask(endpoint2, { id: '1', type: 'ping' });
    second.close();
    expect(c.instance).toMatch(/^[0-9a-f-]{36}$/);
    expect(c.instance).not.toBe(a.instance);
  });

  test('a handler that throws gives an "internal" reply in one line, and the router goes on', async () => {
    const endpoint = `tcp://127.0.0.1:${await freePort()}`;
    const router = new CommandRouter((cmd) => (cmd.id === 'boom' ? Promise.reject(new Error('disk I/O error\n    at stack')) : Promise.resolve({ id: cmd.id, ok: true, type: 'stop' })), quiet);
    await router.bind(endpoint);
    expect(await ask(endpoint, { id: 'boom', type: 'ping' })).toMatchObject({ ok: false, code: 'internal', message: 'disk I/O error' });
    expect(await ask(endpoint, { id: 'ok', type: 'stop' })).toMatchObject({ ok: true, type: 'stop' });
    router.close();
  });
});
