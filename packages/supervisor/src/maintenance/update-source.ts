/**
 * UPDATE_SOURCE: a directory or an https:// URL of a folder holding manifest.json and the archive it names.
 * Only reads: the archive is copied or downloaded into a file the caller chose, and checked by the caller.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import axios from 'axios';
import { MANIFEST_FILE, parseManifest, type Manifest } from './manifest';

export interface SourceOptions {
  /** Bound on each HTTPS request (connection and idle time). Default 60 s. */
  timeoutMs?: number;
  /** For tests of the HTTPS case (a local server with its own certificate). */
  httpsAgent?: unknown;
}

export class SourceError extends Error {}

function isUrl(source: string): boolean {
  return /^https:\/\//i.test(source);
}

/** The URL of a file in the source's folder (a URL without a trailing slash still names the folder). */
function fileUrl(source: string, name: string): string {
  const base = source.endsWith('/') ? source : `${source}/`;
  return new URL(name, base).href;
}

/** The source without any user:password@, for messages. */
export function describeSource(source: string): string {
  if (!isUrl(source)) return source;
  try {
    const url = new URL(source);
    if (url.password) url.password = '***';
    return url.href;
  } catch {
    return source;
  }
}

export async function readManifest(source: string, options: SourceOptions = {}): Promise<Manifest> {
  let text: string;
  if (isUrl(source)) {
    const url = fileUrl(source, MANIFEST_FILE);
    try {
      const res = await axios.get<string>(url, {
        responseType: 'text',
        transformResponse: (data: string) => data,
        timeout: options.timeoutMs ?? 60_000,
        httpsAgent: options.httpsAgent,
        validateStatus: () => true,
      });
      if (res.status !== 200) throw new SourceError(`${describeSource(url)} answered HTTP ${res.status}`);
      text = res.data;
    } catch (err) {
      if (err instanceof SourceError) throw err;
      throw new SourceError(`cannot read ${describeSource(url)}: ${(err as Error).message}`);
    }
  } else {
    const file = path.join(source, MANIFEST_FILE);
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new SourceError(`cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
  const check = parseManifest(text);
  if (!check.ok) throw new SourceError(`${check.problem} (UPDATE_SOURCE=${describeSource(source)})`);
  return check.manifest;
}

/** Copies or downloads the manifest's archive into `dest` (which the caller deletes if anything fails). */
export async function fetchArchive(source: string, manifest: Manifest, dest: string, options: SourceOptions = {}): Promise<void> {
  if (isUrl(source)) {
    const url = fileUrl(source, manifest.archive);
    try {
      const res = await axios.get<NodeJS.ReadableStream>(url, {
        responseType: 'stream',
        timeout: options.timeoutMs ?? 60_000,
        httpsAgent: options.httpsAgent,
        validateStatus: () => true,
      });
      if (res.status !== 200) {
        (res.data as unknown as { destroy?: () => void }).destroy?.();
        throw new SourceError(`${describeSource(url)} answered HTTP ${res.status}`);
      }
      await pipeline(res.data, fs.createWriteStream(dest));
    } catch (err) {
      if (err instanceof SourceError) throw err;
      throw new SourceError(`cannot download ${describeSource(url)}: ${(err as Error).message}`);
    }
    return;
  }
  const file = path.join(source, manifest.archive);
  try {
    await pipeline(fs.createReadStream(file), fs.createWriteStream(dest));
  } catch (err) {
    throw new SourceError(`cannot copy ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}
