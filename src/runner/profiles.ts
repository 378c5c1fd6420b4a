/**
 * Built-in suite profiles. `run --quick` is the pull-request profile: the simulated cohort, 300
 * training rows, the four baseline generators, three repetitions (so gates get across-repetition
 * intervals), and the default attacks and metrics. benchmarks/suites/quick.json holds the same
 * suite as a file (a test keeps the two equal); it lives in code so an installed package has it.
 */
import type { SuiteInput } from './suite.js';

export const QUICK_SUITE: SuiteInput = {
  name: 'quick',
  description: 'Pull-request profile: cohort, 300 training rows, baseline generators, default attacks and metrics, 3 repetitions',
  seed: 42,
  datasets: ['cohort'],
  splits: { seeds: [0], trainSize: 300 },
  generators: ['identity', 'uniform', 'marginals', 'gaussian-copula'],
  repetitions: 3,
  timeoutSeconds: 600,
};
