/**
 * tp-manager: owns the terminal (line, protocol, journal) and answers the supervisor on TP_MANAGER_ENDPOINT.
 */
import { randomUUID } from 'node:crypto';
import { dataPaths, runProcess } from '@ecr/common';
import { handleCommand } from './command-handler';
import { concertV2Codec } from './drivers/concert-v2-codec';
import { concertV3Codec } from './drivers/concert-v3-codec';
import { LinkChannel } from './drivers/link-channel';
import { RawTlvChannel } from './drivers/raw-tlv-channel';
import type { TerminalAdmin } from './drivers/terminal-admin';
import { TerminalDriver, type PaymentDriver } from './drivers/terminal-driver';
import { ZvtApduLink } from './drivers/zvt-apdu-link';
import { ZvtDriver } from './drivers/zvt-driver';
import { keepUnsolicitedAnswers } from './drivers/zvt-unattributed';
import { Journal } from './journal';
import { makeTransport } from './make-transport';
import { PaymentRunner } from './payment-runner';
import { CommandRouter } from './router';
import { SharedProbe } from './shared-probe';
import { Line } from './transports/line';

/** How often an answer the disk refused is tried again (also before every command). */
const JOURNAL_RETRY_MS = 2000;
const CRLF = Buffer.from('\r\n', 'latin1');

runProcess('tp-manager', async ({ config, logger, version, shutdown }) => {
  const journal = new Journal(dataPaths(config.dataDir).database('tp-manager'), randomUUID());
  const transport = makeTransport(config);
  const line = new Line(transport, logger);
  let driver: PaymentDriver;
  let admin: TerminalAdmin | undefined;
  if (config.terminalProtocol === 'zvt') {
    const apduLink = new ZvtApduLink(line, config.terminalLink.kind === 'tcp' ? 'tcp' : 'serial', logger);
    const zvtDriver = new ZvtDriver(apduLink, line, logger, { password: config.zvtPassword, paymentTimeoutMs: config.paymentTimeoutS * 1000 });
    keepUnsolicitedAnswers(zvtDriver, journal, logger);
    driver = zvtDriver;
    admin = zvtDriver;
  } else {
    const channel = transport.raw
      ? new RawTlvChannel(line, logger, config.terminalProfile === 'hipay-nepting' ? { requestSuffix: CRLF } : {})
      : new LinkChannel(line, logger);
    driver = new TerminalDriver(channel, config.terminalProtocol === 'concert-v2' ? concertV2Codec : concertV3Codec);
  }
  const runner = new PaymentRunner(journal, driver, line, logger);
  runner.closeInterrupted();
  const probe = new SharedProbe(() => driver.probe());
  const router = new CommandRouter(
    (cmd) => handleCommand(cmd, { runner, journal, driver, admin, line, probe, version, onStop: () => shutdown('stop asked by the supervisor (GET /stop)') }),
    logger,
  );
  try {
    await router.bind(config.tpManagerEndpoint);
  } catch (err) {
    journal.close();
    throw err;
  }
  // Disk faults lose nothing: what the disk refused is written as soon as it allows.
  let reported: string | undefined;
  const retry = setInterval(() => {
    const fault = journal.fault;
    if (!fault) return;
    if (journal.flush()) {
      reported = undefined;
      logger.info('the journal is writable again: the answers kept in memory are written');
    } else if (fault !== reported) {
      reported = fault;
      logger.error(`${fault}; new payments are refused until it can be written`);
    }
  }, JOURNAL_RETRY_MS);
  retry.unref();
  await line.start();
  logger.info(
    `tp-manager answering on ${config.tpManagerEndpoint} (instance ${router.instance}, journal ${journal.id}); ` +
      `terminal ${config.terminalProtocol} (${config.terminalProfile}) on ${transport.description} (${line.state})`,
  );
  return async () => {
    clearInterval(retry);
    router.close();
    driver.close();
    await line.close();
    if (!journal.flush()) logger.error(`stopping with ${journal.fault}: the supervisor received them; check the terminal's own journal`);
    journal.close();
  };
});
