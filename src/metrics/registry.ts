/** The metric registry: every metric the runner and `synthbench list` know about. */
import { Registry } from '../core/registry.js';
import { columnShapes } from './fidelity/column-shapes.js';
import { correlationSimilarity } from './fidelity/correlation.js';
import type { Metric } from './types.js';
import { tstr } from './utility/tstr.js';

export const metrics = new Registry<Metric>('metric');
metrics.register(columnShapes);
metrics.register(correlationSimilarity);
metrics.register(tstr);
