/**
 * supervisor: the kiosk's local API, the order book, and delivery of orders to HiPay.
 */
import * as http from 'node:http';
import Database from 'better-sqlite3';
import { dataPaths, runProcess } from '@ecr/common';
import { startHipaySandbox, type HipaySandbox } from '@ecr/hipay-sandbox';
import { Connector } from './connector-service';
import { JournalSync } from './journal-sync';
import { OrderRecorder } from './order-recorder';
import { createHipayClient, followHipayConfig, HipayOutbox } from './hipay';
import { createApp } from './http';
import { startMaintenance, withMaintenance } from './maintenance';
import { ConnectorMetrics, lastMaintenanceOutcome, timePayments, withHealthFacts } from './metrics';
import { OrderBook } from './order-book';
import { TpManagerClient } from './tp-client';

runProcess('supervisor', async ({ config, logger, version }) => {
  const db = new Database(dataPaths(config.dataDir).database('supervisor'));
  db.pragma('journal_mode = WAL');
  // NORMAL: a commit survives a crash of the process, not of the machine. What a power cut could take back
  // is rebuilt from tp-manager's journal (synchronous=FULL), the record that money moved: journal sync,
  // orders adopted from it, and the outbox's look-up-before-resend at HiPay.
  db.pragma('synchronous = NORMAL');
  const orders = new OrderBook(db);
  // GET /metrics. Levels are read at scrape time from their owners below (outbox, order book, tp-manager,
  // maintenance), which all exist by the time the local API listens.
  const metrics = new ConnectorMetrics({
    version,
    kioskId: config.kioskId,
    sources: {
      tpManagerUp: () => tp.up,
      outbox: () => outbox.counts(),
      outcomeUnknownOrders: () => orders.stateSummary().unknown.count,
      lastMaintenance: () => lastMaintenanceOutcome(maintenance.report().lastRun),
    },
  });

  let sandbox: HipaySandbox | undefined;
  let baseUrl = config.hipayUrl;
  if (config.hipaySandbox) {
    sandbox = await startHipaySandbox({ port: 0, login: config.hipayLogin, password: config.hipayPwd, hashKey: config.hipayHashkey || undefined });
    baseUrl = sandbox.url;
    logger.info(`HIPAY_LOGIN=sandbox: orders go to the embedded HiPay sandbox at ${baseUrl}`);
  }
  const client = createHipayClient({ baseUrl, login: config.hipayLogin, password: config.hipayPwd, timeoutMs: 30_000 });
  const outbox = new HipayOutbox({
    db,
    client,
    settings: { hashKey: config.hipayHashkey, mid: config.hipayMid, acquirerId: config.hipayAcquirerId },
    logger,
    onTry: (result) => metrics.hipayTry(result),
  });
  // A restart is how a technician applies fixed credentials: give refused orders one more chance.
  const retried = outbox.retryRefused();
  if (retried > 0) logger.info(`retrying ${retried} order(s) HiPay refused before this start`);
  outbox.start();
  // A fixed config.txt is taken without a restart: new HiPay settings, refused orders tried again.
  const unfollowConfig = followHipayConfig({ outbox, config, logger, sandboxUrl: sandbox?.url, timeoutMs: 30_000 });

  const tp = new TpManagerClient({ endpoint: config.tpManagerEndpoint }, logger);
  const unfollowTp = metrics.follow(tp);
  tp.startHeartbeat();
  const recorder = new OrderRecorder(orders, outbox, logger);
  const timed = timePayments(tp, metrics, logger);
  const connector = new Connector(orders, timed.tp, outbox, recorder, logger, {
    paymentTimeoutMs: config.paymentTimeoutS * 1000,
    hipayTimeoutMs: config.hipayTimeoutMs,
    version,
  });
  const journalSync = new JournalSync(orders, tp, recorder, logger, () => connector.activeCommandId);
  journalSync.start();
  const maintenance = startMaintenance({ config, connector, logger, version });

  const service = withHealthFacts(timed.service(withMaintenance(connector, maintenance)), {
    kioskId: config.kioskId,
    dataDir: config.dataDir,
    orderStates: () => orders.stateSummary(),
  });
  const app = createApp({ login: config.terminalManagerLogin, password: config.terminalManagerPwd, service, logger, version, metrics });
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new Error(
          err.code === 'EADDRINUSE'
            ? `LOCAL_PORT=${config.localPort} is already in use on ${config.bindAddress} (is another supervisor running?)`
            : `cannot listen on ${config.bindAddress}:${config.localPort}: ${err.message}`,
        ),
      ),
    );
    server.listen(config.localPort, config.bindAddress, () => resolve());
  });
  logger.info(`local API on http://${config.bindAddress}:${config.localPort} (tp-manager at ${config.tpManagerEndpoint})`);

  return async () => {
    maintenance.stop();
    journalSync.stop();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    unfollowTp();
    tp.close();
    unfollowConfig();
    await outbox.stop();
    await sandbox?.close();
    db.close();
  };
});
