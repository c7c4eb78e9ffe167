/**
 * UPDATE_SOURCE: a directory or an https:// URL of a folder holding manifest.json and the archive it names.
 * Only reads: the manifest is checked against its signature (release-signature.ts) before it is parsed; the
 * archive is copied or downloaded into a file the caller chose, and checked by the caller.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import axios from 'axios';
import { MANIFEST_FILE, parseManifest, type Manifest } from './manifest';
import { checkManifestSignature, SIGNATURE_FILE } from './release-signature';

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

/** A file of the source folder, or undefined when the source has no such file (ENOENT, HTTP 404). */
async function readSourceFile(source: string, name: string, options: SourceOptions): Promise<Buffer | undefined> {
  if (isUrl(source)) {
    const url = fileUrl(source, name);
    try {
      const res = await axios.get<ArrayBuffer>(url, {
        responseType: 'arraybuffer',
        timeout: options.timeoutMs ?? 60_000,
        httpsAgent: options.httpsAgent,
        validateStatus: () => true,
      });
      if (res.status === 404) return undefined;
      if (res.status !== 200) throw new SourceError(`${describeSource(url)} answered HTTP ${res.status}`);
      return Buffer.from(res.data);
    } catch (err) {
      if (err instanceof SourceError) throw err;
      throw new SourceError(`cannot read ${describeSource(url)}: ${(err as Error).message}`);
    }
  }
  const file = path.join(source, name);
  try {
    return fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new SourceError(`cannot read ${file} (${code ?? (err as Error).message})`);
  }
}

/**
 * The source's manifest, once its signature (manifest.sig) verifies with the kiosk's public key
 * (`publicKeyFile`): a release that is unsigned or badly signed throws ReleaseRefused, before any of the
 * manifest's contents is trusted; an unreachable source throws SourceError.
 */
export async function readManifest(source: string, publicKeyFile: string, options: SourceOptions = {}): Promise<Manifest> {
  const where = isUrl(source) ? describeSource(fileUrl(source, MANIFEST_FILE)) : path.join(source, MANIFEST_FILE);
  const bytes = await readSourceFile(source, MANIFEST_FILE, options);
  if (bytes === undefined) throw new SourceError(isUrl(source) ? `${where} answered HTTP 404` : `cannot read ${where} (ENOENT)`);
  const signature = await readSourceFile(source, SIGNATURE_FILE, options);
  checkManifestSignature(bytes, signature?.toString('utf8'), publicKeyFile, where);
  const check = parseManifest(bytes.toString('utf8'));
  if (!check.ok) throw new SourceError(`${check.error} (UPDATE_SOURCE=${describeSource(source)})`);
  return check.value;
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
