/**
 * The telecollection step: the terminal sends the day's transactions to the acquirer. Concert V2 and V3 have
 * no such message (tp-manager answers "unsupported"): that is recorded as it is, not as a success.
 */
import { ConnectorError, type TlcResult } from '@ecr/common';
import type { TelecollectionStep } from '@ecr/updater';

const STATUS_TEXT: Record<string, string> = { '0': 'ok', '1': 'incomplete', '2': 'call error', '3': 'no call' };

export async function runTelecollection(tlc: () => Promise<TlcResult>, protocol: string): Promise<TelecollectionStep> {
  let result: TlcResult;
  try {
    result = await tlc();
  } catch (err) {
    if (err instanceof ConnectorError && err.code === 'unsupported') {
      return { outcome: 'not-supported', message: `not supported by ${protocol}` };
    }
    return { outcome: 'failed', message: `telecollection failed: ${(err as Error).message}` };
  }
  const apps = result.App.map((a) => `${a.Name} ${STATUS_TEXT[a.Status] ?? `status ${a.Status}`}`);
  const allOk = result.App.length > 0 && result.App.every((a) => a.Status === '0');
  return {
    outcome: allOk ? 'done' : 'incomplete',
    message: `telecollection ${allOk ? 'done' : 'incomplete'}: ${apps.join(', ') || 'no application reported'}`,
    result,
  };
}
