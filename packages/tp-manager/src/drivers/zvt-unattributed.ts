/**
 * A ZVT payment result that arrives outside any command settles nothing (money rule 3): ZVT answers carry
 * no reference, so only the session that ran a payment can tie a result to it. It goes to the journal's
 * unattributed store for reconciliation, as an answer the attribution could not credit.
 */
import type { Journal } from '../journal';
import type { UnsolicitedAnswer, ZvtDriver } from './zvt-driver';
import type { Logger } from '@ecr/common';

export function keepUnsolicitedAnswers(driver: ZvtDriver, journal: Pick<Journal, 'addUnattributed'>, logger: Pick<Logger, 'warn'>): void {
  driver.on('unsolicited', ({ what, answer }: UnsolicitedAnswer) => {
    try {
      journal.addUnattributed({ result: answer.result, why: `the terminal sent ${what}: ZVT answers carry no reference and no command of ours was running` });
      logger.warn(`terminal answer kept unattributed for reconciliation: ${what}, outcome ${answer.result.outcome}`);
    } catch (err) {
      logger.warn(`could not keep an unsolicited terminal answer: ${(err as Error).message}`);
    }
  });
}
