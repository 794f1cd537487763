/** A time shown short, for a list (its month and day, and the time to the minute); the full date is for its tooltip. */
export const shortDate = (ms: number): string => new Date(ms).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
