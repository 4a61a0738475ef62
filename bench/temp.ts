/** @module Fresh temp directories for the bench, each removed when its scenario is done. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Runs `fn` with a fresh directory under the OS temp dir and removes it afterwards, whatever happens. */
export async function withTempDir<T>(prefix: string, fn: (dir: string) => Promise<T> | T): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  try {
    return await fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
