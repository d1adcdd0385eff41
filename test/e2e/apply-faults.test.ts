import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'vitest';
import { applyArgs, expectConverged, REPO, runCliProcess, type Target } from '../helpers/apply-process.js';
import { startFixture } from '../helpers/emulator.js';

// `assistants apply --auto-approve` of the examples against an emulator that fails one request in
// ten (500 or 503 before the work, or a dropped connection after it, the answer lost) and allows
// 120 requests a minute per route family (2/s; the client follows the x-ratelimit-* headers, so it
// meets few 429s, if any): the writer's retries, lost-create lookups and the client's pacing must
// carry one run to the end, and what it made must be exactly what the manifests describe, nothing twice.
//
// Seed 19 fails the 3rd request that passes the rate limit with a 503 and drops the 6th (an upload:
// the file is made, its answer lost). Both examples make at least 11 such requests, so every run
// sees both faults. Each run takes about 5 s (support-bot) and 6.5 s (knowledge-base).
const SEED = 19;

describe.concurrent('apply under faults (fault_rate 0.1, rate_limit_per_min 120)', () => {
  for (const example of ['support-bot', 'knowledge-base']) {
    it(`converges in one run for examples/${example}, and nothing is made twice`, async ({
      expect,
      onTestFinished,
    }) => {
      const fx = await startFixture({
        config: { fault_rate: 0.1, seed: SEED, rate_limit_per_min: 120, index_delay_ms: 200 },
        // The checks' own client (faults are off by then) reads over keep-alive connections.
        maxRetries: 2,
      });
      const cwd = await mkdtemp(path.join(tmpdir(), 'assistants-iac-faults-'));
      onTestFinished(async () => {
        await fx.close();
        await rm(cwd, { recursive: true, force: true });
      });
      const target: Target = { fx, manifests: path.join(REPO, 'examples', example), cwd };

      const started = Date.now();
      const run = await runCliProcess(applyArgs(target), cwd);
      const seconds = (Date.now() - started) / 1000;

      expect(run.code, `apply under faults (${seconds} s):\n${run.stdout}${run.stderr}`).toBe(0);
      expect(run.stdout).toContain('Apply complete!');
      const { statuses } = (await fx.control('stats')) as { statuses: Record<string, number> };
      // The run did meet what it is meant to survive, and kept under the rate limit.
      expect((statuses['500'] ?? 0) + (statuses['503'] ?? 0)).toBeGreaterThan(0);
      expect(statuses.dropped ?? 0).toBeGreaterThan(0);
      expect(statuses['429'] ?? 0).toBeLessThanOrEqual(2);

      await fx.control('config', { fault_rate: 0, rate_limit_per_min: 0 });
      await expectConverged(target);
    }, 60_000);
  }
});
