// The goals of `npm run bench`, checked on one run's figures. Each applies to the sizes it names;
// a size that did not run is skipped. `check(result)` gives [the measured figure as text, met?].
import { limitedTotals } from './rate-limited.mjs';
import { BASELINE_NAME, OURS } from './tools.mjs';

const s = (x) => `${x.toFixed(x < 10 ? 2 : 1)} s`;
const mb = (x) => `${x.toFixed(0)} MB`;
/** A figure of ours in a stack size; a scenario that did not run makes the goal missed. */
const ours = (scenario, judge) => (r) => {
  const f = r.tools[OURS][scenario];
  return f ? judge(f, r) : ['did not run', false];
};
const peak = (figures) =>
  Math.max(
    ...Object.values(figures)
      .filter(Boolean)
      .map((f) => f.peakRssMb ?? 0),
  );

const STACK_GOALS = [
  {
    text: 'M, no-op plan: at most 15 requests',
    sizes: ['M'],
    check: ours('no-op plan', (f) => [f.requests, f.requests <= 15]),
  },
  {
    text: 'M, no-op plan: no file content read (bytes read well under the 200 MB file)',
    sizes: ['M'],
    check: ours('no-op plan', (f) => [`${f.readMb.toFixed(1)} MB read`, f.readMb < 100]),
  },
  {
    text: 'M, no-op plan: no slower than the SDK script',
    sizes: ['M'],
    check: ours('no-op plan', (f, r) => {
      const base = r.tools[BASELINE_NAME]['no-op plan'];
      return [`${s(f.seconds)} vs ${s(base.seconds)}`, f.seconds <= base.seconds];
    }),
  },
  {
    text: 'M, first apply: requests at most 1.05 × the bound',
    sizes: ['M'],
    check: ours('first apply', (f, r) => {
      const ratio = f.requests / r.bounds['first apply'].requests;
      return [`${f.requests} / ${r.bounds['first apply'].requests} = ${ratio.toFixed(3)}`, ratio <= 1.05];
    }),
  },
  {
    text: "M, first apply: bytes read at most 1.05 × the stack's bytes",
    sizes: ['M'],
    check: ours('first apply', (f, r) => {
      const ratio = (f.readMb * 1e6) / r.stackBytes;
      return [
        `${f.readMb.toFixed(1)} MB / ${(r.stackBytes / 1e6).toFixed(1)} MB = ${ratio.toFixed(3)}`,
        ratio <= 1.05,
      ];
    }),
  },
  {
    text: 'M, first apply: wall time at least 1.5 × better than the SDK script',
    sizes: ['M'],
    check: ours('first apply', (f, r) => {
      const base = r.tools[BASELINE_NAME]['first apply'];
      const speedup = base.seconds / f.seconds;
      return [`${s(base.seconds)} / ${s(f.seconds)} = ${speedup.toFixed(2)}×`, speedup >= 1.5];
    }),
  },
  {
    text: 'L, first apply (5,000 files): peak RSS under 200 MB',
    sizes: ['L'],
    check: ours('first apply', (f) => [mb(f.peakRssMb), f.peakRssMb < 200]),
  },
  {
    text: 'every size and scenario: assistants-iac peak RSS under 200 MB',
    sizes: ['S', 'M', 'L'],
    perSize: true,
    check: (r) => [`at most ${mb(peak(r.tools[OURS]))}`, peak(r.tools[OURS]) < 200],
  },
  {
    text: 'XL (20,000 files): assistants-iac peak RSS under 250 MB',
    sizes: ['XL'],
    check: (r) => [`at most ${mb(peak(r.tools[OURS]))}`, peak(r.tools[OURS]) < 250],
  },
  {
    text: 'XL, no-op plan: requests at most 1.0 × the bound',
    sizes: ['XL'],
    check: ours('no-op plan', (f, r) => [
      `${f.requests} / ${r.bounds['no-op plan'].requests}`,
      f.requests <= r.bounds['no-op plan'].requests,
    ]),
  },
  ...['first apply', 'destroy'].map((scenario) => ({
    text: `XL, ${scenario}: wall time at most 1.3 × the bound`,
    sizes: ['XL'],
    check: ours(scenario, (f, r) => {
      const ratio = f.seconds / r.bounds[scenario].seconds;
      return [
        `${s(f.seconds)} / ${s(r.bounds[scenario].seconds)} = ${ratio.toFixed(2)}${f.unexpected ? ` (but ${f.unexpected})` : ''}`,
        !f.unexpected && ratio <= 1.3,
      ];
    }),
  })),
  {
    text: 'every command of assistants-iac and the SDK script exited as expected',
    sizes: ['S', 'M', 'L', 'XL'],
    perSize: true,
    check: (r) => {
      const failed = Object.entries(r.tools).flatMap(([tool, steps]) =>
        Object.entries(steps)
          .filter(([, f]) => f?.unexpected)
          .map(([step, f]) => `${tool} ${step}: ${f.unexpected}`),
      );
      return [failed.length === 0 ? 'all' : failed.join('; '), failed.length === 0];
    },
  },
];

const limitedGoals = (size) => {
  const apply = (r) => r.tools[OURS]['first apply'];
  return [
    {
      text: `${size}, first apply under the limit: exits 0 in one run`,
      sizes: [size],
      check: (r) => [`exit ${apply(r).code}`, apply(r).code === 0],
    },
    {
      text: `${size}: the plan right after exits 0 (nothing left to do)`,
      sizes: [size],
      check: (r) => {
        const plan = r.tools[OURS]['plan right after'];
        return [`exit ${plan.code}`, plan.code === 0];
      },
    },
    {
      text: `${size}: 429s at most 5% of all requests (apply and plan)`,
      sizes: [size],
      check: (r) => {
        const t = limitedTotals(r.tools[OURS]);
        return [`${t.limited} / ${t.requests} = ${(t.share * 100).toFixed(1)}%`, t.share <= 0.05];
      },
    },
    {
      text: `${size}, first apply: wall time at most 1.15 × the bound under the limit`,
      sizes: [size],
      check: (r) => {
        // Fast but failed is not converged: the time counts only for an apply that exits 0.
        const { code, seconds } = apply(r);
        const ratio = seconds / r.bound.seconds;
        return [
          `${s(seconds)} / ${s(r.bound.seconds)} = ${ratio.toFixed(2)}${code === 0 ? '' : ` (but exit ${code})`}`,
          code === 0 && ratio <= 1.15,
        ];
      },
    },
  ];
};

const OTHER_GOALS = [
  {
    text: 'TTY: apply on a terminal at most 2 × (or + 5 s) the apply redirected to a file',
    sizes: ['TTY'],
    check: (r) => {
      const pty = r.runs['pseudo-terminal'];
      const file = r.runs['redirected to a file'];
      const allowed = Math.max(2 * file.seconds, file.seconds + 5);
      const codes = pty.code === 0 && file.code === 0;
      return [
        `${s(pty.seconds)} vs ${s(file.seconds)} (${(pty.seconds / file.seconds).toFixed(2)}×)${codes ? '' : `; exits ${pty.code}, ${file.code}`}`,
        codes && pty.seconds <= allowed,
      ];
    },
  },
  {
    text: 'START: `assistants --version` at most 2 × `node -e 0` (medians)',
    sizes: ['START'],
    check: (r) => {
      const ours = r.commands['assistants --version'];
      const bare = r.commands['node -e 0'].median;
      const ratio = ours.median / bare;
      return [
        `${s(ours.median)} / ${s(bare)} = ${ratio.toFixed(2)}×`,
        ratio <= 2 && ours.codes.every((c) => c === 0),
      ];
    },
  },
  {
    text: 'START: `assistants validate` of examples/support-bot at most 0.35 s (median)',
    sizes: ['START'],
    check: (r) => {
      const v = r.commands['assistants validate (examples/support-bot)'];
      return [s(v.median), v.median <= 0.35 && v.codes.every((c) => c === 0)];
    },
  },
];

export const GOALS = [...STACK_GOALS, ...limitedGoals('RL600'), ...limitedGoals('RL200'), ...OTHER_GOALS];

/**
 * Every goal that applies to a result of the run: `{ label, value, ok }`, in GOALS order; first,
 * one missed goal per size that did not run to the end (its own goals cannot be checked).
 */
export function checkGoals(run) {
  const checked = run.sizes
    .filter((result) => result.kind === 'error')
    .map((result) => ({
      label: `${result.size} runs to the end`,
      value: result.error.split('\n')[0],
      ok: false,
    }));
  for (const goal of GOALS)
    for (const result of run.sizes) {
      if (!goal.sizes.includes(result.size) || result.kind === 'error') continue;
      let value;
      let ok;
      try {
        [value, ok] = goal.check(result);
      } catch (err) {
        // A figure the run could not take (a process that died early) is a goal not met.
        [value, ok] = [`not measured (${err.message})`, false];
      }
      checked.push({ label: goal.perSize ? `${goal.text} (${result.size})` : goal.text, value, ok });
    }
  return checked;
}
