const PREFIX = 'ravn-activate';
const NAME = /^ravn-activate ([0-9a-f]{64}) /;

/**
 * The name of a license's OpenRouter key. It carries the license's hash (not its key), so the
 * orphan reaper can tell, from OpenRouter's key list alone, which license a key was made for.
 */
export function aiKeyName(licenseHash: string, periodEnd: Date): string {
  return `${PREFIX} ${licenseHash} until ${periodEnd.toISOString().slice(0, 10)}`;
}

/** The license hash in a key name we gave, or undefined for keys that are not ours. */
export function licenseHashInKeyName(name: string): string | undefined {
  return NAME.exec(name)?.[1];
}
