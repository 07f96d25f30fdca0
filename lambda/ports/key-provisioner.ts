/** An OpenRouter key just created; `token` is shown this once and must be stored now. */
export interface ProvisionedKey {
  hash: string;
  token: string;
  limit: number;
  limitRemaining: number;
  expiresAt: string;
}

export interface KeyUsage {
  limitRemaining: number;
  /** USD spent on the key so far. */
  usage: number;
  disabled: boolean;
}

/** A key as OpenRouter lists it (no plaintext). */
export interface ListedKey {
  hash: string;
  name: string;
  disabled: boolean;
  createdAt: string;
}

/** The AI key issuer (OpenRouter management API). Failures throw `UpstreamError`. */
export interface KeyProvisioner {
  /** Creates a key with a dollar limit that expires by itself at `expiresAt`. */
  create(input: { name: string; limitUsd: number; expiresAt: Date }): Promise<ProvisionedKey>;
  /** Current usage of a key, or null when the key no longer exists upstream. */
  usage(hash: string): Promise<KeyUsage | null>;
  /**
   * Stops a key from working and returns what it had spent (final: a disabled key cannot
   * spend), or null when the key no longer exists upstream.
   */
  disable(hash: string): Promise<{ usage: number } | null>;
  /** Lets a disabled key work again; false when the key no longer exists upstream. */
  enable(hash: string): Promise<boolean>;
  /** One page (up to 100, newest first) of the account's enabled keys, from `offset`. */
  list(offset: number): Promise<ListedKey[]>;
  /** Removes a key for good; a key already gone counts as deleted. */
  remove(hash: string): Promise<void>;
}
