/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testTimeout: 120000,
  // Two suites at a time: jest's default on a 2-core machine is one worker (cores - 1), which leaves
  // the second core idle. Measured in the README's Tests section.
  maxWorkers: 2,
};
