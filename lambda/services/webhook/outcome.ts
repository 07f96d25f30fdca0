/**
 * What a delivery did: `applied` changed state, `stale` was older than what is stored,
 * `duplicate` was applied before, `ignored` is not ours or not relevant. All answer 200.
 */
export type EventOutcome = 'applied' | 'stale' | 'duplicate' | 'ignored';
