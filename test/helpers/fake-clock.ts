/**
 * A fake clock whose sleepers wake only when the test moves time on, so the order in which callers
 * get through is exactly what the code under test decided.
 */
export function fakeClock() {
  let now = 0;
  const sleepers: { until: number; wake: () => void }[] = [];
  const slept: number[] = [];
  return {
    now: () => now,
    random: () => 0,
    /** Every wait asked for, in order. */
    slept,
    sleep: (ms: number) =>
      new Promise<void>((wake) => {
        slept.push(ms);
        sleepers.push({ until: now + ms, wake });
      }),
    /** Moves time to `now + ms`, waking each sleeper that is due, in time order. */
    async advance(ms: number) {
      const target = now + ms;
      for (;;) {
        await flush();
        sleepers.sort((a, b) => a.until - b.until);
        const next = sleepers[0];
        if (!next || next.until > target) break;
        sleepers.shift();
        now = Math.max(now, next.until);
        next.wake();
      }
      now = target;
      await flush();
    },
  };
}

/** Lets pending promise callbacks run. */
export const flush = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};
