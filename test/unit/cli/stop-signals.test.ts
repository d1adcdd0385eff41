import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  DUPLICATE_SIGNAL_MS,
  listenForStop,
  type SignalProcess,
  type StopSignal,
} from '../../../src/cli/stop-signals.js';

class Exited extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/**
 * A process that records what is done to it. `exit` throws (as the real one never returns). A
 * library hook like signal-exit's can be added: it re-raises a signal when it is the only listener.
 */
function fakeProcess() {
  const emitter = new EventEmitter();
  const log: string[] = [];
  const proc: SignalProcess = {
    pid: 4242,
    on: (signal, listener) => emitter.on(signal, listener),
    off: (signal, listener) => emitter.off(signal, listener),
    kill: (pid, signal) => {
      log.push(`kill ${pid} ${signal}`);
    },
    exit: (code) => {
      log.push(`exit ${code}`);
      throw new Exited(code);
    },
  };
  const send = (signal: StopSignal) => {
    emitter.emit(signal, signal);
  };
  /** Like signal-exit: on a signal, if no other listener is left, it kills the process itself. */
  const addExitHook = () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      emitter.on(signal, () => {
        if (emitter.listenerCount(signal) === 1) log.push(`hook re-raised ${signal}`);
      });
    }
  };
  // A clock that moves only when told: what counts as a copy of the first signal depends on it.
  let ms = 1_000_000;
  const clock = {
    now: () => ms,
    advance: (by: number) => {
      ms += by;
    },
  };
  return { proc, log, send, addExitHook, clock, listeners: (s: StopSignal) => emitter.listenerCount(s) };
}

/** listenForStop on the fake, with its clock, logging `release locks` for beforeExit. */
function listen(fake: ReturnType<typeof fakeProcess>) {
  return listenForStop(fake.proc, { beforeExit: () => fake.log.push('release locks'), now: fake.clock.now });
}

describe('listenForStop', () => {
  it('gives the first signal to the subscriber and keeps listening, so no exit hook re-raises it', () => {
    const fake = fakeProcess();
    const onStop = listen(fake);
    fake.addExitHook(); // the cursor hook of the live task list, loaded after us
    const got: string[] = [];
    onStop((signal) => got.push(signal));
    fake.send('SIGINT');
    expect(got).toEqual(['SIGINT']);
    expect(fake.log).toEqual([]);
    expect(fake.listeners('SIGINT')).toBe(2);
    expect(fake.listeners('SIGTERM')).toBe(2);
  });

  it('forces the exit on a further signal: onForce, then the locks, then exit 130', () => {
    const fake = fakeProcess();
    const onStop = listen(fake);
    const got: string[] = [];
    onStop((signal) => got.push(signal), { onForce: (signal) => fake.log.push(`note ${signal}`) });
    fake.send('SIGINT');
    fake.clock.advance(DUPLICATE_SIGNAL_MS);
    expect(() => fake.send('SIGINT')).toThrow(Exited);
    expect(got).toEqual(['SIGINT']); // told once
    expect(fake.log).toEqual(['note SIGINT', 'release locks', 'exit 130']);
  });

  it('takes the same signal right after the first for a copy (a wrapper forwarding it), not a second', () => {
    const fake = fakeProcess();
    const onStop = listen(fake);
    const got: string[] = [];
    onStop((signal) => got.push(signal), { onForce: () => fake.log.push('note') });
    fake.send('SIGINT');
    fake.clock.advance(DUPLICATE_SIGNAL_MS - 1);
    fake.send('SIGINT');
    expect(got).toEqual(['SIGINT']);
    expect(fake.log).toEqual([]);
    // Another signal is no copy, however soon it comes.
    expect(() => fake.send('SIGTERM')).toThrow(Exited);
    expect(fake.log).toEqual(['note', 'release locks', 'exit 130']);
  });

  it('still forces the exit after the stopped subscriber has unsubscribed (saving, unlocking)', () => {
    const fake = fakeProcess();
    const onStop = listen(fake);
    const unsubscribe = onStop(() => {}, { onForce: () => fake.log.push('note') });
    fake.send('SIGINT');
    unsubscribe();
    fake.clock.advance(DUPLICATE_SIGNAL_MS);
    expect(() => fake.send('SIGINT')).toThrow(Exited);
    expect(fake.log).toEqual(['note', 'release locks', 'exit 130']);
  });

  it('exits even when an onForce hook throws', () => {
    const fake = fakeProcess();
    const onStop = listen(fake);
    onStop(() => {}, {
      onForce: () => {
        throw new Error('broken terminal');
      },
    });
    fake.send('SIGINT');
    expect(() => fake.send('SIGTERM')).toThrow(Exited);
    expect(fake.log).toEqual(['release locks', 'exit 130']);
  });

  it('with nothing subscribed, releases the locks and lets the signal end the process as by default', () => {
    const fake = fakeProcess();
    const onStop = listen(fake);
    const unsubscribe = onStop(() => fake.log.push('told'));
    unsubscribe(); // a stop that ended before any signal came
    fake.send('SIGTERM');
    expect(fake.log).toEqual(['release locks', 'kill 4242 SIGTERM']);
    expect(fake.listeners('SIGINT')).toBe(0);
    expect(fake.listeners('SIGTERM')).toBe(0);
  });

  it('tells a subscriber that comes while stopping at once', async () => {
    const fake = fakeProcess();
    const onStop = listen(fake);
    onStop(() => {});
    fake.send('SIGTERM');
    const late = await new Promise<string>((resolve) => onStop(resolve));
    expect(late).toBe('SIGTERM');
  });
});
