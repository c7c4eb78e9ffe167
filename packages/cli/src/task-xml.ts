/**
 * The Task Scheduler definition of the watchdog (scripts/windows/unattended-ecr-connector.xml), filled in for
 * one installation: the install path XML-escaped, the data directory (when not the default) passed as an
 * argument quoted by Windows' rules, UTF-16 as Task Scheduler exports it. install-task.cmd registers the result.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { quoteWindowsArg } from './windows-args';

/** The placeholder for the installation folder in the template. */
export const TEMPLATE_ROOT = 'C:\\ecr';

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch]!);
}

export interface TaskOptions {
  installRoot: string;
  /** Passed as --data-dir when set. */
  dataDir?: string;
}

/** The task's XML text for this installation. */
export function renderTaskXml(template: string, o: TaskOptions): string {
  const root = o.installRoot.replace(/[\\/]+$/, '');
  let xml = template.split(`<Command>${TEMPLATE_ROOT}\\scripts\\always-up.cmd</Command>`).join(`<Command>${escapeXml(`${root}\\scripts\\always-up.cmd`)}</Command>`);
  xml = xml.split(`<WorkingDirectory>${TEMPLATE_ROOT}</WorkingDirectory>`).join(`<WorkingDirectory>${escapeXml(root)}</WorkingDirectory>`);
  if (o.dataDir !== undefined) {
    const args = `--data-dir ${quoteWindowsArg(o.dataDir)}`;
    xml = xml.replace('</Command>', `</Command>\n      <Arguments>${escapeXml(args)}</Arguments>`);
  }
  return xml.replace(/encoding="UTF-8"/, 'encoding="UTF-16"');
}

export function templateFile(installRoot: string): string {
  return path.join(installRoot, 'scripts', 'windows', 'unattended-ecr-connector.xml');
}

/** Writes the task for this installation as UTF-16LE with a byte order mark. */
export function writeTaskXml(out: string, o: TaskOptions): void {
  const xml = renderTaskXml(fs.readFileSync(templateFile(o.installRoot), 'utf8'), o);
  fs.writeFileSync(out, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml.replace(/\r?\n/g, '\r\n'), 'utf16le')]));
}
