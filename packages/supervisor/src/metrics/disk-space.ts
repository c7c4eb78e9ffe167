/** Free space on the file system that holds a directory (GET /health's disk), from fs.statfs. */
import { promises as fs } from 'node:fs';

export interface DiskSpace {
  path: string;
  /** What an unprivileged process may still write (f_bavail), bytes. */
  freeBytes: number;
  totalBytes: number;
}

/** undefined when the file system cannot tell (the report is still given without it). */
export async function diskSpace(dir: string): Promise<DiskSpace | undefined> {
  try {
    const s = await fs.statfs(dir);
    return { path: dir, freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
  } catch {
    return undefined;
  }
}
