export { DAY, HOUR, ManualClock, MINUTE, SECOND } from '../../lambda/local/manual-clock.ts';
