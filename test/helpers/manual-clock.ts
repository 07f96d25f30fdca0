export { DAY, HOUR, MINUTE, ManualClock, SECOND } from '../../lambda/local/manual-clock.ts';
