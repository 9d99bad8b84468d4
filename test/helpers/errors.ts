// What a call refused with: the code of the TinyrnnError it threw (any other error is rethrown, so
// a crash is never mistaken for a refusal), or 'no error' when it returned.
import { TinyrnnError } from '../../compiler/core/ir/errors';

function described(e: unknown, withPath: boolean): string {
  if (!(e instanceof TinyrnnError)) throw e;
  return withPath ? `${e.code} ${e.diagnostics[0].path}` : e.code;
}

/** The code `f` was refused with. */
export function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return described(e, false);
  }
  return 'no error';
}

/** The code and the path of the first diagnostic `f` was refused with ("QNT011 layers[1]"). */
export function codePathOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return described(e, true);
  }
  return 'no error';
}

/** The code the promise was rejected with. */
export async function codeOfAsync(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return described(e, false);
  }
  return 'no error';
}
