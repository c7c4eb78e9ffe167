/**
 * manifest.json of an UPDATE_SOURCE: {"version": "0.2.0", "archive": "<file>.tar.gz", "sha256": "<64 hex>"},
 * and "nodeModules": {"platform": "linux", "arch": "x64", "abi": "115"} when the archive carries its
 * production node_modules (built for that platform and Node ABI, process.versions.modules). It is signed
 * (manifest.sig, release-signature.ts).
 * Anything else is refused with one line naming the field, so whoever publishes a release can fix it.
 */
import type { Result } from '@ecr/common';
import { isVersion } from './version-order';

export const MANIFEST_FILE = 'manifest.json';

export interface Manifest {
  version: string;
  /** A file name beside manifest.json (no folder, no ".."). */
  archive: string;
  /** Lower-case hex. */
  sha256: string;
  /** Present when the archive carries node_modules: where they run. */
  nodeModules?: NodeModulesTarget;
}

export interface NodeModulesTarget {
  platform: string;
  arch: string;
  /** Node's module ABI (process.versions.modules): native modules are built for one. */
  abi: string;
}

/** The platform this process runs on, as a manifest names it. */
export function currentNodeModulesTarget(): NodeModulesTarget {
  return { platform: process.platform, arch: process.arch, abi: process.versions.modules };
}

export function describeTarget(t: NodeModulesTarget): string {
  return `${t.platform}-${t.arch}, Node ABI ${t.abi}`;
}

export function parseManifest(text: string): Result<Manifest> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `${MANIFEST_FILE} is not JSON (${(err as Error).message})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: `${MANIFEST_FILE} must be an object with version, archive and sha256` };
  }
  const { version, archive, sha256, nodeModules } = value as Record<string, unknown>;
  if (typeof version !== 'string' || !isVersion(version)) {
    return { ok: false, error: `${MANIFEST_FILE}: version ${JSON.stringify(version)} is not a version such as "0.2.0"` };
  }
  if (typeof archive !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._+-]*\.(tar\.gz|tgz)$/.test(archive)) {
    return {
      ok: false,
      error: `${MANIFEST_FILE}: archive ${JSON.stringify(archive)} is not the name of a .tar.gz file beside the manifest`,
    };
  }
  if (typeof sha256 !== 'string' || !/^[0-9A-Fa-f]{64}$/.test(sha256)) {
    return { ok: false, error: `${MANIFEST_FILE}: sha256 ${JSON.stringify(sha256)} is not 64 hexadecimal digits` };
  }
  const manifest: Manifest = { version: version.trim().replace(/^v/, ''), archive, sha256: sha256.toLowerCase() };
  if (nodeModules !== undefined) {
    const t = nodeModules as Record<string, unknown> | null;
    const word = (v: unknown) => typeof v === 'string' && /^[A-Za-z0-9_.-]{1,32}$/.test(v);
    if (typeof t !== 'object' || t === null || !word(t.platform) || !word(t.arch) || !word(t.abi)) {
      return { ok: false, error: `${MANIFEST_FILE}: nodeModules must be {"platform", "arch", "abi"}, got ${JSON.stringify(nodeModules)}` };
    }
    manifest.nodeModules = { platform: t.platform as string, arch: t.arch as string, abi: t.abi as string };
  }
  return { ok: true, value: manifest };
}
