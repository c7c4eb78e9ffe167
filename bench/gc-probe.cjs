// Preloaded into tp-manager and the supervisor by `npm run bench -- --gc-probe` (with --expose-gc): on
// SIGUSR2, a full garbage collection, then one line with the live heap, so a growing RSS can be told apart
// from a leak. Not used in production.
'use strict';
process.on('SIGUSR2', () => {
  global.gc();
  global.gc();
  const m = process.memoryUsage();
  const mb = (n) => (n / 1048576).toFixed(2);
  process.stdout.write(`gc-probe heapUsed ${mb(m.heapUsed)} heapTotal ${mb(m.heapTotal)} external ${mb(m.external)} rss ${mb(m.rss)}\n`);
});
