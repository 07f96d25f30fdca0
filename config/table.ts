/**
 * The table's key schema, shared by the CDK stack and the service. Items:
 * `LICENSE#<sha256 of key>`/`LICENSE` (one per license), beside it `LICENSE#<sha256 of key>`/
 * `AUDIT#<iso time>#<id>` (the operators' audit trail, expired by TTL), `TRIAL#EMAIL#<email>`/`CLAIM` and
 * `TRIAL#DEVICE#<device>`/`CLAIM` (one trial each), `EVENT#<event id>`/`EVENT` (webhook
 * deliveries, expired by TTL), `ALIAS#ORDER|SUBSCRIPTION#<id>`/`ALIAS` (webhook look-ups),
 * `SWEEP#<name>`/`CURSOR` (where a scheduled sweep goes on), and, expired by TTL,
 * `RATE#<policy>#<subject>`/`WINDOW#<start>` (rate-limit counters, the LemonSqueezy budget's
 * among them) and `NEGATIVE#<sha256 of key>`/`NEGATIVE` (LemonSqueezy's refusals of keys we do
 * not hold). Every item the service writes carries `schemaVersion`, the version of its kind's shape
 * (docs/item-schema.md); items of release/stop-29 and before carry none.
 */
export const TABLE_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
  emailIndex: 'email-index',
  emailAttribute: 'email',
  ttlAttribute: 'ttl',
  schemaVersionAttribute: 'schemaVersion',
} as const;
