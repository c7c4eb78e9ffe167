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
import { TerminalDriver } from './drivers/terminal-driver';
import { Journal } from './journal';
import { makeTransport } from './make-transport';
import { PaymentRunner } from './payment-runner';
import { CommandRouter } from './router';
import { Line } from './transports/line';

runProcess('tp-manager', async ({ config, logger, version, shutdown }) => {
  const journal = new Journal(dataPaths(config.dataDir).database('tp-manager'), randomUUID());
  const transport = makeTransport(config);
  const line = new Line(transport, logger);
  const channel = transport.raw ? new RawTlvChannel(line, logger) : new LinkChannel(line, logger);
  const driver = new TerminalDriver(channel, config.terminalProtocol === 'concert-v2' ? concertV2Codec : concertV3Codec);
  const runner = new PaymentRunner(journal, driver, line, logger);
  runner.closeInterrupted();
  const router = new CommandRouter((cmd) => handleCommand(cmd, { runner, journal, driver, line, version, onStop: () => shutdown('stop asked by the supervisor (GET /stop)') }), logger);
  try {
    await router.bind(config.tpManagerEndpoint);
  } catch (err) {
    journal.close();
    throw err;
  }
  await line.start();
  logger.info(`tp-manager answering on ${config.tpManagerEndpoint}; terminal ${config.terminalProtocol} on ${transport.description} (${line.state})`);
  return async () => {
    router.close();
    driver.close();
    await line.close();
    journal.close();
  };
});
