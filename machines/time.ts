/**
 * Calendar arithmetic for statutory deadlines. Pure: the time is always an argument.
 *
 * Times are epoch milliseconds in UTC. Months are calendar months: three months after
 * 30 November is 28 (or 29) February, the last day that exists, which is how a deadline
 * "of three months" is read for Directive 2019/1937 Art. 9(1)(f).
 */

/** One day in milliseconds. */
export const DAY_MS = 24 * 60 * 60 * 1000;

/** `at` plus `days` whole days. */
export function addDays(at: number, days: number): number {
  return at + days * DAY_MS;
}

/** `at` plus `months` calendar months in UTC, clamped to the last day of the target month. */
export function addMonths(at: number, months: number): number {
  const date = new Date(at);
  const day = date.getUTCDate();
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  date.setUTCDate(Math.min(day, lastDay));

  return date.getTime();
}
