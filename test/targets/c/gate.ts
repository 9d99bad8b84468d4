// Tests that need a toolchain run only where it is installed. Where it is missing, each such
// test is replaced by one that says what was NOT run and why: it fails under CI (CI=true),
// where the toolchains are always installed (.ci/run), and passes with a warning elsewhere.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { toolStatus } from '../../../targets/c/toolchain';
import { avrToolStatus } from '../../../targets/c/avr';

export const TOOLS = toolStatus();
export const HAVE_HOST = TOOLS.hostCc;
export const HAVE_ARM = TOOLS.armCc && TOOLS.qemu;
export const AVR_TOOLS = avrToolStatus();
/** avr-gcc, avr-libc and simavr (TINYRNN_HIDE_TOOLS=avr,simavr pretends they are missing). */
export const HAVE_AVR = AVR_TOOLS.avrCc && AVR_TOOLS.simavr;
/** CMake, for the C target's CMake snippet (TINYRNN_HIDE_TOOLS=cmake pretends it is missing). */
export const HAVE_CMAKE =
  !(process.env.TINYRNN_HIDE_TOOLS ?? '').split(',').some((x) => x.trim() === 'cmake') &&
  (process.env.PATH ?? '').split(path.delimiter).some((d) => d !== '' && fs.existsSync(path.join(d, 'cmake')));

function missingTest(what: string, name: string, missing: string[]): void {
  test(`${what} missing: ${name} NOT run`, () => {
    const msg = `tinyrnn C target: "${name}" was NOT run: missing ${missing.join('; ')}`;
    if (process.env.CI) throw new Error(msg + ' (CI must install the toolchains: see .ci/run)');
    console.warn(msg);
  });
}

/** A test that needs arm-none-eabi-gcc and qemu-system-arm. */
export function armTest(name: string, fn: () => Promise<void>, timeout?: number): void {
  if (HAVE_ARM) test(name, fn, timeout);
  else
    missingTest(
      'ARM toolchain',
      name,
      TOOLS.missing.filter((m) => !m.startsWith('gcc')),
    );
}

/** A test that needs the host gcc. */
export function hostTest(name: string, fn: () => Promise<void>, timeout?: number): void {
  if (HAVE_HOST) test(name, fn, timeout);
  else missingTest('host C compiler', name, ['gcc']);
}

/** A test that needs the host gcc and CMake. */
export function cmakeTest(name: string, fn: () => Promise<void>, timeout?: number): void {
  if (HAVE_HOST && HAVE_CMAKE) test(name, fn, timeout);
  else missingTest('CMake', name, [...(HAVE_HOST ? [] : ['gcc']), ...(HAVE_CMAKE ? [] : ['cmake (apt-get install cmake)'])]);
}

/** A test that needs avr-gcc, avr-libc and simavr. */
export function avrTest(name: string, fn: () => Promise<void>, timeout?: number): void {
  if (HAVE_AVR) test(name, fn, timeout);
  else missingTest('AVR toolchain', name, AVR_TOOLS.missing);
}
