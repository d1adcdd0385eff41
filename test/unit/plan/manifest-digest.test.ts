import { describe, expect, it } from 'vitest';
import type { DesiredAgent } from '../../../src/model/desired.js';
import { manifestDigest } from '../../../src/plan/manifest-digest.js';
import { desired } from '../../helpers/planner-builders.js';

const agent = (overrides: Partial<DesiredAgent> = {}): DesiredAgent => ({
  address: 'agent.bot',
  name: 'bot',
  model: 'gpt-4.1',
  tools: [],
  settings: {},
  protect: false,
  source: { file: 'assistants.yaml', line: 3, column: 3 },
  ...overrides,
});

describe('manifestDigest and agents', () => {
  it('changes with anything an agent says, even what is not sent (description, protect)', () => {
    const base = manifestDigest(desired({ agents: [agent()] }), new Map());
    for (const changed of [
      agent({ description: 'for people' }),
      agent({ protect: true }),
      agent({ settings: { temperature: 0.2 } }),
      agent({ renderTo: 'build/bot.json' }),
    ])
      expect(manifestDigest(desired({ agents: [changed] }), new Map())).not.toBe(base);
  });

  it('does not change with where the agent is written in the manifests', () => {
    const base = manifestDigest(desired({ agents: [agent()] }), new Map());
    const moved = agent({ source: { file: 'other.yaml', line: 40, column: 5 }, instructionsFile: 'x.md' });
    expect(manifestDigest(desired({ agents: [moved] }), new Map())).toBe(base);
  });
});
