/** Issue 14 defects 4 and 10: the Task Scheduler definition install-task.cmd registers. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderTaskXml, templateFile } from '../src/task-xml';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const template = fs.readFileSync(templateFile(ROOT), 'utf8');

test('a time limit, so a hung run ends and the next trigger runs (IgnoreNew would skip them all)', () => {
  const limit = /<ExecutionTimeLimit>(\w+)<\/ExecutionTimeLimit>/.exec(template)?.[1];
  expect(limit).toBe('PT10M');
  expect(template).toContain('<MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>');
});

test('S4U: no stored password, so a password change does not stop the watchdog', () => {
  expect(/<LogonType>(\w+)<\/LogonType>/.exec(template)?.[1]).toBe('S4U');
});

test('the install path is XML-escaped; the data directory is quoted by Windows rules, then escaped', () => {
  const xml = renderTaskXml(template, { installRoot: 'C:\\Kiosk & Co <ecr>', dataDir: 'D:\\ecr data\\' });
  expect(xml).toContain('<Command>C:\\Kiosk &amp; Co &lt;ecr&gt;\\scripts\\always-up.cmd</Command>');
  expect(xml).toContain('<WorkingDirectory>C:\\Kiosk &amp; Co &lt;ecr&gt;</WorkingDirectory>');
  expect(xml).toContain('<Arguments>--data-dir &quot;D:\\ecr data\\\\&quot;</Arguments>');
  expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-16"\?>/);
  expect(xml).not.toContain('C:\\ecr\\');
});
