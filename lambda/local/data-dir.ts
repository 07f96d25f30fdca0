import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rotateKeySet, serializeKeySet } from '#adapters/signing/key-rotation.ts';
import { parseKeySet } from '#adapters/signing/key-set.ts';

/** The file in RAVN_LOCAL_DATA_DIR that holds the lease signing key set. */
export const SIGNING_KEY_FILE = 'signing-key.json';

/**
 * The lease signing key set kept beside the table in `dataDir`, made on the first start: the
 * table outlives a restart, so must the key, or every lease issued before it names a kid
 * `/v1/keys` no longer lists. Readable by this user only; a file that is not a key set stops
 * the start rather than being replaced (leases signed with it would stop verifying).
 */
export function signingKeyIn(dataDir: string, now: Date): string {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, SIGNING_KEY_FILE);
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text === undefined) {
    text = serializeKeySet(rotateKeySet(undefined, now));
    try {
      // `wx`: never over a key another start wrote meanwhile; that one is read instead.
      writeFileSync(file, text, { mode: 0o600, flag: 'wx' });
      return text;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return signingKeyIn(dataDir, now);
      throw error;
    }
  }
  try {
    parseKeySet(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${file} is not a usable key set (${reason}); move it away to start afresh`);
  }
  return text;
}
