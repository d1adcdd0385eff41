import { AssistantsError } from '../../src/errors/index.js';

/** The AssistantsError `promise` rejects with; any other rejection, or none, fails the test. */
export async function rejection(promise: Promise<unknown>): Promise<AssistantsError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AssistantsError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}
