import { createHash } from 'node:crypto';
import * as fs from 'node:fs';

/** SHA-256 of a file as lower-case hex, read as a stream (archives can be large). */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
