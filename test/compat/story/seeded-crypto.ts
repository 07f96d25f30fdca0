import { createHash } from 'node:crypto';
import { createRequire, syncBuiltinESMExports } from 'node:module';

/**
 * Makes `node:crypto`'s random functions replayable for one process: every byte comes from a
 * SHA-256 counter stream over `seed`, so the story writes the same ids, keys and tokens on every
 * run and the fixture it leaves is the same file each time. Only the fixture script calls it,
 * before it loads the service; nothing of the service or its tests runs on it otherwise.
 */
export function seedNodeCrypto(seed: string): void {
  const crypto = createRequire(import.meta.url)('node:crypto') as Record<string, unknown>;
  let counter = 0;
  let pool = Buffer.alloc(0);
  const take = (size: number): Buffer => {
    while (pool.length < size) {
      const block = createHash('sha256').update(`${seed}#${counter}`).digest();
      counter += 1;
      pool = Buffer.concat([pool, block]);
    }
    const bytes = pool.subarray(0, size);
    pool = pool.subarray(size);
    return Buffer.from(bytes);
  };
  const randomBytes = (size: number, callback?: (error: null, bytes: Buffer) => void) => {
    const bytes = take(size);
    if (!callback) return bytes;
    queueMicrotask(() => callback(null, bytes));
    return undefined;
  };
  const randomInt = (first: number, second?: number | ((error: null, n: number) => void)) => {
    const [min, max] = typeof second === 'number' ? [first, second] : [0, first];
    const value = min + (take(6).readUIntBE(0, 6) % (max - min));
    if (typeof second === 'function') {
      queueMicrotask(() => second(null, value));
      return undefined;
    }
    return value;
  };
  const randomUUID = () => {
    const bytes = take(16);
    bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
    bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
    const hex = bytes.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
  Object.assign(crypto, { randomBytes, randomInt, randomUUID });
  syncBuiltinESMExports();
}
