/**
 * Signed releases (issue 13 item 7). The sha256 in manifest.json proves the archive is the one the manifest
 * names; the signature proves who wrote the manifest. The publisher signs the exact bytes of manifest.json
 * with an Ed25519 private key (node:crypto) into manifest.sig (base64) beside it; each kiosk holds the public
 * key in its data directory (release-key.pub, PEM) and refuses a release that is unsigned, signed by another
 * key, or changed after signing. The private key never goes to a kiosk.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import * as fs from 'node:fs';

export const SIGNATURE_FILE = 'manifest.sig';

/** A release the kiosk must not install; its message is the one line the maintenance records. */
export class ReleaseRefused extends Error {}

/** Creates `privateKeyFile` (mode 600) and `<privateKeyFile>.pub`; never overwrites either. */
export function writeNewKeyPair(privateKeyFile: string): { privateKeyFile: string; publicKeyFile: string } {
  const publicKeyFile = `${privateKeyFile}.pub`;
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  for (const file of [privateKeyFile, publicKeyFile]) {
    if (fs.existsSync(file)) throw new Error(`${file} already exists: not overwritten (a lost private key cannot sign again)`);
  }
  fs.writeFileSync(privateKeyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  fs.writeFileSync(publicKeyFile, publicKey.export({ type: 'spki', format: 'pem' }), { flag: 'wx' });
  return { privateKeyFile, publicKeyFile };
}

function readKey(file: string, kind: 'private' | 'public'): KeyObject {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the ${kind} key ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let key: KeyObject;
  try {
    key = kind === 'private' ? createPrivateKey(text) : createPublicKey(text);
  } catch {
    throw new Error(`${file} is not a PEM ${kind} key`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(`${file} is a ${key.asymmetricKeyType ?? 'unknown'} key, not Ed25519 (pack-release --new-key makes one)`);
  }
  return key;
}

/** The signature of `manifest` (the exact bytes written as manifest.json), as manifest.sig holds it. */
export function signManifest(manifest: Buffer, privateKeyFile: string): string {
  return sign(null, manifest, readKey(privateKeyFile, 'private')).toString('base64') + '\n';
}

/**
 * Throws ReleaseRefused unless `signature` (manifest.sig's text, or undefined when the source has none) is
 * the signature of `manifest` by the key in `publicKeyFile`. A missing or unreadable key refuses too.
 */
export function checkManifestSignature(manifest: Buffer, signature: string | undefined, publicKeyFile: string, where: string): void {
  let key: KeyObject;
  try {
    key = readKey(publicKeyFile, 'public');
  } catch (err) {
    const missing = !fs.existsSync(publicKeyFile);
    throw new ReleaseRefused(
      missing
        ? `no release public key at ${publicKeyFile}: updates are refused until the publisher's release-key.pub is there`
        : `${(err as Error).message}: updates are refused until ${publicKeyFile} holds the publisher's Ed25519 public key`,
    );
  }
  if (signature === undefined) throw new ReleaseRefused(`${where} has no ${SIGNATURE_FILE}: unsigned releases are refused`);
  const bytes = Buffer.from(signature.trim(), 'base64');
  if (bytes.length !== 64 || !verify(null, manifest, key, bytes)) {
    throw new ReleaseRefused(
      `${SIGNATURE_FILE} of ${where} does not verify with ${publicKeyFile}: signed by another key, or changed after signing`,
    );
  }
}
