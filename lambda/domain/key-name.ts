const PREFIX = 'ravn-activate';
const NAME = /^ravn-activate ([a-z0-9-]{1,40}) ([0-9a-f]{64}) until /;

/**
 * The name of a license's OpenRouter key. It carries the deployment's id and the license's hash
 * (not its key), so the orphan reaper can tell, from OpenRouter's key list alone, which license a
 * key was made for, and never touches keys of another deployment sharing the account (I6).
 */
export function aiKeyName(deploymentId: string, licenseHash: string, periodEnd: Date): string {
  return `${PREFIX} ${deploymentId} ${licenseHash} until ${periodEnd.toISOString().slice(0, 10)}`;
}

/** The license hash in a key name this deployment gave, or undefined for any other key. */
export function licenseHashInKeyName(name: string, deploymentId: string): string | undefined {
  const match = NAME.exec(name);
  return match && match[1] === deploymentId ? match[2] : undefined;
}
