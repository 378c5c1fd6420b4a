/**
 * synthbench as a library: the contracts (Table, Schema, Generator, Attack, Metric, ResultRecord),
 * the registries, and the entry points the CLI uses (runSuite, evaluators, reports).
 */
export * from './core/table.js';
export * from './core/schema.js';
export { Rng, AliasTable, deriveSeed } from './core/rng.js';
export { SynthbenchError, type ErrorCode } from './core/errors.js';
export type { Measure, Direction, EvaluatorFamily } from './core/measure.js';
export type { EvalContext, ProgressReporter } from './core/context.js';
export { Registry } from './core/registry.js';
export type { Generator, GeneratorFamily, FittedModel, FitContext } from './generators/types.js';
export type { Attack, AttackKind, AttackResult, TargetScores, ThreatModel } from './attacks/types.js';
export type { Metric, MetricFamily } from './metrics/types.js';
export { generators } from './generators/registry.js';
export { attacks } from './attacks/registry.js';
export { metrics } from './metrics/registry.js';
export * from './data/index.js';
export { runSuite, type RunOptions, type RunSummary } from './runner/run.js';
export { parseSuite, loadSuite, type Suite, type SuiteInput, type PluginEntry } from './runner/suite.js';
export { planEvaluators, runEvaluator } from './runner/evaluators.js';
export { parseRecords, RESULTS_SCHEMA_VERSION, type ResultRecord, type RecordStatus } from './runner/records.js';
export type { RunManifest } from './runner/manifest.js';
export { renderHtml, writeReport, aggregate } from './report/index.js';
export { initBackend, activeBackend, type BackendName } from './tensor/backend.js';
