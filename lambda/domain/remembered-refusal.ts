/**
 * The refusals LemonSqueezy's answer about a key we do not hold can lead to, which are remembered
 * for a while (the negative cache, `NEGATIVE_CACHE_SECONDS`). Apart from the cache's adapter, so
 * that the services reading them import no SDK code.
 */
export const REMEMBERED_CODES = ['LICENSE_NOT_FOUND', 'PRODUCT_NOT_ALLOWED'] as const;

export interface RememberedRefusal {
  code: (typeof REMEMBERED_CODES)[number];
  detail: string;
}
