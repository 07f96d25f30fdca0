export { DAY, HOUR, ManualClock, MINUTE, SECOND } from '#local/manual-clock.ts';
