import { ConnectorError } from '@ecr/common';
import { runTelecollection } from '../../src/maintenance/telecollection';

describe('runTelecollection (the first step of the maintenance)', () => {
  test('a protocol without telecollection is recorded as not supported, not as done', async () => {
    const step = await runTelecollection(() => Promise.reject(new ConnectorError('unsupported', 'the concert-v3 protocol has no telecollection message')), 'concert-v3');
    expect(step).toEqual({ outcome: 'not-supported', message: 'not supported by concert-v3' });
  });

  test('the terminal\'s answer is kept; any application not ok makes it incomplete', async () => {
    const ok = await runTelecollection(async () => ({ NbApp: '1', App: [{ Name: 'CB EMV', Status: '0' }] }), 'zvt');
    expect(ok).toMatchObject({ outcome: 'done', message: 'telecollection done: CB EMV ok', result: { NbApp: '1' } });
    const partial = await runTelecollection(async () => ({ NbApp: '2', App: [{ Name: 'CB EMV', Status: '0' }, { Name: 'AMEX', Status: '2' }] }), 'zvt');
    expect(partial).toMatchObject({ outcome: 'incomplete', message: 'telecollection incomplete: CB EMV ok, AMEX call error' });
  });

  test('tp-manager not answering is a failed step with its reason', async () => {
    const step = await runTelecollection(() => Promise.reject(new ConnectorError('not-connected', 'tp-manager does not answer')), 'concert-v3');
    expect(step).toEqual({ outcome: 'failed', message: 'telecollection failed: tp-manager does not answer' });
  });
});
