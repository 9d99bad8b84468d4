/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testTimeout: 120000,
  // Two suites at a time: jest's default on a 2-core machine is one worker (cores - 1), which leaves a
  // core idle while a suite waits on gcc, QEMU or an interpreter. Measured in the README's test section.
  maxWorkers: 2,
};
