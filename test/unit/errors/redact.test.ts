import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../../src/errors/redact.js';
import { fakeKey } from '../../helpers/fake-key.js';

const KEY = 'my-proj-key-Zq81Vw02Lx93Tr3xyz';

/** Every 6-character piece of `secret` that `text` still holds. */
function fragments(text: string, secret: string): string[] {
  const found: string[] = [];
  for (let i = 0; i + 6 <= secret.length; i++) {
    const piece = secret.slice(i, i + 6);
    if (text.includes(piece)) found.push(piece);
  }
  return found;
}

describe('redactSecrets: the configured key', () => {
  it('removes the key itself, wherever it is', () => {
    const out = redactSecrets(`key ${KEY} is wrong; again: "${KEY}"`, { apiKey: KEY });
    expect(out).toBe('key [redacted] is wrong; again: "[redacted]"');
  });

  it('removes masked echoes of a key that has no known shape: ends kept around *, … or ...', () => {
    const echoes = [
      `Incorrect API key provided: ${KEY.slice(0, 9)}*********${KEY.slice(-4)}.`,
      `key ${KEY.slice(0, 4)}****${KEY.slice(-4)} refused`,
      `key '${KEY.slice(0, 6)}…${KEY.slice(-6)}' refused`,
      `key ${KEY.slice(0, 8)}...${KEY.slice(-3)}, refused`,
      `key ${KEY.slice(0, 10)}***** refused`,
      `key ****${KEY.slice(-6)} refused`,
    ];
    for (const echo of echoes) {
      const out = redactSecrets(echo, { apiKey: KEY });
      expect(out, echo).toContain('[redacted]');
      expect(fragments(out, KEY), echo).toEqual([]);
    }
    expect(redactSecrets(echoes[0] as string, { apiKey: KEY })).toBe(
      'Incorrect API key provided: [redacted].',
    );
  });

  it('removes any run of 8 or more characters of the key, quoted with no mask, in data output too', () => {
    const text = `Incorrect API key provided: ${KEY.slice(0, 18)}. Or was it "${KEY.slice(12, 20)}"?`;
    for (const shapes of [true, false]) {
      expect(redactSecrets(text, { apiKey: KEY }, { shapes })).toBe(
        'Incorrect API key provided: [redacted]. Or was it "[redacted]"?',
      );
    }
    // Seven characters are not a run: `my-proj` stays in a sentence about it.
    expect(redactSecrets(`see ${KEY.slice(0, 7)} docs`, { apiKey: KEY })).toBe(`see ${KEY.slice(0, 7)} docs`);
  });

  it('keeps one [redacted] for a masked echo whose start is also a run', () => {
    const echo = `key ${KEY.slice(0, 12)}*****${KEY.slice(-3)} refused`;
    expect(redactSecrets(echo, { apiKey: KEY })).toBe('key [redacted] refused');
  });

  it('keeps the public prefix of an OpenAI key, which every key shares', () => {
    const key = fakeKey('sk-proj-', 28, 'prefix');
    const text = 'project keys start with sk-proj- and service accounts with sk-svcacct-';
    expect(redactSecrets(text, { apiKey: key }, { shapes: false })).toBe(text);
    expect(redactSecrets(`bad key ${key.slice(0, 14)}`, { apiKey: key }, { shapes: false })).toBe(
      'bad key [redacted]',
    );
  });

  it('leaves masks that keep too little of the key, or none of it, alone', () => {
    const text = 'sha256: "98ea6e4f216f…", note: ** bold ** and ... trailing';
    expect(redactSecrets(text, { apiKey: KEY })).toBe(text);
  });
});

describe('redactSecrets: key shapes, known or not', () => {
  it('removes whole and masked OpenAI-shaped keys even when no key is configured', () => {
    const cases = [
      fakeKey('sk-', 28),
      fakeKey('sk-proj-', 30),
      'sk-proj-********************************************wxyz',
      fakeKey('sk-svcacct-', 24),
      fakeKey('sess-', 28),
      'sk-ab…yz',
      'sk-abcd...wxyz',
    ];
    for (const key of cases) {
      const out = redactSecrets(`Incorrect API key provided: ${key}. See the docs.`);
      expect(out, key).toMatch(/^Incorrect API key provided: (sk|sess)-\[redacted\]\. See the docs\.$/);
    }
  });

  it('keeps names that only look like a key prefix', () => {
    const text = 'file.sk-learn-notes and vector_store.sess-logs and task-list';
    expect(redactSecrets(text)).toBe(text);
  });
});

describe('redactSecrets: URL credentials', () => {
  it('removes user and password from any URL, keeping host and path', () => {
    const text =
      'cannot reach http://alice:s3cr3t-pass@127.0.0.1:9/v1 (GET /files): Request cannot be constructed from a URL that includes credentials: http://alice:s3cr3t-pass@127.0.0.1:9/v1/files?limit=100';
    const out = redactSecrets(text);
    expect(out).not.toContain('s3cr3t-pass');
    expect(out).not.toContain('alice');
    expect(out).toContain('http://[redacted]@127.0.0.1:9/v1 (GET /files)');
    expect(out).toContain('http://[redacted]@127.0.0.1:9/v1/files?limit=100');
    expect(redactSecrets('postgres://app:pw%40x@db:5432/state')).toBe('postgres://[redacted]@db:5432/state');
  });

  it('removes the password of a configured URL where it appears on its own, as written or decoded', () => {
    const url = 'https://u:p%40ss-w0rd-long@proxy.example/v1';
    const out = redactSecrets('proxy said p@ss-w0rd-long is wrong; also p%40ss-w0rd-long', { urls: [url] });
    expect(out).toBe('proxy said [redacted] is wrong; also [redacted]');
  });

  it('removes the query parameter values and the fragment of a configured URL, as written or decoded', () => {
    const url =
      'https://gw.example/v1?api-key=Passw0rdXYZ123&sig=a%2Bb%2Fc%3D%3D99&ver=1&OnlyAName123#tok=Frag-Secret-1';
    const text = [
      'gateway: api-key=Passw0rdXYZ123 refused',
      'signature a+b/c==99 or a%2Bb%2Fc%3D%3D99',
      'flag OnlyAName123, fragment Frag-Secret-1',
      'short values stay: ver=1',
    ].join('\n');
    for (const shapes of [true, false]) {
      expect(redactSecrets(text, { urls: [url] }, { shapes })).toBe(
        [
          'gateway: api-key=[redacted] refused',
          'signature [redacted] or [redacted]',
          'flag [redacted], fragment [redacted]',
          'short values stay: ver=1',
        ].join('\n'),
      );
    }
  });

  it('leaves URLs without credentials and e-mail addresses alone', () => {
    const text =
      'see https://platform.openai.com/account/api-keys or mail ops@example.com, at http://127.0.0.1:9/v1';
    expect(redactSecrets(text)).toBe(text);
  });

  it('is idempotent', () => {
    const once = redactSecrets(`http://a:bcdefgh@x/v1 ${KEY} sk-proj-ab****yz ${KEY.slice(3, 15)}`, {
      apiKey: KEY,
    });
    expect(redactSecrets(once, { apiKey: KEY })).toBe(once);
  });
});
